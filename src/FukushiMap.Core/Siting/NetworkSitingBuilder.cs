using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;

namespace FukushiMap.Core.Siting;

/// <summary>
/// A siting instance over placed people: the instance, and which placement each demand point is. Built on a walking network
/// (<see cref="NetworkSitingBuilder"/>: walking metres, on-network placements) or, where there is none, by straight line
/// (<see cref="StraightLineSitingBuilder"/>: straight-line metres, placements without network data) — never both in one instance.
/// </summary>
/// <param name="Instance">Demand points are the placements; facilities the existing hubs, then the candidates.</param>
/// <param name="PlacementOfDemand">Index into the placement of each demand point.</param>
/// <param name="BoundMetres">Metres searched from each facility (pairs beyond are not stored).</param>
public sealed record NetworkSitingInstance(SitingInstance Instance, int[] PlacementOfDemand, double BoundMetres);

/// <summary>
/// Builds a <see cref="SitingInstance"/> from people placed on a walking network (<see cref="PopulationPlacement"/>)
/// and facilities snapped onto it: one bounded Dijkstra from each facility, and the exact walking metres to each
/// placement on the edges it reaches (<see cref="MultiSourceDijkstra.MetresTo"/>, both snap walks included) — the same
/// measure and the same test (≤ budget) as <see cref="CoverageAnalyzer"/>, so "covered" means the same in both.
/// Facilities run in parallel, one search object per thread.
/// </summary>
public static class NetworkSitingBuilder
{
    /// <summary>Builds the instance.</summary>
    /// <param name="graph">The graph coverage uses (<see cref="CoverageGraph.WithPlaneLengthFloor"/>), numbered like the placement.</param>
    /// <param name="placement">The people. Placements without network take no part (they are counted apart, as in coverage).</param>
    /// <param name="existing">Existing hubs' snaps (kept open; off-network ones reach nobody).</param>
    /// <param name="candidates">Candidate sites' snaps (off-network ones reach nobody).</param>
    /// <param name="boundMetres">Walking metres searched from each facility.</param>
    /// <param name="olderBand">Index of the 65+ band in the placement, or null when unknown.</param>
    /// <param name="olderExtraWeight">Extra objective weight per person aged 65+ (0: everyone counts the same;
    /// 1: older people count twice).</param>
    /// <param name="cancellationToken">Checked between facilities.</param>
    /// <param name="maxPairs">Stops with <see cref="SitingInstanceTooLargeException"/> once more pairs than this are found
    /// (about 16 bytes each once built): the caller should ask with fewer candidates or a shorter walk.</param>
    public static NetworkSitingInstance Build(WalkingGraph graph, PopulationPlacement placement, IReadOnlyList<NetworkSnap> existing,
        IReadOnlyList<NetworkSnap> candidates, double boundMetres, int? olderBand = null, double olderExtraWeight = 0,
        CancellationToken cancellationToken = default, long maxPairs = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(candidates);
        if (!(boundMetres >= 0) || !double.IsFinite(boundMetres)) throw new ArgumentOutOfRangeException(nameof(boundMetres));
        if (!(olderExtraWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(olderExtraWeight));

        // Demand points: the on-network placements, indexed by edge.
        var demandOfPlacement = new int[placement.Count];
        var placementOfDemand = new List<int>();
        var builder = new SitingInstanceBuilder(existing.Count, candidates.Count, boundMetres);
        for (int i = 0; i < placement.Count; i++)
        {
            demandOfPlacement[i] = -1;
            if (placement.Kinds[i] == PlacementKind.NoNetwork) continue;
            if ((uint)placement.Snaps[i].EdgeIndex >= (uint)graph.EdgeCount) throw new ArgumentException("The placement was made on another network.", nameof(placement));
            double people = placement.People[i];
            double older = olderBand is { } b ? placement.Bands[b][i] : 0;
            demandOfPlacement[i] = builder.AddDemand(people + olderExtraWeight * older, people, older);
            placementOfDemand.Add(i);
        }
        var firstOnEdge = new int[graph.EdgeCount + 1];
        foreach (int i in placementOfDemand) firstOnEdge[placement.Snaps[i].EdgeIndex + 1]++;
        for (int e = 0; e < graph.EdgeCount; e++) firstOnEdge[e + 1] += firstOnEdge[e];
        var onEdge = new int[firstOnEdge[^1]];
        var next = (int[])firstOnEdge.Clone();
        foreach (int i in placementOfDemand) onEdge[next[placement.Snaps[i].EdgeIndex]++] = i;

        var facilities = existing.Concat(candidates).ToArray();
        var reached = new (int[] Demands, float[] Metres)[facilities.Length];
        long found = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, facilities.Length, options,
                () => (Search: new MultiSourceDijkstra(graph), Stamp: new int[placement.Count], Run: 0),
                (f, state, local) =>
                {
                    var snap = facilities[f];
                    if (!snap.IsOnNetwork) { reached[f] = ([], []); return local; }
                    var search = local.Search;
                    var stamp = local.Stamp;
                    int run = ++local.Run;
                    search.Run([SearchOrigin.FromSnap(snap)], boundMetres, cancellationToken);
                    var demands = new List<int>();
                    var metres = new List<float>();
                    void Visit(int edge)
                    {
                        for (int k = firstOnEdge[edge], end = firstOnEdge[edge + 1]; k < end; k++)
                        {
                            int i = onEdge[k];
                            if (stamp[i] == run) continue;
                            stamp[i] = run;
                            float m = search.MetresTo(placement.Snaps[i], out _);
                            if (m <= boundMetres) { demands.Add(demandOfPlacement[i]); metres.Add(m); }
                        }
                    }
                    Visit(snap.EdgeIndex);
                    // A placement is reachable only through an end whose arc walks into its edge, or from the facility's own edge.
                    foreach (int u in search.SettledNodes)
                        for (int a = graph.FirstArcs[u], end = graph.FirstArcs[u + 1]; a < end; a++) Visit(graph.ArcEdgeDirs[a] >> 1);
                    reached[f] = ([.. demands], [.. metres]);
                    if (Interlocked.Add(ref found, demands.Count) > maxPairs) throw new SitingInstanceTooLargeException(maxPairs);
                    return local;
                },
                _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<SitingInstanceTooLargeException>().FirstOrDefault() is { } tooLarge)
        {
            throw tooLarge;
        }
        builder.EnsureCapacity(reached.Sum(r => r.Demands.Length));
        for (int f = 0; f < facilities.Length; f++)
        {
            var (demands, metres) = reached[f];
            for (int k = 0; k < demands.Length; k++) builder.AddPair(demands[k], f, metres[k]);
            reached[f] = default;
        }
        return new NetworkSitingInstance(builder.Build(), [.. placementOfDemand], boundMetres);
    }
}

/// <summary>A siting instance would hold more demand–facility pairs than allowed.</summary>
/// <param name="maxPairs">The most allowed.</param>
public sealed class SitingInstanceTooLargeException(long maxPairs)
    : Exception($"The siting instance would hold more than {maxPairs} demand–facility pairs.")
{
    /// <summary>The most allowed.</summary>
    public long MaxPairs { get; } = maxPairs;
}
