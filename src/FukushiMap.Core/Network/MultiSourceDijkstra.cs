namespace FukushiMap.Core.Network;

/// <summary>
/// Called when the search settles a node (its metres are final). Return true to stop the search early.
/// </summary>
/// <param name="node">The settled node.</param>
/// <param name="metres">Its exact cost in metre-equivalents from the nearest source (to it, in a backward search).</param>
/// <param name="sourceIndex">Index (into the origins) of that nearest source.</param>
public delegate bool NodeSettledCallback(int node, float metres, int sourceIndex);

/// <summary>
/// Exact multi-source Dijkstra over a <see cref="WalkingGraph"/>, bounded by a cost in metres.
/// After <see cref="Run"/>, every node within the bound knows the metres to its nearest source and which source that
/// is: the same minimum a separate Dijkstra per source would give. Ties go to the lower source index.
/// <para>
/// A <see cref="SearchDirection.Backward"/> search walks every arc against its direction (the graph's arriving arcs,
/// <see cref="WalkingGraph.FirstArcInto"/>): each node then knows the metres of the walk from it to its nearest source, as
/// one-way streets allow — what a table of walks towards fixed hubs needs.
/// </para>
/// <para>
/// One object per run at a time (not thread-safe); reuse it for further runs on the same graph: per-node state is
/// reset in O(1) with a generation stamp, so a small search on a large graph costs only what it touches.
/// </para>
/// </summary>
public sealed class MultiSourceDijkstra
{
    private const int CancellationCheckInterval = 4096;

    private readonly WalkingGraph _graph;
    private readonly ReverseArcs? _reverse; // set for a backward search
    // Per-node state in one array of 16-byte structs: a relaxation touches one cache line, not five.
    private readonly NodeState[] _state;
    // Generation stamp of the current run: NodeState.Stamp == _stamp means labelled, _stamp + 1 settled; anything else
    // is left over from an earlier run (reset in O(1) by moving the stamp on).
    private int _stamp;

    private struct NodeState
    {
        public float Metres;
        public int Source;
        public int PredecessorArc;
        public int Stamp;
    }

    private readonly RadixHeap _heap = new();

    // The sparse result: settled nodes in order, with their final metres and nearest source beside them (pooled, grown by
    // doubling; a run writes only the nodes it reaches).
    private int[] _settledOrder = new int[256];
    private float[] _settledMetres = new float[256];
    private int[] _settledSources = new int[256];
    private int _settledCount;

    private SearchOrigin[] _origins = [];
    private int _originCount;
    private readonly Dictionary<int, List<int>> _originsByEdge = new();

