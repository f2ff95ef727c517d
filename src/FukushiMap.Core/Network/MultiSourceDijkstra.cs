using System.Runtime.CompilerServices;

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
    private const uint Infinity = 0x7F800000; // bits of float.PositiveInfinity

    private readonly WalkingGraph _graph;
    private readonly ReverseArcs? _reverse; // set for a backward search
    // Per-node state in two arrays of 8-byte structs: what every relaxation reads (metres and the generation stamp) apart
    // from what only a successful one writes (nearest source and the arc it came by), so the array read on every arc is
    // half as large: on a graph larger than the caches, twice as many of its nodes fit in each cache line and page.
    private readonly NodeLabel[] _labels;
    private readonly NodeOrigin[] _from;
    // Generation stamp of the current run: NodeState.Stamp == _stamp means labelled, _stamp + 1 settled; anything else
    // is left over from an earlier run (reset in O(1) by moving the stamp on).
    private int _stamp;

    private struct NodeLabel
    {
        public float Metres;
        public int Stamp;
    }

    private struct NodeOrigin
    {
        public int Source;
        public int PredecessorArc;
    }

    // The queue: buckets over the bound when the search has one (nearly always), the radix heap otherwise.
    private readonly BucketQueue _buckets = new();
    private readonly RadixHeap _heap = new();
    private bool _useBuckets;

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
        // One spare place past the nodes: the search loop writes there what it does not keep (see SettleSome).
        _labels = new NodeLabel[n + 1];
        _from = new NodeOrigin[n + 1];
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
        _useBuckets = BucketQueue.Takes(MaxMetres);
        if (_useBuckets) _buckets.Clear(MaxMetres);
        else _heap.Clear();
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

        bool large = LargeGraphLoop ?? g.NodeCount > LargeGraphNodes;
        if (_useBuckets)
        {
            if (onSettled is not null)
            {
                if (large) SettleInBuckets<LargeGraph, Watched>(cancellationToken, new Watched(onSettled));
                else SettleInBuckets<SmallGraph, Watched>(cancellationToken, new Watched(onSettled));
            }
            else if (large) SettleInBuckets<LargeGraph, Unwatched>(cancellationToken, default);
            else SettleInBuckets<SmallGraph, Unwatched>(cancellationToken, default);
        }
        else
        {
            if (onSettled is not null) Settle<LargeGraph, Watched>(cancellationToken, new Watched(onSettled));
            else if (large) Settle<LargeGraph, Unwatched>(cancellationToken, default);
            else Settle<SmallGraph, Unwatched>(cancellationToken, default);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Above this many nodes a graph counts as larger than a core's own caches (16 bytes of search state per node and about 4
    // arcs of 8 bytes beside it): its searches wait on memory more than on mispredicted branches, and get look-ahead loads and
    // a loop with a branch per arc (see SettleSome). 宇部市 (10,403 nodes) is small; the 10⁶-node grid of the bench is large.
    private const int LargeGraphNodes = 1 << 16;

    /// <summary>For tests: run the loop for large (true) or small (false) graphs whatever this graph's size; null: by size.</summary>
    internal bool? LargeGraphLoop { get; set; }

    private interface IGraphScale
    {
        static abstract bool Large { get; }
    }

    private readonly struct LargeGraph : IGraphScale
    {
        public static bool Large => true;
    }

    private readonly struct SmallGraph : IGraphScale
    {
        public static bool Large => false;
    }

    // The settled-node callback as a type argument: the loop without one has no call in it.
    private interface ISettledWatch
    {
        bool Stop(int node, float metres, int source);
    }

    private readonly struct Watched(NodeSettledCallback callback) : ISettledWatch
    {
        public bool Stop(int node, float metres, int source) => callback(node, metres, source);
    }

    private readonly struct Unwatched : ISettledWatch
    {
        public bool Stop(int node, float metres, int source) => false;
    }

    // Why SettleSome stopped: the run is over, or something only a call can do.
    private enum Step
    {
        Done,
        Stopped,
        Reserve,
        SortBucket,
        CheckCancellation,
    }

    // State SettleSome leaves for its next call.
    private int _pops, _nextCancellationCheck, _reserveArcs;

    // A bounded search: SettleSome does the work in a loop without calls, and returns here for the few things that need one
    // (a full array, a large bucket to sort, a look at the cancellation token). Inside it the JIT then keeps the loop's
    // arrays, counters and keys in registers: a call anywhere in a loop makes it keep what lives across the call in memory.
    private void SettleInBuckets<TScale, TWatch>(CancellationToken cancellationToken, TWatch watch)
        where TScale : struct, IGraphScale
        where TWatch : struct, ISettledWatch
    {
        _pops = 0;
        _nextCancellationCheck = CancellationCheckInterval;
        while (true)
        {
            switch (SettleSome<TScale, TWatch>(watch))
            {
                case Step.Done:
                    return;
                case Step.Stopped:
                    StoppedEarly = true;
                    return;
                case Step.Reserve:
                    _buckets.Reserve(_reserveArcs);
                    if (_settledCount == _settledOrder.Length) GrowSettled();
                    break;
                case Step.SortBucket:
                    _buckets.SortLarge(_buckets.CurrentCount);
                    break;
                case Step.CheckCancellation:
                    cancellationToken.ThrowIfCancellationRequested();
                    _nextCancellationCheck += CancellationCheckInterval;
                    break;
            }
        }
    }

    // The search loop over the bucket queue's arrays (its steps inlined), compiled once per graph scale and watch choice
    // (struct type arguments) and fully optimised on first use (no tiering): the first request after start is as fast as the
    // thousandth. State lives in locals and goes back to the fields when it returns.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Step SettleSome<TScale, TWatch>(TWatch watch)
        where TScale : struct, IGraphScale
        where TWatch : struct, ISettledWatch
    {
        var q = _buckets;
        var heads = q.Heads;
        var entries = q.Entries;
        var current = q.Current;
        int entryCount = q.EntryCount, position = q.Position, currentCount = q.CurrentCount, bucket = q.Bucket;
        int bucketCount = q.BucketCount;
        float bucketsPerMetre = q.BucketsPerMetre;
        // Backward, the arcs into a node take the place of the arcs out of it (their tails as targets): the same loop.
        var firstArcs = _reverse?.FirstArcs ?? _graph.FirstArcs;
        var arcs = _reverse?.Packed ?? _graph.PackedArcs;
        var labels = _labels;
        var from = _from;
        var settledOrder = _settledOrder;
        var settledMetres = _settledMetres;
        var settledSources = _settledSources;
        int settledCount = _settledCount;
        float max = MaxMetres;
        int labelled = _stamp, settled = _stamp + 1;
        int pops = _pops, nextCheck = _nextCancellationCheck;
        int touch = 0;
        int maxBits = BitConverter.SingleToInt32Bits(max);
        int spareNode = labels.Length - 1, spareBucket = bucketCount, lastBucket = bucketCount - 1;
        Step step;
        while (true)
        {
            if (position == currentCount)
            {
                int b = bucket + 1;
                while (b < bucketCount && heads[b] == 0) b++;
                if (b == bucketCount) { step = Step.Done; break; }
                bucket = b;
                position = 0;
                currentCount = BucketQueue.Gather(heads, entries, current, b, out bool sorted);
                if (!sorted) { step = Step.SortBucket; break; }
            }
            ulong entry = current[position];
            float key = BucketQueue.KeyOf(entry);
            int u = BucketQueue.NodeOf(entry);
            ref var lu = ref labels[u];
            if (lu.Stamp == settled || key > lu.Metres) { position++; continue; } // stale entry
            int start = firstArcs[u], end = firstArcs[u + 1];
            // Room for every push this node can make and for the node itself, else back with the entry left in place.
            if (entries.Length - entryCount < end - start || settledCount == settledOrder.Length)
            {
                _reserveArcs = end - start;
                step = Step.Reserve;
                break;
            }
            if (pops == nextCheck) { step = Step.CheckCancellation; break; }
            position++;
            pops++;
            lu.Stamp = settled;
            int source = from[u].Source;
            if (TScale.Large)
            {
                // Start loading what the nodes soon to be settled will read (their labels, first arcs, arcs), so the cache misses
                // of several nodes overlap instead of following one another: on a graph larger than the caches this is most of the time.
                int i = position + LookAheadPlaces;
                if (i < currentCount)
                {
                    int ahead = BucketQueue.NodeOf(current[i]);
                    touch += labels[ahead].Stamp + firstArcs[ahead];
                }
                i = position + LookAheadPlaces / 2;
                if (i < currentCount)
                {
                    int ahead = BucketQueue.NodeOf(current[i]);
                    if (firstArcs[ahead] < firstArcs[ahead + 1]) touch += arcs[firstArcs[ahead]].Target;
                }
                i = position + LookAheadPlaces / 4;
                if (i < currentCount)
                {
                    int ahead = BucketQueue.NodeOf(current[i]);
                    for (int a = firstArcs[ahead], e = firstArcs[ahead + 1]; a < e; a++) touch += labels[arcs[a].Target].Stamp;
                }
            }
            // Settled: metres and source are final (a tie only relabels a node still in the queue). Into the sparse result.
            settledOrder[settledCount] = u;
            settledMetres[settledCount] = key;
            settledSources[settledCount] = source;
            settledCount++;
            if (watch.Stop(u, key, source)) { step = Step.Stopped; break; }
            if (TScale.Large)
            {
                // A graph larger than the caches: the branch on each arc lets the processor run ahead on its guess and overlap
                // the cache misses of many arcs and nodes, which is what such a search waits for.
                for (int a = start; a < end; a++)
                {
                    var arc = arcs[a];
                    float m = key + arc.Cost;
                    if (!(m <= max)) continue;
                    int v = arc.Target;
                    if (!Improve(labels, from, v, m, labelled, source, a)) continue;
                    int b = BucketQueue.BucketOf(m, bucketsPerMetre);
                    if (b > bucket) BucketQueue.Link(entries, heads, entryCount, b, m, v);
                    else currentCount = BucketQueue.InsertSorted(current, position, currentCount, m, v);
                    entryCount++;
                }
                continue;
            }
            // A graph in the caches (a city): whether an arc improves its node is a coin toss to the branch predictor, and its
            // misses are most of the time, so there is no branch on it. The label, origin and bucket are written either way: to
            // the node and its bucket when the arc improves, else to spare places past the real ones; the entry is written
            // either way and kept only when the arc improves. Non-negative floats order as their bits, so the comparisons are
            // integer subtractions whose sign is the answer.
            for (int a = start; a < end; a++)
            {
                var arc = arcs[a];
                float m = key + arc.Cost;
                int v = arc.Target;
                ref var lv = ref labels[v];
                // The node's metres when labelled or settled in this run, else +∞.
                uint labelledNow = (uint)(lv.Stamp - labelled) <= 1u ? 1u : 0u;
                float known = BitConverter.UInt32BitsToSingle(Infinity ^ ((Infinity ^ BitConverter.SingleToUInt32Bits(lv.Metres)) & (0u - labelledNow)));
                int b = Math.Min(BucketQueue.BucketOf(m, bucketsPerMetre), lastBucket);
                if (m == known)
                {
                    // A tie: the lower-numbered source wins a node still in the queue (its entry has this key).
                    if (lv.Stamp == labelled && source < from[v].Source) from[v] = new NodeOrigin { Source = source, PredecessorArc = a };
                    continue;
                }
                if (b <= bucket)
                {
                    // Rare: a key in the bucket being taken, sorted into its place.
                    if (!(m <= max) || !Improve(labels, from, v, m, labelled, source, a)) continue;
                    currentCount = BucketQueue.InsertSorted(current, position, currentCount, m, v);
                    entryCount++;
                    continue;
                }
                int mBits = BitConverter.SingleToInt32Bits(m);
                int improves = ((mBits - BitConverter.SingleToInt32Bits(known)) >> 31) & ((mBits - maxBits - 1) >> 31); // all ones or 0
                int keep = ~improves;
                int w = v ^ ((v ^ spareNode) & keep);
                labels[w] = new NodeLabel { Metres = m, Stamp = labelled };
                from[w] = new NodeOrigin { Source = source, PredecessorArc = a };
                int hb = b ^ ((b ^ spareBucket) & keep);
                ulong h = heads[hb];
                ref var e = ref entries[entryCount];
                e.KeyBits = BitConverter.SingleToUInt32Bits(m);
                e.Node = v;
                e.Previous = (int)(uint)h;
                heads[hb] = ((h >> 32) + 1) << 32 | (uint)(entryCount + 1);
                entryCount -= improves;
            }
        }
        q.EntryCount = entryCount;
        q.Position = position;
        q.CurrentCount = currentCount;
        q.Bucket = bucket;
        _settledCount = settledCount;
        _pops = pops;
        _touched += touch;
        return step;
    }

    /// <summary>
    /// The rules of <see cref="Label"/> for an arc's head <paramref name="v"/> reached at <paramref name="m"/> metres, with one
    /// data-dependent branch in the common case: a node not labelled in this run counts as +∞, and a settled node never
    /// improves (its metres are ≤ the key being settled ≤ m). True when the node must go into the queue at <paramref name="m"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Improve(NodeLabel[] labels, NodeOrigin[] from, int v, float m, int labelled, int source, int arc)
    {
        ref var lv = ref labels[v];
        float current = (uint)(lv.Stamp - labelled) <= 1u ? lv.Metres : float.PositiveInfinity;
        if (m < current)
        {
            lv = new NodeLabel { Metres = m, Stamp = labelled };
            from[v] = new NodeOrigin { Source = source, PredecessorArc = arc };
            return true;
        }
        if (m == current && lv.Stamp == labelled && source < from[v].Source)
        {
            // Same cost from a lower-numbered source: relabel; the queue entry already has this key.
            from[v] = new NodeOrigin { Source = source, PredecessorArc = arc };
        }
        return false;
    }

    // The search loop over the radix heap (unbounded searches, and bounds beyond the bucket queue's), compiled once per
    // graph scale and watch choice with the heap's calls inlined, and fully optimised on first use.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Settle<TScale, TWatch>(CancellationToken cancellationToken, TWatch watch)
        where TScale : struct, IGraphScale
        where TWatch : struct, ISettledWatch
    {
        var heap = _heap;
        var firstArcs = _reverse?.FirstArcs ?? _graph.FirstArcs;
        var arcs = _reverse?.Packed ?? _graph.PackedArcs;
        var labels = _labels;
        var from = _from;
        float max = MaxMetres;
        int labelled = _stamp, settled = _stamp + 1;
        int pops = 0, touch = 0;
        while (heap.Count > 0)
        {
            heap.Pop(out float key, out int u);
            ref var lu = ref labels[u];
            if (lu.Stamp == settled || key > lu.Metres) continue; // stale entry
            if ((++pops & (CancellationCheckInterval - 1)) == 0) cancellationToken.ThrowIfCancellationRequested();
            lu.Stamp = settled;
            int source = from[u].Source;
            if (TScale.Large)
            {
                // As in SettleSome.
                int ahead = heap.PeekAhead(LookAheadPlaces);
                if (ahead >= 0) touch += labels[ahead].Stamp + firstArcs[ahead];
                ahead = heap.PeekAhead(LookAheadPlaces / 2);
                if (ahead >= 0 && firstArcs[ahead] < firstArcs[ahead + 1]) touch += arcs[firstArcs[ahead]].Target;
                ahead = heap.PeekAhead(LookAheadPlaces / 4);
                if (ahead >= 0)
                    for (int a = firstArcs[ahead], e = firstArcs[ahead + 1]; a < e; a++) touch += labels[arcs[a].Target].Stamp;
            }
            AppendSettled(u, key, source);
            if (watch.Stop(u, key, source)) { StoppedEarly = true; break; }
            for (int a = firstArcs[u], end = firstArcs[u + 1]; a < end; a++)
            {
                var arc = arcs[a];
                float m = key + arc.Cost;
                if (m <= max && Improve(labels, from, arc.Target, m, labelled, source, a)) heap.Push(m, arc.Target);
            }
        }
        _touched += touch;
    }

    private int _touched; // keeps the look-ahead loads from being dropped as unused
    private const int LookAheadPlaces = 8;

    /// <summary>True when <paramref name="node"/> was settled within the bound by the last run.</summary>
    public bool IsReached(int node) => _labels[node].Stamp == _stamp + 1;

    /// <summary>Metres from the nearest source to <paramref name="node"/>, or +∞ when not reached within the bound.</summary>
    public float Metres(int node) => IsReached(node) ? _labels[node].Metres : float.PositiveInfinity;

    /// <summary>Index of the nearest source of <paramref name="node"/>, or -1 when not reached within the bound.</summary>
    public int NearestSource(int node) => IsReached(node) ? _from[node].Source : -1;

    /// <summary>
    /// The graph's arc by which the search reached <paramref name="node"/>, or -1 when it is a start node or unreached:
    /// forward, the arc arriving at the node from its nearest source's side; backward, the arc leaving it towards its nearest
    /// source (the next step of the walk to it).
    /// </summary>
    public int PredecessorArc(int node)
    {
        if (!IsReached(node)) return -1;
        int arc = _from[node].PredecessorArc;
        return arc >= 0 && _reverse is not null ? _reverse.Arcs[arc] : arc;
    }

    /// <summary>Copies metres (+∞ when unreached) and nearest source (-1 when unreached) of every node.</summary>
    public void CopyTo(Span<float> metres, Span<int> nearestSources)
    {
        int n = _graph.NodeCount;
        if (metres.Length < n || nearestSources.Length < n) throw new ArgumentException($"Spans must hold {n} nodes.");
        var labels = _labels;
        var from = _from;
        int settled = _stamp + 1;
        for (int i = 0; i < n; i++)
        {
            bool reached = labels[i].Stamp == settled;
            metres[i] = reached ? labels[i].Metres : float.PositiveInfinity;
            nearestSources[i] = reached ? from[i].Source : -1;
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
            Consider((float)(_labels[s].Metres + forward * f), _from[s].Source);
        if (!float.IsPositiveInfinity(reverse) && IsReached(t))
            Consider((float)(_labels[t].Metres + reverse * (1 - f)), _from[t].Source);
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

    internal float RawMetres(int node) => _labels[node].Metres;

    /// <summary><see cref="IsReached"/>, <see cref="Metres"/> and <see cref="NearestSource"/> in one look at the node's state.</summary>
    internal bool TryGetReached(int node, out float metres, out int source)
    {
        ref var s = ref _labels[node];
        if (s.Stamp != _stamp + 1)
        {
            metres = float.PositiveInfinity;
            source = -1;
            return false;
        }
        metres = s.Metres;
        source = _from[node].Source;
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
            for (int i = 0; i < _labels.Length; i++) _labels[i].Stamp = 0;
            _stamp = 0;
        }
        _stamp += 2;
    }

    private void Label(int v, float metres, int source, int arc)
    {
        if (!(metres <= MaxMetres)) return;
        metres += 0f; // -0 becomes +0: SettleSome compares metres by their bits, and every later key is a sum from these

        ref var lv = ref _labels[v];
        ref var fv = ref _from[v];
        if (lv.Stamp == _stamp + 1) return; // settled
        if (lv.Stamp == _stamp)
        {
            if (metres < lv.Metres)
            {
                lv.Metres = metres; fv.Source = source; fv.PredecessorArc = arc;
                Push(metres, v);
            }
            else if (metres == lv.Metres && source < fv.Source)
            {
                // Same cost from a lower-numbered source: relabel; the heap entry already has this key.
                fv.Source = source; fv.PredecessorArc = arc;
            }
            return;
        }
        lv = new NodeLabel { Metres = metres, Stamp = _stamp };
        fv = new NodeOrigin { Source = source, PredecessorArc = arc };
        Push(metres, v);
    }

    private void Push(float metres, int node)
    {
        if (_useBuckets) _buckets.Push(metres, node);
        else _heap.Push(metres, node);
    }

    private void AppendSettled(int node, float metres, int source)
    {
        if (_settledCount == _settledOrder.Length) GrowSettled();
        _settledOrder[_settledCount] = node;
        _settledMetres[_settledCount] = metres;
        _settledSources[_settledCount] = source;
        _settledCount++;
    }

    private void GrowSettled()
    {
        int k = _settledOrder.Length * 2;
        Array.Resize(ref _settledOrder, k);
        Array.Resize(ref _settledMetres, k);
        Array.Resize(ref _settledSources, k);
    }
}
