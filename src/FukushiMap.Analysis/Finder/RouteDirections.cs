using FukushiMap.Core.Directions;
using FukushiMap.Core.Network;
using FukushiMap.Data.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Analysis.Finder;

/// <summary>One written step of a route, for the finder's list and the printed card (the page words it).</summary>
/// <param name="Kind">depart, turn or arrive.</param>
/// <param name="Turn">straight, slight-right, right, sharp-right, slight-left, left, sharp-left or u-turn (turn steps).</param>
/// <param name="Heading">北, 北東 … on the depart step: the direction first walked.</param>
/// <param name="Name">The street's name, or null for a way without one (「道なりに」).</param>
/// <param name="Metres">Metres walked, to the nearest 10 m (at least 10; 0 on arrive).</param>
/// <param name="Stairs">True when the step has steps (階段) on it.</param>
public sealed record RouteStep(string Kind, string? Turn, string? Heading, string? Name, double Metres, bool Stairs);

/// <summary>Steps from a route drawn by <see cref="HubDistanceTable"/>: its pieces named from the network's edges.</summary>
public static class RouteDirections
{
    public static List<RouteStep> For(PlanePath path, LoadedNetwork network)
    {
        var pieces = new List<RoutePiece>();
        foreach (var (edge, first, last) in path.Pieces())
        {
            var points = new Coordinate[last - first + 1];
            for (var i = 0; i < points.Length; i++)
            {
                points[i] = new Coordinate(path.X(first + i), path.Y(first + i));
            }
            var name = edge >= 0 && edge < network.EdgeNames.Count ? network.EdgeNames[edge] : null;
            var highway = edge >= 0 && edge < network.EdgeHighways.Count ? network.EdgeHighways[edge] : null;
            pieces.Add(RoutePiece.Along(string.IsNullOrWhiteSpace(name) ? null : name, highway, points));
        }
        return [.. WalkingDirections.Build(pieces).Select(s => new RouteStep(Kind(s.Kind), s.Kind == StepKind.Turn ? Turn(s.Turn) : null,
            s.Heading, s.Name, s.RoundedMetres, s.Stairs))];
    }

    private static string Kind(StepKind kind) => kind switch
    {
        StepKind.Depart => "depart",
        StepKind.Turn => "turn",
        _ => "arrive",
    };

    private static string Turn(TurnDirection turn) => turn switch
    {
        TurnDirection.Straight => "straight",
        TurnDirection.SlightRight => "slight-right",
        TurnDirection.Right => "right",
        TurnDirection.SharpRight => "sharp-right",
        TurnDirection.SlightLeft => "slight-left",
        TurnDirection.Left => "left",
        TurnDirection.SharpLeft => "sharp-left",
        _ => "u-turn",
    };
}
