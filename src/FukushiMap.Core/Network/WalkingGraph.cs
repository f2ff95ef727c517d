using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// An immutable walking network in flat arrays, shareable across threads.
/// Nodes are numbered 0..<see cref="NodeCount"/>-1 and carry an external id (an OSM node id) and a position in
/// plane metres (平面直角座標系; the caller transforms). Edges are numbered 0..<see cref="EdgeCount"/>-1 in input
/// order, each with a geometry from its source node to its target node. Each walkable direction of an edge is an
/// arc; the arcs leaving a node are contiguous (CSR): arcs <c>FirstArc(n)</c> .. <c>FirstArc(n+1)-1</c>. The same arcs
/// grouped by the node they arrive at (the reverse-arc view, for backward searches) are built on first use:
/// <c>ArcInto(FirstArcInto(n))</c> .. <c>ArcInto(FirstArcInto(n+1)-1)</c>.
/// Costs are metre-equivalents (length, possibly with a <see cref="WalkingCostProfile"/> penalty).
/// Built by <see cref="WalkingGraphBuilder"/>.
/// </summary>
public sealed class WalkingGraph
{
    // Nodes.
    internal readonly long[] NodeIds;
    internal readonly double[] NodeXs;
    internal readonly double[] NodeYs;
    // External id lookup without a hash table: ids sorted, with the node index beside each.
    private readonly long[] _sortedIds;
    private readonly int[] _sortedIdNodes;

    // CSR arcs.
    internal readonly int[] FirstArcs;      // NodeCount + 1
    // Target and cost of each arc side by side: what a search reads per arc, one load instead of two arrays' worth.
    internal readonly SearchArc[] PackedArcs;
    internal readonly int[] ArcEdgeDirs;    // edge << 1 | 1 when the arc walks the edge from target to source

    // Edges (input order).
    internal readonly int[] EdgeSources;
    internal readonly int[] EdgeTargets;
    internal readonly float[] EdgeLengths;
    internal readonly float[] EdgeInputForward;  // input costs before the profile; +inf = not walkable
    internal readonly float[] EdgeInputReverse;
    internal readonly float[] EdgeForward;       // costs after the profile; +inf = not walkable
    internal readonly float[] EdgeReverse;
    internal readonly bool[] EdgeSteps;

    // Interior geometry points per edge (end points are the node positions).
    internal readonly int[] GeometryOffsets;     // EdgeCount + 1
    internal readonly double[] GeometryXs;
    internal readonly double[] GeometryYs;

    // Reverse-arc view, built on first use.
    private ReverseArcs? _reverseArcs;

    internal WalkingGraph(
        long[] nodeIds, double[] nodeXs, double[] nodeYs, long[] sortedIds, int[] sortedIdNodes,
        int[] firstArcs, int[] arcTargets, float[] arcCosts, int[] arcEdgeDirs,
        int[] edgeSources, int[] edgeTargets, float[] edgeLengths,
        float[] edgeInputForward, float[] edgeInputReverse, float[] edgeForward, float[] edgeReverse, bool[] edgeSteps,
        int[] geometryOffsets, double[] geometryXs, double[] geometryYs, WalkingCostProfile profile)
    {
        NodeIds = nodeIds; NodeXs = nodeXs; NodeYs = nodeYs; _sortedIds = sortedIds; _sortedIdNodes = sortedIdNodes;
        FirstArcs = firstArcs; PackedArcs = SearchArc.Pack(arcTargets, arcCosts); ArcEdgeDirs = arcEdgeDirs;
        EdgeSources = edgeSources; EdgeTargets = edgeTargets; EdgeLengths = edgeLengths;
        EdgeInputForward = edgeInputForward; EdgeInputReverse = edgeInputReverse;
        EdgeForward = edgeForward; EdgeReverse = edgeReverse; EdgeSteps = edgeSteps;
        GeometryOffsets = geometryOffsets; GeometryXs = geometryXs; GeometryYs = geometryYs;
        CostProfile = profile;
    }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => NodeIds.Length;

    /// <summary>Number of edges (input order; an undirected street is one edge with two arcs).</summary>
    public int EdgeCount => EdgeSources.Length;

    /// <summary>Number of arcs, i.e. walkable directed edges.</summary>
    public int ArcCount => PackedArcs.Length;

    /// <summary>The cost profile the arc costs were computed with.</summary>
    public WalkingCostProfile CostProfile { get; }

    /// <summary>External id (e.g. OSM node id) of node <paramref name="node"/>.</summary>
    public long NodeId(int node) => NodeIds[node];

    /// <summary>Plane X (easting) of node <paramref name="node"/>, in metres.</summary>
    public double NodeX(int node) => NodeXs[node];

    /// <summary>Plane Y (northing) of node <paramref name="node"/>, in metres.</summary>
    public double NodeY(int node) => NodeYs[node];

    /// <summary>Finds the node index for an external id in O(log n).</summary>
    public bool TryGetNodeIndex(long nodeId, out int node)
    {
        int i = Array.BinarySearch(_sortedIds, nodeId);
        node = i >= 0 ? _sortedIdNodes[i] : -1;
        return i >= 0;
    }

