using System.Collections.Concurrent;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Coverage;

/// <summary>A hub as a coverage source: where it stands (plane metres) and where that lands on the network.</summary>
/// <param name="Point">The hub's position, plane metres (straight-line distances are measured from here).</param>
/// <param name="Snap">Its snap onto the network; an off-network hub covers nobody by walking, but still counts straight-line.</param>
public readonly record struct CoverageHub(Coordinate Point, NetworkSnap Snap);

/// <summary>
/// The outcome of one coverage analysis, per placement of <see cref="PopulationPlacement"/> and per hub.
/// A placement is covered by walking when some hub is within the budget along the network (the walk from the home
/// street and to the hub's street included); straight-line when some hub is within the budget as the crow flies.
/// </summary>
public sealed class CoverageResult
{
    internal CoverageResult(PopulationPlacement placement, int hubCount, double budgetMetres, double straightRadiusMetres)
    {
        Placement = placement;
        BudgetMetres = budgetMetres;
        StraightRadiusMetres = straightRadiusMetres;
        int n = placement.Count;
        NearestMetres = new float[n];
        NearestHub = new int[n];
        StraightNearestMetres = new float[n];
        StraightNearestHub = new int[n];
        NetworkHubs = new int[n];
        NetworkSoleHub = new int[n];
        StraightHubs = new int[n];
        StraightSoleHub = new int[n];
        HubNetworkPeople = new long[hubCount];
        HubUniquePeople = new long[hubCount];
        HubStraightPeople = new long[hubCount];
        HubStraightUniquePeople = new long[hubCount];
    }

    /// <summary>The placement analysed.</summary>
    public PopulationPlacement Placement { get; }

    /// <summary>Walking budget (metres).</summary>
    public double BudgetMetres { get; }

    /// <summary>Straight-line radius (metres): the walking budget unless the caller chose another (800 m, 高齢者 500 m).</summary>
    public double StraightRadiusMetres { get; }

    /// <summary>Walking metres to the nearest hub, any distance (+∞ when unreachable or off-network).</summary>
    public float[] NearestMetres { get; }

    /// <summary>Index of the nearest hub by walking, or -1.</summary>
    public int[] NearestHub { get; }

    /// <summary>Straight-line metres to the nearest hub, any distance (+∞ without hubs).</summary>
    public float[] StraightNearestMetres { get; }

    /// <summary>Index of the nearest hub as the crow flies, or -1.</summary>
    public int[] StraightNearestHub { get; }

    /// <summary>Number of hubs within the walking budget of each placement.</summary>
    public int[] NetworkHubs { get; }

    /// <summary>The one hub within the walking budget when exactly one is, else -1.</summary>
    public int[] NetworkSoleHub { get; }

    /// <summary>Number of hubs within the straight-line radius of each placement.</summary>
    public int[] StraightHubs { get; }

    /// <summary>The one hub within the straight-line radius when exactly one is, else -1.</summary>
    public int[] StraightSoleHub { get; }

    /// <summary>People within walking reach of each hub.</summary>
    public long[] HubNetworkPeople { get; }

    /// <summary>People within walking reach of that hub and of no other: what closing it would cost.</summary>
    public long[] HubUniquePeople { get; }

    /// <summary>People within the straight-line radius of each hub.</summary>
    public long[] HubStraightPeople { get; }

    /// <summary>People within the straight-line radius of that hub only.</summary>
    public long[] HubStraightUniquePeople { get; }

    /// <summary>True when placement <paramref name="i"/> is within walking reach of a hub.</summary>
    public bool IsCovered(int i) => NetworkHubs[i] > 0;

    /// <summary>True when placement <paramref name="i"/> is within the straight-line radius of a hub.</summary>
    public bool IsStraightCovered(int i) => StraightHubs[i] > 0;
}

/// <summary>
/// Coverage of a placed population by a set of hubs within a walking budget, on a graph (use
/// <see cref="CoverageGraph.WithPlaneLengthFloor"/>) with the placement's edge numbering. Exact partial-edge distances
/// (<see cref="MultiSourceDijkstra.MetresTo"/>) for every placement. Safe to share across threads.
/// </summary>
public sealed class CoverageAnalyzer
{
    /// <summary>Straight-line distances get this much slack (metres) for float rounding of walked sums.</summary>
    public const double StraightLineToleranceMetres = 0.01;

