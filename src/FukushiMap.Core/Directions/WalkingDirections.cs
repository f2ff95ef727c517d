using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Directions;

/// <summary>One piece of a walked route: part of one network edge (or a walk between a point and the network).</summary>
/// <param name="Points">The piece as walked, plane metres (平面直角座標系, X east, Y north), at least two points.</param>
/// <param name="Name">The street name (OSM <c>name</c>), or null when the data has none.</param>
/// <param name="Highway">The OSM <c>highway</c> class, or null (a walk onto or off the network).</param>
/// <param name="LengthMetres">Walked length in metres.</param>
public sealed record RoutePiece(IReadOnlyList<Coordinate> Points, string? Name, string? Highway, double LengthMetres)
{
    /// <summary>A piece whose length is its plane length.</summary>
    public static RoutePiece Along(string? name, string? highway, params Coordinate[] points) =>
        new(points, name, highway, new LineString(points).Length);
}

/// <summary>What a step says.</summary>
public enum StepKind
{
    /// <summary>The first step: leave the start heading <see cref="WalkingStep.Heading"/>.</summary>
    Depart,
    /// <summary>At a change of street: turn (or go straight) onto the next one.</summary>
    Turn,
    /// <summary>The last step: arrive at the hub (no metres).</summary>
    Arrive,
}

/// <summary>The change of direction at the start of a <see cref="StepKind.Turn"/> step (thresholds in <see cref="WalkingDirections"/>).</summary>
public enum TurnDirection
{
    Straight,
    SlightRight,
    Right,
    SharpRight,
    SlightLeft,
    Left,
    SharpLeft,
    UTurn,
}

/// <summary>One step a walker follows.</summary>
/// <param name="Kind">Depart, turn or arrive.</param>
/// <param name="Turn">The turn at the start of a <see cref="StepKind.Turn"/> step (Straight for the others).</param>
/// <param name="Heading">Compass word of the first direction walked (北, 北東 … 北西), on the depart step only.</param>
/// <param name="Name">The street walked along, or null for an unnamed way (「道なりに」).</param>
/// <param name="Metres">Metres walked in the step (unrounded; 0 for arrive).</param>
/// <param name="Stairs">True when the step climbs or descends steps (OSM <c>highway=steps</c>): worth saying to a slow walker.</param>
public sealed record WalkingStep(StepKind Kind, TurnDirection Turn, string? Heading, string? Name, double Metres, bool Stairs = false)
{
    /// <summary><see cref="Metres"/> as told to a walker: to the nearest 10 m, at least 10 m (0 stays 0).</summary>
    public double RoundedMetres => WalkingDirections.RoundMetres(Metres);
}

/// <summary>
/// Turns a walked route into steps a person can follow, the way printed directions read: consecutive pieces of the same named
/// street are one step whatever their bends; unnamed ways are one step while they go on straight (「道なりに」); each change of
/// street starts a step with the turn from the bearing change. Pieces shorter than <see cref="ShortPieceMetres"/> (a kerb, a
/// crossing, a walk onto the network) never start a step: they count in the step they fall in. Pure: no I/O.
/// </summary>
/// <remarks>
/// Turn thresholds, by the absolute change of bearing between the last <see cref="BearingWindowMetres"/> m walked and the first
/// <see cref="BearingWindowMetres"/> m of the next street (chords, so small jogs of the geometry do not count):
/// under 25° まっすぐ; 25–60° 少し右/左; 60–135° 右/左; 135–165° 大きく右/左; 165° and more 引き返す (U-turn).
/// </remarks>
public static class WalkingDirections
{
    /// <summary>Below this change of bearing (degrees) the walker goes straight on.</summary>
    public const double StraightMaxDegrees = 25;

    /// <summary>Below this, a slight turn (少し右へ).</summary>
    public const double SlightMaxDegrees = 60;

    /// <summary>Below this, a turn (右へ).</summary>
    public const double TurnMaxDegrees = 135;

    /// <summary>Below this, a sharp turn (大きく右へ); from here on, a U-turn.</summary>
    public const double SharpMaxDegrees = 165;

    /// <summary>Bearings are measured as the chord over this many metres at the end and start of a step.</summary>
    public const double BearingWindowMetres = 20;

    /// <summary>Pieces shorter than this (metres) join the step they fall in.</summary>
    public const double ShortPieceMetres = 10;

    /// <summary>The OSM <c>highway</c> value of stairs.</summary>
    public const string StepsHighway = "steps";

    private static readonly string[] Compass = ["北", "北東", "東", "南東", "南", "南西", "西", "北西"];