    /// <summary>
    /// Allocates per-node state for <paramref name="graph"/> (16 bytes per node); a backward search also has the graph build its
    /// arriving arcs, once per graph.
    /// </summary>
    public MultiSourceDijkstra(WalkingGraph graph, SearchDirection direction = SearchDirection.Forward)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        if (direction is not (SearchDirection.Forward or SearchDirection.Backward))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, null);
        Direction = direction;
        _reverse = direction == SearchDirection.Backward ? graph.ReverseArcs : null;
        int n = graph.NodeCount;
        _state = new NodeState[n];
    }

    /// <summary>The graph searched.</summary>
    public WalkingGraph Graph => _graph;

    /// <summary>Forward (metres from the sources) or backward (metres to them).</summary>
    public SearchDirection Direction { get; }

    /// <summary>The bound of the last run, in metres.</summary>
    public float MaxMetres { get; private set; }

    /// <summary>True when the last run was stopped by its callback before exhausting the bound.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>Number of origins in the last run.</summary>
    public int OriginCount => _originCount;

    /// <summary>Origin <paramref name="sourceIndex"/> of the last run.</summary>
    public SearchOrigin Origin(int sourceIndex) => _origins[sourceIndex];

    /// <summary>Nodes settled by the last run, in order of increasing metres.</summary>
    public ReadOnlySpan<int> SettledNodes => _settledOrder.AsSpan(0, _settledCount);

    /// <summary>
    /// The metres of <see cref="SettledNodes"/>, position by position (non-decreasing): what <see cref="Metres"/> returns for
    /// each, written once when the node is settled. With <see cref="SettledSources"/> this is the whole answer of a run
    /// for callers that only need the reached nodes: no array the length of the graph is read or written.
    /// </summary>
    public ReadOnlySpan<float> SettledMetres => _settledMetres.AsSpan(0, _settledCount);

    /// <summary>The nearest source of <see cref="SettledNodes"/>, position by position (what <see cref="NearestSource"/> returns).</summary>
    public ReadOnlySpan<int> SettledSources => _settledSources.AsSpan(0, _settledCount);

    /// <summary>
    /// Runs the search from <paramref name="origins"/> (source index = position in the span) up to
    /// <paramref name="maxMetres"/> metre-equivalents.
    /// </summary>
    /// <param name="origins">Start points; node indices and edge indices must be valid for the graph.</param>
    /// <param name="maxMetres">Cost bound in metres; nodes farther away stay unreached.</param>
    /// <param name="cancellationToken">Checked every few thousand settled nodes.</param>
    /// <param name="onSettled">Optional callback at each settled node; returning true stops the search.</param>
    public void Run(ReadOnlySpan<SearchOrigin> origins, double maxMetres, CancellationToken cancellationToken = default,
        NodeSettledCallback? onSettled = null)
    {
        if (double.IsNaN(maxMetres) || maxMetres < 0)
            throw new ArgumentOutOfRangeException(nameof(maxMetres), maxMetres, "The bound must be >= 0 metres.");
        NextGeneration();
        MaxMetres = (float)maxMetres;
        StoppedEarly = false;
        _heap.Clear();
        _settledCount = 0;
        RememberOrigins(origins);

        var g = _graph;
        for (int i = 0; i < origins.Length; i++)
        {
            var o = origins[i];
            if (o.Node >= 0)
            {
                if (o.Node >= g.NodeCount) throw new ArgumentOutOfRangeException(nameof(origins), $"Origin {i}: node {o.Node} is not in the graph.");
                Label(o.Node, (float)o.InitialMetres, i, -1);
            }
            else
            {
                int e = o.Edge;
                if ((uint)e >= (uint)g.EdgeCount) throw new ArgumentOutOfRangeException(nameof(origins), $"Origin {i}: edge {e} is not in the graph.");
                var (forward, reverse) = EdgeCosts(e);
                if (!float.IsPositiveInfinity(forward))
                    Label(g.EdgeTargets[e], (float)(o.InitialMetres + forward * (1 - o.Fraction)), i, -1);
                if (!float.IsPositiveInfinity(reverse))
                    Label(g.EdgeSources[e], (float)(o.InitialMetres + reverse * o.Fraction), i, -1);
            }
        }

        // Backward, the arcs into a node take the place of the arcs out of it (their tails as targets): the same loop.
        var firstArcs = _reverse?.FirstArcs ?? g.FirstArcs;
        var arcTargets = _reverse?.Sources ?? g.ArcTargets;
        var arcCosts = _reverse?.Costs ?? g.ArcCosts;
        // The hot loop works on locals: the JIT keeps them in registers and drops repeated field loads.
        var state = _state;
        float max = MaxMetres;
        int labelled = _stamp, settled = _stamp + 1;
        int pops = 0;
        var heap = _heap;
        while (heap.Count > 0)
        {
            heap.Pop(out float key, out int u);
            ref var su = ref state[u];
            if (su.Stamp == settled || key > su.Metres) continue; // stale entry
            if ((++pops & (CancellationCheckInterval - 1)) == 0) cancellationToken.ThrowIfCancellationRequested();
            su.Stamp = settled;
            int source = su.Source;
            // Settled: metres and source are final (a tie only relabels a node still in the heap).
            AppendSettled(u, key, source);
            if (onSettled is not null && onSettled(u, key, source)) { StoppedEarly = true; break; }
            for (int a = firstArcs[u], end = firstArcs[u + 1]; a < end; a++)
            {
                float m = key + arcCosts[a];
                if (!(m <= max)) continue;
                // The rules of Label, inlined, with one data-dependent branch in the common case: a node not labelled in
                // this run counts as +∞, and a settled node never improves (its metres are ≤ key ≤ m).
                int v = arcTargets[a];
                ref var sv = ref state[v];
                float current = (uint)(sv.Stamp - labelled) <= 1u ? sv.Metres : float.PositiveInfinity;
                if (m < current)
                {
                    sv = new NodeState { Metres = m, Source = source, PredecessorArc = a, Stamp = labelled };
                    heap.Push(m, v);
                }
                else if (m == current && sv.Stamp == labelled && source < sv.Source)
                {
                    // Same cost from a lower-numbered source: relabel; the heap entry already has this key.
                    sv.Source = source; sv.PredecessorArc = a;
                }
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>True when <paramref name="node"/> was settled within the bound by the last run.</summary>
    public bool IsReached(int node) => _state[node].Stamp == _stamp + 1;

    /// <summary>Metres from the nearest source to <paramref name="node"/>, or +∞ when not reached within the bound.</summary>
    public float Metres(int node) => IsReached(node) ? _state[node].Metres : float.PositiveInfinity;

    /// <summary>Index of the nearest source of <paramref name="node"/>, or -1 when not reached within the bound.</summary>
    public int NearestSource(int node) => IsReached(node) ? _state[node].Source : -1;

    /// <summary>
    /// The graph's arc by which the search reached <paramref name="node"/>, or -1 when it is a start node or unreached:
    /// forward, the arc arriving at the node from its nearest source's side; backward, the arc leaving it towards its nearest
    /// source (the next step of the walk to it).
    /// </summary>
    public int PredecessorArc(int node)
    {
        if (!IsReached(node)) return -1;
        int arc = _state[node].PredecessorArc;
        return arc >= 0 && _reverse is not null ? _reverse.Arcs[arc] : arc;
    }

    /// <summary>Copies metres (+∞ when unreached) and nearest source (-1 when unreached) of every node.</summary>
    public void CopyTo(Span<float> metres, Span<int> nearestSources)
    {
        int n = _graph.NodeCount;
        if (metres.Length < n || nearestSources.Length < n) throw new ArgumentException($"Spans must hold {n} nodes.");
        var state = _state;
        int settled = _stamp + 1;
        for (int i = 0; i < n; i++)
        {
            bool reached = state[i].Stamp == settled;
            metres[i] = reached ? state[i].Metres : float.PositiveInfinity;
            nearestSources[i] = reached ? state[i].Source : -1;
        }
    }

    /// <summary>
    /// Metres from the nearest source to a snapped target (snap distance included), and that source's index:
    /// the best of arriving via either end of the target's edge, or walking along the edge directly from a source
    /// snapped onto the same edge. +∞ and -1 when not reachable within the bound or the target is off-network.
    /// In a backward search, the metres of the walk from the target to its nearest source.
    /// </summary>
    public float MetresTo(NetworkSnap target, out int sourceIndex)
    {
        sourceIndex = -1;
        if (!target.IsOnNetwork) return float.PositiveInfinity;
        float best = float.PositiveInfinity;
        int bestSource = -1;
        var g = _graph;
        int e = target.EdgeIndex;
        double f = target.Fraction;
        var (forward, reverse) = EdgeCosts(e);
        int s = g.EdgeSources[e], t = g.EdgeTargets[e];
        if (!float.IsPositiveInfinity(forward) && IsReached(s))
            Consider((float)(_state[s].Metres + forward * f), _state[s].Source);
        if (!float.IsPositiveInfinity(reverse) && IsReached(t))
            Consider((float)(_state[t].Metres + reverse * (1 - f)), _state[t].Source);
        if (_originsByEdge.TryGetValue(e, out var sameEdge))
        {
            foreach (int i in sameEdge)
            {
                var o = _origins[i];
                if (o.Fraction <= f && !float.IsPositiveInfinity(forward))
                    Consider((float)(o.InitialMetres + forward * (f - o.Fraction)), i);
                if (o.Fraction >= f && !float.IsPositiveInfinity(reverse))
                    Consider((float)(o.InitialMetres + reverse * (o.Fraction - f)), i);
            }
        }
        best = (float)(best + target.SnapMetres);
        if (!(best <= MaxMetres)) return float.PositiveInfinity;
        sourceIndex = bestSource;
        return best;

        void Consider(float metres, int source)
        {
            if (metres < best || (metres == best && source < bestSource)) { best = metres; bestSource = source; }
        }
    }

    /// <summary>Origins of the last run that start on <paramref name="edge"/> (empty when none).</summary>
    internal IReadOnlyList<int> OriginsOnEdge(int edge) =>
        _originsByEdge.TryGetValue(edge, out var list) ? list : Array.Empty<int>();

    internal float RawMetres(int node) => _state[node].Metres;

    /// <summary><see cref="IsReached"/>, <see cref="Metres"/> and <see cref="NearestSource"/> in one look at the node's state.</summary>
    internal bool TryGetReached(int node, out float metres, out int source)
    {
        ref var s = ref _state[node];
        if (s.Stamp != _stamp + 1)
        {
            metres = float.PositiveInfinity;
            source = -1;
            return false;
        }
        metres = s.Metres;
        source = s.Source;
        return true;
    }

    /// <summary>
    /// The costs of walking an edge from source to target and back, as the search sees them: swapped in a backward search,
    /// where walking out along an edge stands for walking in along it. Every rule about starting or ending part-way along an
    /// edge then reads the same both ways.
    /// </summary>
    private (float Forward, float Reverse) EdgeCosts(int edge) =>
        _reverse is null ? (_graph.EdgeForward[edge], _graph.EdgeReverse[edge]) : (_graph.EdgeReverse[edge], _graph.EdgeForward[edge]);

    private void RememberOrigins(ReadOnlySpan<SearchOrigin> origins)
    {
        if (_origins.Length < origins.Length) _origins = new SearchOrigin[origins.Length];
        origins.CopyTo(_origins);
        _originCount = origins.Length;
        foreach (var list in _originsByEdge.Values) list.Clear();
        for (int i = 0; i < origins.Length; i++)
        {
            if (origins[i].Node >= 0) continue;
            if (!_originsByEdge.TryGetValue(origins[i].Edge, out var list))
                _originsByEdge[origins[i].Edge] = list = new List<int>(1);
            list.Add(i);
        }
        foreach (var (edge, list) in _originsByEdge.ToArray()) if (list.Count == 0) _originsByEdge.Remove(edge);
    }

    private void NextGeneration()
    {
        if (_stamp >= int.MaxValue - 3)
        {
            for (int i = 0; i < _state.Length; i++) _state[i].Stamp = 0;
            _stamp = 0;
        }
        _stamp += 2;
    }

    private void Label(int v, float metres, int source, int arc)
    {
        if (!(metres <= MaxMetres)) return;
        ref var sv = ref _state[v];
        if (sv.Stamp == _stamp + 1) return; // settled
        if (sv.Stamp == _stamp)
        {
            if (metres < sv.Metres)
            {
                sv.Metres = metres; sv.Source = source; sv.PredecessorArc = arc;
                _heap.Push(metres, v);
            }
            else if (metres == sv.Metres && source < sv.Source)
            {
                // Same cost from a lower-numbered source: relabel; the heap entry already has this key.
                sv.Source = source; sv.PredecessorArc = arc;
            }
            return;
        }
        sv = new NodeState { Metres = metres, Source = source, PredecessorArc = arc, Stamp = _stamp };
        _heap.Push(metres, v);
    }

    private void AppendSettled(int node, float metres, int source)
    {
        int k = _settledCount;
        if (k == _settledOrder.Length)
        {
            Array.Resize(ref _settledOrder, k * 2);
            Array.Resize(ref _settledMetres, k * 2);
            Array.Resize(ref _settledSources, k * 2);
        }
        _settledOrder[k] = node;
        _settledMetres[k] = metres;
        _settledSources[k] = source;
        _settledCount = k + 1;
    }
}