    /// <summary>
    /// The straight-line distance (metres) up to which a place counts as within <paramref name="radiusMetres"/>: the radius and
    /// <see cref="StraightLineToleranceMetres"/>. One rule for coverage and siting, so "covered" means the same in both.
    /// </summary>
    public static double StraightReachMetres(double radiusMetres) => radiusMetres + StraightLineToleranceMetres;

    private readonly WalkingGraph _graph;
    private readonly PopulationPlacement _placement;
    private readonly int[] _firstOnEdge;    // CSR: placements on edge e are _onEdge[_firstOnEdge[e] .. _firstOnEdge[e+1])
    private readonly int[] _onEdge;
    private readonly ConcurrentBag<Work> _pool = new();

    /// <summary>
    /// What one analysis uses and gives back: the search state, and a stamp per placement (which hub's run last looked at it)
    /// that carries on counting from one analysis to the next, so nothing the length of the placement is cleared or allocated.
    /// </summary>
    private sealed class Work(WalkingGraph graph, int placements)
    {
        public readonly MultiSourceDijkstra Search = new(graph);
        public readonly int[] Stamp = new int[placements];
        public int Run;

        /// <summary>A stamp no placement holds yet.</summary>
        public int NextRun()
        {
            if (Run == int.MaxValue)
            {
                Array.Clear(Stamp);
                Run = 0;
            }
            return ++Run;
        }
    }