    /// <summary>The steps of a route given as ordered pieces: a depart step, a step per change of street, an arrive step.
    /// Empty when the route has no length.</summary>
    public static List<WalkingStep> Build(IReadOnlyList<RoutePiece> pieces)
    {
        var legs = new List<Leg>();
        foreach (var piece in pieces)
        {
            if (piece.Points.Count < 2 || !(piece.LengthMetres > 0))
            {
                continue;
            }
            var leg = legs.Count > 0 ? legs[^1] : null;
            var isShort = piece.LengthMetres < ShortPieceMetres;
            if (leg is null)
            {
                legs.Add(new Leg(piece, TurnDirection.Straight, pending: isShort));
                continue;
            }
            if (isShort)
            {
                leg.Add(piece, takeName: false);
                continue;
            }
            if (leg.Pending)
            {
                // Only short pieces so far (the walk onto the network): the first real street names the step.
                leg.Add(piece, takeName: true);
                continue;
            }
            var change = ChangeDegrees(EndBearing(leg.Points), StartBearing(piece.Points));
            var turn = Classify(change);
            var sameStreet = piece.Name is not null && piece.Name == leg.Name;
            var straightOnUnnamed = piece.Name is null && leg.Name is null && turn == TurnDirection.Straight;
            if (sameStreet || straightOnUnnamed)
            {
                leg.Add(piece, takeName: false);
            }
            else
            {
                legs.Add(new Leg(piece, turn, pending: false));
            }
        }
        if (legs.Count == 0)
        {
            return [];
        }
        var steps = new List<WalkingStep>(legs.Count + 1)
        {
            new(StepKind.Depart, TurnDirection.Straight, CompassWord(StartBearing(legs[0].HeadingPoints)), legs[0].Name, legs[0].Metres, legs[0].Stairs),
        };
        steps.AddRange(legs.Skip(1).Select(l => new WalkingStep(StepKind.Turn, l.Turn, null, l.Name, l.Metres, l.Stairs)));
        steps.Add(new WalkingStep(StepKind.Arrive, TurnDirection.Straight, null, null, 0));
        return steps;
    }

    /// <summary>Metres as told to a walker: to the nearest 10 m, at least 10 m; 0 stays 0.</summary>
    public static double RoundMetres(double metres) => metres <= 0 ? 0 : Math.Max(10, Math.Round(metres / 10, MidpointRounding.AwayFromZero) * 10);

    /// <summary>The turn for a change of bearing in degrees (positive = to the left, anticlockwise).</summary>
    public static TurnDirection Classify(double changeDegrees)
    {
        var a = Math.Abs(changeDegrees);
        var left = changeDegrees > 0;
        return a switch
        {
            < StraightMaxDegrees => TurnDirection.Straight,
            < SlightMaxDegrees => left ? TurnDirection.SlightLeft : TurnDirection.SlightRight,
            < TurnMaxDegrees => left ? TurnDirection.Left : TurnDirection.Right,
            < SharpMaxDegrees => left ? TurnDirection.SharpLeft : TurnDirection.SharpRight,
            _ => TurnDirection.UTurn,
        };
    }

    /// <summary>北, 北東 … 北西 for a direction given as a math angle in degrees (anticlockwise from east, plane north up).</summary>
    public static string CompassWord(double mathDegrees)
    {
        var fromNorth = ((90 - mathDegrees) % 360 + 360) % 360;
        return Compass[(int)Math.Round(fromNorth / 45, MidpointRounding.AwayFromZero) % 8];
    }

    private static double ChangeDegrees(double fromDegrees, double toDegrees)
    {
        var d = (toDegrees - fromDegrees) % 360;
        return d switch { > 180 => d - 360, <= -180 => d + 360, _ => d };
    }

    /// <summary>Direction of the chord from the start to the point <see cref="BearingWindowMetres"/> along (math degrees).</summary>
    private static double StartBearing(IReadOnlyList<Coordinate> points)
    {
        var end = PointAlong(points, 0, 1);
        return Math.Atan2(end.Y - points[0].Y, end.X - points[0].X) * 180 / Math.PI;
    }

    /// <summary>Direction of the chord from the point <see cref="BearingWindowMetres"/> before the end to the end.</summary>
    private static double EndBearing(IReadOnlyList<Coordinate> points)
    {
        var start = PointAlong(points, points.Count - 1, -1);
        return Math.Atan2(points[^1].Y - start.Y, points[^1].X - start.X) * 180 / Math.PI;
    }

    private static Coordinate PointAlong(IReadOnlyList<Coordinate> points, int from, int step)
    {
        var walked = 0.0;
        for (var i = from; i + step >= 0 && i + step < points.Count; i += step)
        {
            var (a, b) = (points[i], points[i + step]);
            var length = a.Distance(b);
            if (walked + length >= BearingWindowMetres && length > 0)
            {
                var t = (BearingWindowMetres - walked) / length;
                return new Coordinate(a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y));
            }
            walked += length;
        }
        return points[step > 0 ? points.Count - 1 : 0];
    }

    /// <summary>Pieces walked as one step.</summary>
    private sealed class Leg
    {
        public Leg(RoutePiece first, TurnDirection turn, bool pending)
        {
            Turn = turn;
            Pending = pending;
            Name = first.Name;
            Points.AddRange(first.Points);
            Metres = first.LengthMetres;
            Stairs = first.Highway == StepsHighway;
        }

        public TurnDirection Turn { get; }
        public bool Pending { get; private set; }
        public string? Name { get; private set; }
        public double Metres { get; private set; }
        public bool Stairs { get; private set; }
        public List<Coordinate> Points { get; } = [];

        /// <summary>The points from the first piece that is not short: the walk onto the network does not set the heading.</summary>
        public IReadOnlyList<Coordinate> HeadingPoints => _headingFrom == 0 ? Points : Points[_headingFrom..];

        private int _headingFrom;

        public void Add(RoutePiece piece, bool takeName)
        {
            if (takeName)
            {
                Name = piece.Name;
                Pending = false;
                _headingFrom = Points.Count - 1;
            }
            Points.AddRange(Points[^1].Equals2D(piece.Points[0]) ? piece.Points.Skip(1) : piece.Points);
            Metres += piece.LengthMetres;
            Stairs |= piece.Highway == StepsHighway;
        }
    }
}
