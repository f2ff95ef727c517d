using System.Globalization;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// Collects nodes and edges (plane metres) and builds a <see cref="WalkingGraph"/> once.
/// Declare nodes with <see cref="AddNode"/>; then every edge must refer to declared nodes. If no node is declared,
/// nodes are taken from the edges' geometry end points (first and last coordinate).
/// Declare nodes before adding edges without geometry. Parallel edges are kept (a search simply takes the cheaper
/// one). A street walkable both ways should be one edge with two costs, not two one-way edges: a point snapped onto a
/// one-way twin could only leave it one way (osmnx lists each street as u→v and v→u; merge the pair on import).
/// Not thread-safe.
/// </summary>
public sealed class WalkingGraphBuilder
{
    private readonly Dictionary<long, int> _nodeIndex = new();
    private readonly List<long> _nodeIds = new();
    private readonly List<double> _nodeXs = new();
    private readonly List<double> _nodeYs = new();
    private bool _nodesDeclared;

    private readonly List<EdgeInput> _edges = new();
    private readonly List<Coordinate[]?> _geometries = new();

    private readonly record struct EdgeInput(long SourceId, long TargetId, float Forward, float Reverse, float Length, bool IsSteps);

    /// <summary>Number of nodes declared or inferred so far.</summary>
    public int NodeCount => _nodeIds.Count;