    /// <summary>Indexes the on-network placements by edge.</summary>
    public CoverageAnalyzer(WalkingGraph graph, PopulationPlacement placement)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        _placement = placement ?? throw new ArgumentNullException(nameof(placement));
        _firstOnEdge = new int[graph.EdgeCount + 1];
        for (int i = 0; i < placement.Count; i++)
        {
            var s = placement.Snaps[i];
            if (placement.Kinds[i] != PlacementKind.NoNetwork)
            {
                if ((uint)s.EdgeIndex >= (uint)graph.EdgeCount) throw new ArgumentException("The placement was made on another network.", nameof(placement));
                _firstOnEdge[s.EdgeIndex + 1]++;
            }
        }
        for (int e = 0; e < graph.EdgeCount; e++) _firstOnEdge[e + 1] += _firstOnEdge[e];
        _onEdge = new int[_firstOnEdge[^1]];
        var next = (int[])_firstOnEdge.Clone();
        for (int i = 0; i < placement.Count; i++)
            if (placement.Kinds[i] != PlacementKind.NoNetwork) _onEdge[next[placement.Snaps[i].EdgeIndex]++] = i;
    }

    /// <summary>The placement analysed.</summary>
    public PopulationPlacement Placement => _placement;

    /// <summary>The graph searched.</summary>
    public WalkingGraph Graph => _graph;

    /// <summary>Analyses coverage by <paramref name="hubs"/> within <paramref name="budgetMetres"/>.</summary>
    public CoverageResult Analyze(IReadOnlyList<CoverageHub> hubs, double budgetMetres, CancellationToken cancellationToken = default) =>
        Analyze(hubs, budgetMetres, budgetMetres, cancellationToken);

    /// <summary>
    /// Analyses coverage by <paramref name="hubs"/> within <paramref name="budgetMetres"/> along the network, and within
    /// <paramref name="straightRadiusMetres"/> as the crow flies (what counts where there is no network data).
    /// </summary>
    public CoverageResult Analyze(IReadOnlyList<CoverageHub> hubs, double budgetMetres, double straightRadiusMetres,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hubs);
        if (!(budgetMetres >= 0) || !double.IsFinite(budgetMetres)) throw new ArgumentOutOfRangeException(nameof(budgetMetres));
        if (!(straightRadiusMetres >= 0) || !double.IsFinite(straightRadiusMetres)) throw new ArgumentOutOfRangeException(nameof(straightRadiusMetres));
        var p = _placement;
        var result = new CoverageResult(p, hubs.Count, budgetMetres, straightRadiusMetres);
        Array.Fill(result.NearestMetres, float.PositiveInfinity);
        Array.Fill(result.NearestHub, -1);
        Array.Fill(result.StraightNearestMetres, float.PositiveInfinity);
        Array.Fill(result.StraightNearestHub, -1);
        Array.Fill(result.NetworkSoleHub, -1);
        Array.Fill(result.StraightSoleHub, -1);

        var onNetwork = new List<int>();
        for (int h = 0; h < hubs.Count; h++) if (hubs[h].Snap.IsOnNetwork) onNetwork.Add(h);
        var work = _pool.TryTake(out var pooled) ? pooled : new Work(_graph, p.Count);
        var search = work.Search;
        try
        {
            // Nearest hub at any distance (for the gaps' walking minutes).
            if (onNetwork.Count > 0)
            {
                var origins = onNetwork.Select(h => SearchOrigin.FromSnap(hubs[h].Snap)).ToArray();
                search.Run(origins, double.PositiveInfinity, cancellationToken);
                for (int i = 0; i < p.Count; i++)
                {
                    if (p.Kinds[i] == PlacementKind.NoNetwork) continue;
                    float m = search.MetresTo(p.Snaps[i], out int source);
                    if (source >= 0) { result.NearestMetres[i] = m; result.NearestHub[i] = onNetwork[source]; }
                }
            }

            // Each hub's own reach: which placements it covers, to count the hubs covering each placement.
            var stamp = work.Stamp;
            foreach (int h in onNetwork)
            {
                int run = work.NextRun();
                search.Run([SearchOrigin.FromSnap(hubs[h].Snap)], budgetMetres, cancellationToken);
                void Visit(int edge)
                {
                    for (int k = _firstOnEdge[edge], end = _firstOnEdge[edge + 1]; k < end; k++)
                    {
                        int i = _onEdge[k];
                        if (stamp[i] == run) continue;
                        stamp[i] = run;
                        if (search.MetresTo(p.Snaps[i], out _) <= budgetMetres)
                        {
                            result.NetworkSoleHub[i] = result.NetworkHubs[i]++ == 0 ? h : -1;
                            result.HubNetworkPeople[h] += p.People[i];
                        }
                    }
                }
                Visit(hubs[h].Snap.EdgeIndex);
                var g = _graph;
                // A placement is reachable only through an end whose arc walks into its edge, or from the hub's own edge.
                foreach (int u in search.SettledNodes)
                    for (int a = g.FirstArcs[u], end = g.FirstArcs[u + 1]; a < end; a++) Visit(g.ArcEdgeDirs[a] >> 1);
            }
        }
        finally
        {
            _pool.Add(work);
        }

        // Straight line, from every hub (on the network or not) to where the people are.
        double r = StraightReachMetres(straightRadiusMetres), r2 = r * r;
        var hubXs = hubs.Select(h => h.Point.X).ToArray();
        var hubYs = hubs.Select(h => h.Point.Y).ToArray();
        for (int i = 0; i < p.Count; i++)
        {
            double x = p.Xs[i], y = p.Ys[i], best = double.PositiveInfinity;
            for (int h = 0; h < hubXs.Length; h++)
            {
                double dx = hubXs[h] - x, dy = hubYs[h] - y, d2 = dx * dx + dy * dy;
                if (d2 < best) { best = d2; result.StraightNearestHub[i] = h; }
                if (d2 <= r2)
                {
                    result.StraightSoleHub[i] = result.StraightHubs[i]++ == 0 ? h : -1;
                    result.HubStraightPeople[h] += p.People[i];
                }
            }
            if (best < double.PositiveInfinity) result.StraightNearestMetres[i] = (float)Math.Sqrt(best);
        }
        for (int i = 0; i < p.Count; i++)
        {
            if (result.NetworkSoleHub[i] >= 0) result.HubUniquePeople[result.NetworkSoleHub[i]] += p.People[i];
            if (result.StraightSoleHub[i] >= 0) result.HubStraightUniquePeople[result.StraightSoleHub[i]] += p.People[i];
        }
        return result;
    }
}