    /// <summary>First arc leaving <paramref name="node"/>; the node's arcs run to <c>FirstArc(node + 1) - 1</c>.</summary>
    public int FirstArc(int node) => FirstArcs[node];

    /// <summary>Node an arc leads to.</summary>
    public int ArcTarget(int arc) => PackedArcs[arc].Target;

    /// <summary>Search cost of an arc, in metre-equivalents (profile applied).</summary>
    public float ArcCostMetres(int arc) => PackedArcs[arc].Cost;

    /// <summary>The target of every arc, in arc order (a new array).</summary>
    internal int[] CopyArcTargets()
    {
        var targets = new int[PackedArcs.Length];
        for (int a = 0; a < targets.Length; a++) targets[a] = PackedArcs[a].Target;
        return targets;
    }

    /// <summary>The cost of every arc, in arc order (a new array).</summary>
    internal float[] CopyArcCosts()
    {
        var costs = new float[PackedArcs.Length];
        for (int a = 0; a < costs.Length; a++) costs[a] = PackedArcs[a].Cost;
        return costs;
    }

    /// <summary>The edge an arc walks.</summary>
    public int ArcEdge(int arc) => ArcEdgeDirs[arc] >> 1;

    /// <summary>True when the arc walks its edge from the edge's target to its source.</summary>
    public bool ArcIsReverse(int arc) => (ArcEdgeDirs[arc] & 1) != 0;

    /// <summary>Node an arc leaves from.</summary>
    public int ArcSource(int arc) => ArcIsReverse(arc) ? EdgeTargets[ArcEdge(arc)] : EdgeSources[ArcEdge(arc)];

    /// <summary>
    /// First position of the arcs arriving at <paramref name="node"/> (reverse-arc view); its arcs are
    /// <c>ArcInto(FirstArcInto(node))</c> .. <c>ArcInto(FirstArcInto(node + 1) - 1)</c>.
    /// </summary>
    public int FirstArcInto(int node) => ReverseArcs.FirstArcs[node];

    /// <summary>The arc at a position of the reverse-arc view (see <see cref="FirstArcInto"/>).</summary>
    public int ArcInto(int position) => ReverseArcs.Arcs[position];

    /// <summary>The arcs grouped by the node they arrive at: built once on first use (thread-safe), then shared read-only.</summary>
    internal ReverseArcs ReverseArcs
    {
        get
        {
            var reverse = Volatile.Read(ref _reverseArcs);
            if (reverse is null)
            {
                // Two threads may build it at once; one copy wins and the other is dropped.
                Interlocked.CompareExchange(ref _reverseArcs, new ReverseArcs(this), null);
                reverse = _reverseArcs!;
            }
            return reverse;
        }
    }

    /// <summary>Envelope of the node positions, plane metres (a null envelope when there are no nodes).</summary>
    public Envelope NodeExtent()
    {
        var extent = new Envelope();
        for (int i = 0; i < NodeXs.Length; i++) extent.ExpandToInclude(NodeXs[i], NodeYs[i]);
        return extent;
    }

    /// <summary>Source node of an edge (its geometry starts here).</summary>
    public int EdgeSource(int edge) => EdgeSources[edge];

    /// <summary>Target node of an edge (its geometry ends here).</summary>
    public int EdgeTarget(int edge) => EdgeTargets[edge];

    /// <summary>Length of an edge in metres, as given by the input.</summary>
    public float EdgeLengthMetres(int edge) => EdgeLengths[edge];

    /// <summary>Search cost from source to target in metre-equivalents, or +∞ when not walkable that way.</summary>
    public float EdgeForwardCostMetres(int edge) => EdgeForward[edge];

    /// <summary>Search cost from target to source in metre-equivalents, or +∞ when not walkable that way.</summary>
    public float EdgeReverseCostMetres(int edge) => EdgeReverse[edge];

    /// <summary>True when the edge is steps (階段).</summary>
    public bool EdgeIsSteps(int edge) => EdgeSteps[edge];

    /// <summary>Number of points in the edge's geometry, end points included.</summary>
    public int EdgePointCount(int edge) => GeometryOffsets[edge + 1] - GeometryOffsets[edge] + 2;

    /// <summary>Point <paramref name="index"/> (0 = source node) of the edge's geometry, plane metres.</summary>
    public (double X, double Y) EdgePoint(int edge, int index)
    {
        int interior = GeometryOffsets[edge + 1] - GeometryOffsets[edge];
        if (index == 0) { int s = EdgeSources[edge]; return (NodeXs[s], NodeYs[s]); }
        if (index == interior + 1) { int t = EdgeTargets[edge]; return (NodeXs[t], NodeYs[t]); }
        int g = GeometryOffsets[edge] + index - 1;
        return (GeometryXs[g], GeometryYs[g]);
    }