    /// <summary>Number of edges added so far.</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>Declares a node at plane position (<paramref name="x"/>, <paramref name="y"/>) in metres.</summary>
    /// <exception cref="NetworkDataException">The id was declared before, or a coordinate is not finite.</exception>
    public WalkingGraphBuilder AddNode(long nodeId, double x, double y)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y))
            throw new NetworkDataException($"Node {nodeId} has a non-finite position ({x}, {y}).");
        if (!_nodeIndex.TryAdd(nodeId, _nodeIds.Count))
            throw new NetworkDataException($"Node {nodeId} is declared twice.");
        _nodesDeclared = true;
        _nodeIds.Add(nodeId);
        _nodeXs.Add(x);
        _nodeYs.Add(y);
        return this;
    }

    /// <summary>
    /// Adds an edge. A negative, NaN or infinite cost means "not walkable in that direction".
    /// </summary>
    /// <param name="sourceId">External id of the node the geometry starts at.</param>
    /// <param name="targetId">External id of the node the geometry ends at.</param>
    /// <param name="forwardCostMetres">Cost of walking source→target, metre-equivalents.</param>
    /// <param name="reverseCostMetres">Cost of walking target→source, metre-equivalents.</param>
    /// <param name="lengthMetres">Length in metres; finite and ≥ 0.</param>
    /// <param name="geometry">Polyline from source to target in plane metres, or null for a straight line.
    /// End points are replaced by the node positions; a geometry given target→source is turned round.</param>
    /// <param name="isSteps">True for steps (階段), penalised by a <see cref="WalkingCostProfile"/>.</param>
    /// <exception cref="NetworkDataException">Bad length or geometry, or walkable in neither direction.</exception>
    public WalkingGraphBuilder AddEdge(long sourceId, long targetId, double forwardCostMetres, double reverseCostMetres,
        double lengthMetres, Coordinate[]? geometry = null, bool isSteps = false)
    {
        string Name() => $"Edge #{_edges.Count.ToString(CultureInfo.InvariantCulture)} ({sourceId} -> {targetId})";
        if (!double.IsFinite(lengthMetres) || lengthMetres < 0)
            throw new NetworkDataException($"{Name()} has an invalid length {lengthMetres} m; lengths must be finite and >= 0.");
        float forward = Walkable(forwardCostMetres), reverse = Walkable(reverseCostMetres);
        if (float.IsPositiveInfinity(forward) && float.IsPositiveInfinity(reverse))
            throw new NetworkDataException($"{Name()} is walkable in neither direction (costs {forwardCostMetres}, {reverseCostMetres}).");
        if (geometry is not null)
        {
            if (geometry.Length < 2)
                throw new NetworkDataException($"{Name()} has a geometry with {geometry.Length} point(s); at least 2 are needed.");
            foreach (var c in geometry)
                if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
                    throw new NetworkDataException($"{Name()} has a non-finite coordinate ({c.X}, {c.Y}).");
        }
        else if (!_nodesDeclared)
        {
            throw new NetworkDataException($"{Name()} has no geometry and no nodes were declared, so its end positions are unknown.");
        }
        _edges.Add(new EdgeInput(sourceId, targetId, forward, reverse, (float)lengthMetres, isSteps));
        _geometries.Add(geometry);
        return this;
    }

    /// <summary>Adds an edge walkable both ways at cost = <paramref name="lengthMetres"/>.</summary>
    public WalkingGraphBuilder AddUndirectedEdge(long sourceId, long targetId, double lengthMetres,
        Coordinate[]? geometry = null, bool isSteps = false)
        => AddEdge(sourceId, targetId, lengthMetres, lengthMetres, lengthMetres, geometry, isSteps);

    /// <summary>Adds an edge walkable only source→target at cost = <paramref name="lengthMetres"/>.</summary>
    public WalkingGraphBuilder AddDirectedEdge(long sourceId, long targetId, double lengthMetres,
        Coordinate[]? geometry = null, bool isSteps = false)
        => AddEdge(sourceId, targetId, lengthMetres, -1, lengthMetres, geometry, isSteps);

    private static float Walkable(double cost) =>
        double.IsFinite(cost) && cost >= 0 ? (float)cost : float.PositiveInfinity;

    private static float Walkable(float cost) =>
        float.IsFinite(cost) && cost >= 0 ? cost : float.PositiveInfinity;

    /// <summary>Builds the immutable graph. The builder can be discarded afterwards.</summary>
    /// <param name="profile">Cost profile (steps penalty); <see cref="WalkingCostProfile.Default"/> when null.</param>
    /// <exception cref="NetworkDataException">An edge refers to an undeclared node.</exception>
    public WalkingGraph Build(WalkingCostProfile? profile = null)
    {
        profile ??= WalkingCostProfile.Default;
        int edgeCount = _edges.Count;

        // Resolve (or infer) end nodes.
        var edgeSources = new int[edgeCount];
        var edgeTargets = new int[edgeCount];
        for (int e = 0; e < edgeCount; e++)
        {
            var input = _edges[e];
            var geometry = _geometries[e];
            edgeSources[e] = Resolve(input.SourceId, e, input, geometry, first: true);
            edgeTargets[e] = Resolve(input.TargetId, e, input, geometry, first: false);
        }

        int nodeCount = _nodeIds.Count;
        var nodeIds = _nodeIds.ToArray();
        var nodeXs = _nodeXs.ToArray();
        var nodeYs = _nodeYs.ToArray();
        var sortedIds = (long[])nodeIds.Clone();
        var sortedIdNodes = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) sortedIdNodes[i] = i;
        Array.Sort(sortedIds, sortedIdNodes);

        // Edge attributes and interior geometry.
        var lengths = new float[edgeCount];
        var inForward = new float[edgeCount];
        var inReverse = new float[edgeCount];
        var forward = new float[edgeCount];
        var reverse = new float[edgeCount];
        var steps = new bool[edgeCount];
        var geometryOffsets = new int[edgeCount + 1];
        int interiorTotal = 0;
        for (int e = 0; e < edgeCount; e++)
        {
            var g = _geometries[e];
            geometryOffsets[e] = interiorTotal;
            if (g is not null) interiorTotal += g.Length - 2;
        }
        geometryOffsets[edgeCount] = interiorTotal;
        var geometryXs = new double[interiorTotal];
        var geometryYs = new double[interiorTotal];
        for (int e = 0; e < edgeCount; e++)
        {
            var input = _edges[e];
            lengths[e] = input.Length;
            inForward[e] = input.Forward;
            inReverse[e] = input.Reverse;
            forward[e] = (float)profile.Apply(input.Forward, input.IsSteps);
            reverse[e] = (float)profile.Apply(input.Reverse, input.IsSteps);
            steps[e] = input.IsSteps;
            var g = _geometries[e];
            if (g is null || g.Length == 2) continue;
            // Geometry stored target→source (seen in real osmnx exports) is turned round.
            int s = edgeSources[e], t = edgeTargets[e];
            double keep = Dist2(g[0], nodeXs[s], nodeYs[s]) + Dist2(g[^1], nodeXs[t], nodeYs[t]);
            double flip = Dist2(g[^1], nodeXs[s], nodeYs[s]) + Dist2(g[0], nodeXs[t], nodeYs[t]);
            bool reversed = s != t && flip < keep;
            int o = geometryOffsets[e];
            for (int i = 1; i < g.Length - 1; i++)
            {
                var c = reversed ? g[g.Length - 1 - i] : g[i];
                geometryXs[o + i - 1] = c.X;
                geometryYs[o + i - 1] = c.Y;
            }
        }

        return Assemble(nodeIds, nodeXs, nodeYs, sortedIds, sortedIdNodes, edgeSources, edgeTargets, lengths, inForward, inReverse,
            forward, reverse, steps, geometryOffsets, geometryXs, geometryYs, profile);
    }

    /// <summary>
    /// Builds the graph straight from flat arrays, without per-edge adds: what a prepared city read from disk (or any bulk
    /// source) holds. The arrays are taken over, not copied; the caller must not change them afterwards. Node ids sorted
    /// ascending (as a database returns them <c>ORDER BY id</c>) are used as the id index directly; otherwise they are sorted here.
    /// </summary>
    /// <param name="nodes">Node ids, positions (plane metres).</param>
    /// <param name="edges">Edges by node index, in graph edge order, with their input costs (a negative, NaN or infinite cost
    /// means not walkable that way) and interior geometry already running source → target.</param>
    /// <param name="profile">Cost profile; <see cref="WalkingCostProfile.Default"/> when null.</param>
    /// <exception cref="NetworkDataException">Arrays of different lengths, a node index out of range, a duplicate node id, a
    /// non-finite position or length, bad geometry offsets, or an edge walkable in neither direction.</exception>
    public static WalkingGraph FromArrays(WalkingGraphNodes nodes, WalkingGraphEdges edges, WalkingCostProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(edges);
        profile ??= WalkingCostProfile.Default;
        int nodeCount = nodes.Ids.Length, edgeCount = edges.Sources.Length;
        if (nodes.Xs.Length != nodeCount || nodes.Ys.Length != nodeCount)
            throw new NetworkDataException($"Node arrays differ in length ({nodeCount}, {nodes.Xs.Length}, {nodes.Ys.Length}).");
        if (edges.Targets.Length != edgeCount || edges.Lengths.Length != edgeCount || edges.Forward.Length != edgeCount
            || edges.Reverse.Length != edgeCount || edges.Steps.Length != edgeCount || edges.GeometryOffsets.Length != edgeCount + 1
            || edges.GeometryXs.Length != edges.GeometryYs.Length)
            throw new NetworkDataException($"Edge arrays differ in length ({edgeCount} edges).");
        for (int i = 0; i < nodeCount; i++)
            if (!double.IsFinite(nodes.Xs[i]) || !double.IsFinite(nodes.Ys[i]))
                throw new NetworkDataException($"Node {nodes.Ids[i]} has a non-finite position ({nodes.Xs[i]}, {nodes.Ys[i]}).");
        if (edges.GeometryOffsets[0] != 0 || edges.GeometryOffsets[edgeCount] != edges.GeometryXs.Length)
            throw new NetworkDataException("Geometry offsets do not span the geometry points.");
        for (int i = 0; i < edges.GeometryXs.Length; i++)
            if (!double.IsFinite(edges.GeometryXs[i]) || !double.IsFinite(edges.GeometryYs[i]))
                throw new NetworkDataException($"Geometry point {i} is not finite ({edges.GeometryXs[i]}, {edges.GeometryYs[i]}).");
        var forward = new float[edgeCount];
        var reverse = new float[edgeCount];
        for (int e = 0; e < edgeCount; e++)
        {
            string Name() => $"Edge #{e.ToString(CultureInfo.InvariantCulture)}";
            foreach (var end in (ReadOnlySpan<int>)[edges.Sources[e], edges.Targets[e]])
                if ((uint)end >= (uint)nodeCount)
                    throw new NetworkDataException($"{Name()} refers to node index {end}; there are {nodeCount} nodes.");
            if (!float.IsFinite(edges.Lengths[e]) || edges.Lengths[e] < 0)
                throw new NetworkDataException($"{Name()} has an invalid length {edges.Lengths[e]} m; lengths must be finite and >= 0.");
            if (edges.GeometryOffsets[e + 1] < edges.GeometryOffsets[e])
                throw new NetworkDataException($"{Name()} has a negative number of geometry points.");
            edges.Forward[e] = Walkable(edges.Forward[e]);
            edges.Reverse[e] = Walkable(edges.Reverse[e]);
            if (float.IsPositiveInfinity(edges.Forward[e]) && float.IsPositiveInfinity(edges.Reverse[e]))
                throw new NetworkDataException($"{Name()} is walkable in neither direction.");
            forward[e] = (float)profile.Apply(edges.Forward[e], edges.Steps[e]);
            reverse[e] = (float)profile.Apply(edges.Reverse[e], edges.Steps[e]);
        }

        // The id index: the ids themselves when already ascending (no copy, no sort).
        long[] sortedIds;
        var sortedIdNodes = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) sortedIdNodes[i] = i;
        bool ascending = true;
        for (int i = 1; i < nodeCount && ascending; i++) ascending = nodes.Ids[i - 1] < nodes.Ids[i];
        if (ascending)
        {
            sortedIds = nodes.Ids;
        }
        else
        {
            sortedIds = (long[])nodes.Ids.Clone();
            Array.Sort(sortedIds, sortedIdNodes);
            for (int i = 1; i < nodeCount; i++)
                if (sortedIds[i - 1] == sortedIds[i])
                    throw new NetworkDataException($"Node {sortedIds[i]} is declared twice.");
        }
        return Assemble(nodes.Ids, nodes.Xs, nodes.Ys, sortedIds, sortedIdNodes, edges.Sources, edges.Targets, edges.Lengths,
            edges.Forward, edges.Reverse, forward, reverse, edges.Steps, edges.GeometryOffsets, edges.GeometryXs, edges.GeometryYs, profile);
    }

    /// <summary>The CSR arcs from the edge arrays (count per node, prefix sums, fill in edge order) and the graph over them.</summary>
    private static WalkingGraph Assemble(long[] nodeIds, double[] nodeXs, double[] nodeYs, long[] sortedIds, int[] sortedIdNodes,
        int[] edgeSources, int[] edgeTargets, float[] lengths, float[] inForward, float[] inReverse, float[] forward, float[] reverse,
        bool[] steps, int[] geometryOffsets, double[] geometryXs, double[] geometryYs, WalkingCostProfile profile)
    {
        int nodeCount = nodeIds.Length, edgeCount = edgeSources.Length;
        // CSR: count arcs per node, prefix sums, fill in edge order.
        var firstArcs = new int[nodeCount + 1];
        for (int e = 0; e < edgeCount; e++)
        {
            if (!float.IsPositiveInfinity(inForward[e])) firstArcs[edgeSources[e] + 1]++;
            if (!float.IsPositiveInfinity(inReverse[e])) firstArcs[edgeTargets[e] + 1]++;
        }
        for (int i = 0; i < nodeCount; i++) firstArcs[i + 1] += firstArcs[i];
        int arcCount = firstArcs[nodeCount];
        var arcTargets = new int[arcCount];
        var arcCosts = new float[arcCount];
        var arcEdgeDirs = new int[arcCount];
        var next = new int[nodeCount];
        Array.Copy(firstArcs, next, nodeCount);
        for (int e = 0; e < edgeCount; e++)
        {
            if (!float.IsPositiveInfinity(inForward[e]))
            {
                int a = next[edgeSources[e]]++;
                arcTargets[a] = edgeTargets[e]; arcCosts[a] = forward[e]; arcEdgeDirs[a] = e << 1;
            }
            if (!float.IsPositiveInfinity(inReverse[e]))
            {
                int a = next[edgeTargets[e]]++;
                arcTargets[a] = edgeSources[e]; arcCosts[a] = reverse[e]; arcEdgeDirs[a] = (e << 1) | 1;
            }
        }

        return new WalkingGraph(nodeIds, nodeXs, nodeYs, sortedIds, sortedIdNodes, firstArcs, arcTargets, arcCosts,
            arcEdgeDirs, edgeSources, edgeTargets, lengths, inForward, inReverse, forward, reverse, steps,
            geometryOffsets, geometryXs, geometryYs, profile);
    }

    private int Resolve(long id, int edge, EdgeInput input, Coordinate[]? geometry, bool first)
    {
        if (_nodeIndex.TryGetValue(id, out int index)) return index;
        if (_nodesDeclared)
            throw new NetworkDataException(
                $"Edge #{edge.ToString(CultureInfo.InvariantCulture)} ({input.SourceId} -> {input.TargetId}) refers to node {id}, which was not declared.");
        var c = first ? geometry![0] : geometry![^1];
        index = _nodeIds.Count;
        _nodeIndex.Add(id, index);
        _nodeIds.Add(id);
        _nodeXs.Add(c.X);
        _nodeYs.Add(c.Y);
        return index;
    }

    private static double Dist2(Coordinate c, double x, double y) => (c.X - x) * (c.X - x) + (c.Y - y) * (c.Y - y);
}

