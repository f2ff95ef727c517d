using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace FukushiMap.Core.Siting;

/// <summary>Where a candidate site comes from.</summary>
public enum CandidateSource
{
    /// <summary>A street crossing or bend of the walking network, sampled at a spacing.</summary>
    NetworkNode,

    /// <summary>An existing public facility (e.g. a designated shelter: community halls, schools).</summary>
    Facility,

    /// <summary>A place the user listed (uploaded) or drew on the map.</summary>
    User,

    /// <summary>The representative point of a 町丁・字 where people live (the candidates where there is no network data).</summary>
    UnitPoint,
}

/// <summary>A candidate site, plane metres.</summary>
/// <param name="Point">Where it stands (plane metres).</param>
/// <param name="Source">Where it comes from.</param>
/// <param name="Name">Its name when known (facility or user label), else null.</param>
public sealed record CandidateSite(Coordinate Point, CandidateSource Source, string? Name);

/// <summary>Candidate sites: sampled network nodes, and filters (exclusion areas).</summary>
public static class CandidateSites
{
    /// <summary>
    /// Network nodes thinned to about one per <paramref name="spacingMetres"/> square (<see cref="Thin"/>). Only nodes with at
    /// least one walkable arc are used, and (when <paramref name="largestComponentOnly"/>) only nodes of the largest connected
    /// part of the network, so that no candidate sits on an isolated fragment of street.
    /// </summary>
    public static List<CandidateSite> SampleNodes(WalkingGraph graph, double spacingMetres, bool largestComponentOnly = true)
    {
        ArgumentNullException.ThrowIfNull(graph);
        CheckSpacing(spacingMetres);
        var components = largestComponentOnly ? graph.LabelComponents(out _) : null;
        var nodes = Enumerable.Range(0, graph.NodeCount)
            .Where(n => graph.FirstArcs[n] != graph.FirstArcs[n + 1] && (components is null || components[n] == 0)).ToList();
        return Thin(nodes.Select(n => new Coordinate(graph.NodeXs[n], graph.NodeYs[n])).ToList(), spacingMetres)
            .Select(k => new CandidateSite(new Coordinate(graph.NodeXs[nodes[k]], graph.NodeYs[nodes[k]]), CandidateSource.NetworkNode, null))
            .ToList();
    }

    /// <summary>
    /// The representative points of the 町丁・字 where people live (population &gt; 0), thinned like the network nodes
    /// (<see cref="Thin"/>): the candidates where there is no network data, named after their 町丁・字 by the caller.
    /// Units sharing a point give one candidate.
    /// </summary>
    public static List<CandidateSite> SampleUnitPoints(IReadOnlyList<PopulationUnitInput> units, double spacingMetres)
    {
        ArgumentNullException.ThrowIfNull(units);
        CheckSpacing(spacingMetres);
        var points = units.Where(u => u.Population > 0).Select(u => u.Point).Distinct().ToList();
        return Thin(points, spacingMetres).Select(k => new CandidateSite(points[k].Copy(), CandidateSource.UnitPoint, null)).ToList();
    }

    /// <summary>
    /// Points thinned to about one per <paramref name="spacingMetres"/> square: the plane is cut into cells of that size and
    /// each cell keeps the point nearest its centre (the first of equals). Returns the kept indices, ascending.
    /// </summary>
    public static List<int> Thin(IReadOnlyList<Coordinate> points, double spacingMetres)
    {
        ArgumentNullException.ThrowIfNull(points);
        CheckSpacing(spacingMetres);
        var best = new Dictionary<(long, long), (int Index, double Distance)>();
        for (int n = 0; n < points.Count; n++)
        {
            double x = points[n].X, y = points[n].Y;
            long cx = (long)Math.Floor(x / spacingMetres), cy = (long)Math.Floor(y / spacingMetres);
            double dx = x - (cx + 0.5) * spacingMetres, dy = y - (cy + 0.5) * spacingMetres;
            double d = dx * dx + dy * dy;
            if (!best.TryGetValue((cx, cy), out var current) || d < current.Distance || (d == current.Distance && n < current.Index))
                best[(cx, cy)] = (n, d);
        }
        return best.Values.Select(v => v.Index).Order().ToList();
    }

    private static void CheckSpacing(double spacingMetres)
    {
        if (!(spacingMetres > 0) || !double.IsFinite(spacingMetres)) throw new ArgumentOutOfRangeException(nameof(spacingMetres));
    }

    /// <summary>
    /// The candidates standing outside every exclusion area (plane metres; a candidate on an area's boundary counts as
    /// inside, so it is excluded).
    /// </summary>
    public static List<CandidateSite> Exclude(IEnumerable<CandidateSite> candidates, IReadOnlyCollection<Geometry> exclusions)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(exclusions);
        var prepared = exclusions.Where(g => g is not null && !g.IsEmpty).Select(PreparedGeometryFactory.Prepare).ToList();
        var factory = new GeometryFactory();
        return candidates.Where(c =>
        {
            if (prepared.Count == 0) return true;
            var point = factory.CreatePoint(c.Point);
            return !prepared.Any(p => p.Intersects(point));
        }).ToList();
    }
}
