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
    /// Network nodes thinned to about one per <paramref name="spacingMetres"/> square: the plane is cut into cells of that
    /// size and each cell keeps the node nearest its centre. Only nodes with at least one walkable arc are used, and
    /// (when <paramref name="largestComponentOnly"/>) only nodes of the largest connected part of the network, so that
    /// no candidate sits on an isolated fragment of street.
    /// </summary>
    public static List<CandidateSite> SampleNodes(WalkingGraph graph, double spacingMetres, bool largestComponentOnly = true)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!(spacingMetres > 0) || !double.IsFinite(spacingMetres)) throw new ArgumentOutOfRangeException(nameof(spacingMetres));
        var components = largestComponentOnly ? graph.LabelComponents(out _) : null;
        var best = new Dictionary<(long, long), (int Node, double Distance)>();
        for (int n = 0; n < graph.NodeCount; n++)
        {
            if (graph.FirstArcs[n] == graph.FirstArcs[n + 1]) continue;
            if (components is not null && components[n] != 0) continue;
            double x = graph.NodeXs[n], y = graph.NodeYs[n];
            long cx = (long)Math.Floor(x / spacingMetres), cy = (long)Math.Floor(y / spacingMetres);
            double dx = x - (cx + 0.5) * spacingMetres, dy = y - (cy + 0.5) * spacingMetres;
            double d = dx * dx + dy * dy;
            if (!best.TryGetValue((cx, cy), out var current) || d < current.Distance || (d == current.Distance && n < current.Node))
                best[(cx, cy)] = (n, d);
        }
        return best.Values.Select(v => v.Node).Order()
            .Select(n => new CandidateSite(new Coordinate(graph.NodeXs[n], graph.NodeYs[n]), CandidateSource.NetworkNode, null))
            .ToList();
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
