using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Triangulate;

namespace FukushiMap.Core.Network;

/// <summary>
/// Areas within minutes × pace of hubs as the crow flies: what an isochrone is where there is no network data
/// (「直線距離（道路データなし）」). Same bands and groupings as <see cref="IsochroneBuilder"/>, plane metres.
/// </summary>
public static class StraightLineIsochrones
{
    /// <summary>Segments per quarter circle of the discs (about 0.3% short of the true area at 16).</summary>
    public const int QuadrantSegments = 16;

    /// <summary>Discs round <paramref name="hubs"/> for each of <paramref name="walkMinutes"/> at <paramref name="pace"/>.</summary>
    public static IReadOnlyList<Isochrone> Build(IReadOnlyList<Coordinate> hubs, IReadOnlyList<double> walkMinutes, WalkingPace pace,
        IsochroneGrouping grouping, GeometryFactory factory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hubs);
        ArgumentNullException.ThrowIfNull(walkMinutes);
        ArgumentNullException.ThrowIfNull(factory);
        var result = new List<Isochrone>();
        if (hubs.Count == 0) return result;
        Geometry[]? cells = grouping == IsochroneGrouping.NearestSource ? NearestCells(hubs, factory) : null;
        foreach (double minutes in walkMinutes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double metres = pace.MinutesToMetres(minutes);
            var discs = hubs.Select(h => factory.CreatePoint(h).Buffer(metres, QuadrantSegments)).ToArray();
            switch (grouping)
            {
                case IsochroneGrouping.Dissolved:
                    result.Add(new Isochrone(-1, minutes, metres, CascadedPolygonUnion.Union(discs)));
                    break;
                case IsochroneGrouping.PerSource:
                    for (int h = 0; h < discs.Length; h++) result.Add(new Isochrone(h, minutes, metres, discs[h]));
                    break;
                default:
                    for (int h = 0; h < discs.Length; h++)
                    {
                        var area = discs[h].Intersection(cells![h]);
                        if (!area.IsEmpty) result.Add(new Isochrone(h, minutes, metres, area));
                    }
                    break;
            }
        }
        return result;
    }

    /// <summary>Each hub's cell of the plane: the points nearer to it than to any other hub (hubs at one spot share it).</summary>
    private static Geometry[] NearestCells(IReadOnlyList<Coordinate> hubs, GeometryFactory factory)
    {
        var distinct = hubs.Distinct().ToList();
        if (distinct.Count == 1) return hubs.Select(_ => (Geometry)factory.ToGeometry(Everything(hubs))).ToArray();
        var builder = new VoronoiDiagramBuilder();
        builder.SetSites(distinct);
        builder.ClipEnvelope = Everything(hubs);
        var diagram = builder.GetDiagram(factory);
        var cellOf = new Dictionary<Coordinate, Geometry>();
        for (int k = 0; k < diagram.NumGeometries; k++)
        {
            var cell = diagram.GetGeometryN(k);
            if (cell.UserData is Coordinate site) cellOf[site] = cell;
        }
        return hubs.Select(h => cellOf.TryGetValue(h, out var c) ? c : factory.CreatePolygon()).ToArray();
    }

    private static Envelope Everything(IReadOnlyList<Coordinate> hubs)
    {
        var e = new Envelope();
        foreach (var h in hubs) e.ExpandToInclude(h);
        e.ExpandBy(1_000_000);
        return e;
    }
}