    /// <summary>The edge's geometry from source to target, plane metres.</summary>
    public Coordinate[] GetEdgeGeometry(int edge)
    {
        var points = new Coordinate[EdgePointCount(edge)];
        for (int i = 0; i < points.Length; i++)
        {
            var (x, y) = EdgePoint(edge, i);
            points[i] = new Coordinate(x, y);
        }
        return points;
    }

    /// <summary>Plane length of the edge's geometry in metres (may differ slightly from <see cref="EdgeLengthMetres"/>).</summary>
    public double EdgeGeometryLengthMetres(int edge)
    {
        int n = EdgePointCount(edge);
        var (px, py) = EdgePoint(edge, 0);
        double total = 0;
        for (int i = 1; i < n; i++)
        {
            var (x, y) = EdgePoint(edge, i);
            total += Math.Sqrt((x - px) * (x - px) + (y - py) * (y - py));
            px = x; py = y;
        }
        return total;
    }

    /// <summary>
    /// Estimated bytes held by topology and costs: node ids, positions and id index, CSR offsets, arcs, and
    /// per-edge end nodes, lengths, costs and flags. Edge geometry is counted in <see cref="EstimatedGeometryBytes"/>.
    /// </summary>
    public long EstimatedBytes =>
        (long)NodeIds.Length * (8 + 8 + 8) + (long)_sortedIds.Length * (8 + 4) + (long)FirstArcs.Length * 4
        + (long)PackedArcs.Length * (4 + 4 + 4)
        + (long)EdgeSources.Length * (4 + 4 + 4 + 4 + 4 + 4 + 4 + 1);

    /// <summary>Estimated bytes held by the reverse-arc view: 0 until a backward search has built it.</summary>
    public long EstimatedReverseArcBytes => Volatile.Read(ref _reverseArcs)?.EstimatedBytes ?? 0;

    /// <summary>Estimated bytes held by edge geometry (interior points and offsets).</summary>
    public long EstimatedGeometryBytes => (long)GeometryOffsets.Length * 4 + (long)GeometryXs.Length * 16;

    /// <summary><see cref="EstimatedBytes"/> divided by <see cref="ArcCount"/> (bytes per directed edge).</summary>
    public double BytesPerArc => ArcCount == 0 ? 0 : (double)EstimatedBytes / ArcCount;

    /// <summary>
    /// A graph with the same nodes, edges and geometry (shared, not copied) but costs recomputed with
    /// <paramref name="profile"/> from the input costs.
    /// </summary>
    public WalkingGraph WithCostProfile(WalkingCostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        int edges = EdgeCount;
        var forward = new float[edges];
        var reverse = new float[edges];
        for (int e = 0; e < edges; e++)
        {
            forward[e] = (float)profile.Apply(EdgeInputForward[e], EdgeSteps[e]);
            reverse[e] = (float)profile.Apply(EdgeInputReverse[e], EdgeSteps[e]);
        }
        var arcCosts = new float[ArcCount];
        for (int a = 0; a < arcCosts.Length; a++)
        {
            int e = ArcEdgeDirs[a] >> 1;
            arcCosts[a] = (ArcEdgeDirs[a] & 1) == 0 ? forward[e] : reverse[e];
        }
        // An arc whose penalised cost became infinite stays in the CSR but is never relaxed.
        return new WalkingGraph(NodeIds, NodeXs, NodeYs, _sortedIds, _sortedIdNodes, FirstArcs, CopyArcTargets(), arcCosts,
            ArcEdgeDirs, EdgeSources, EdgeTargets, EdgeLengths, EdgeInputForward, EdgeInputReverse, forward, reverse,
            EdgeSteps, GeometryOffsets, GeometryXs, GeometryYs, profile);
    }

    /// <summary>
    /// Labels weakly connected components (direction ignored, as a walker would see them).
    /// Returns the component of every node, numbered by decreasing size (0 = largest).
    /// </summary>
    public int[] LabelComponents(out int componentCount)
    {
        int n = NodeCount;
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int Find(int x)
        {
            while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
            return x;
        }
        for (int e = 0; e < EdgeCount; e++)
        {
            int a = Find(EdgeSources[e]), b = Find(EdgeTargets[e]);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        var sizes = new Dictionary<int, int>();
        for (int i = 0; i < n; i++) { int r = Find(i); sizes[r] = sizes.GetValueOrDefault(r) + 1; }
        var order = sizes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).ToArray();
        var rank = new Dictionary<int, int>(order.Length);
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i;
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rank[Find(i)];
        componentCount = order.Length;
        return labels;
    }
}

/// <summary>An arc as a search reads it: the node it leads to and its cost, side by side (8 bytes).</summary>
internal readonly struct SearchArc(int target, float cost)
{
    public readonly int Target = target;
    public readonly float Cost = cost;

    public static SearchArc[] Pack(int[] targets, float[] costs)
    {
        var packed = new SearchArc[targets.Length];
        for (int a = 0; a < packed.Length; a++) packed[a] = new SearchArc(targets[a], costs[a]);
        return packed;
    }
}