/// <summary>The nodes of a graph in index order, for <see cref="WalkingGraphBuilder.FromArrays"/>.</summary>
/// <param name="Ids">External ids (unique).</param>
/// <param name="Xs">Plane X of each node, metres.</param>
/// <param name="Ys">Plane Y of each node, metres.</param>
public sealed record WalkingGraphNodes(long[] Ids, double[] Xs, double[] Ys);

/// <summary>The edges of a graph in edge order, for <see cref="WalkingGraphBuilder.FromArrays"/>.</summary>
/// <param name="Sources">Source node index of each edge (its geometry starts there).</param>
/// <param name="Targets">Target node index of each edge.</param>
/// <param name="Lengths">Length in metres.</param>
/// <param name="Forward">Input cost source → target, metre-equivalents (negative, NaN or infinite: not walkable that way).</param>
/// <param name="Reverse">Input cost target → source.</param>
/// <param name="Steps">True for steps (階段).</param>
/// <param name="GeometryOffsets">Edge count + 1 offsets into the interior points: edge e's are [offsets[e], offsets[e+1]).</param>
/// <param name="GeometryXs">Interior geometry points (end points are the node positions), running source → target.</param>
/// <param name="GeometryYs">Their Y.</param>
public sealed record WalkingGraphEdges(int[] Sources, int[] Targets, float[] Lengths, float[] Forward, float[] Reverse, bool[] Steps,
    int[] GeometryOffsets, double[] GeometryXs, double[] GeometryYs);
