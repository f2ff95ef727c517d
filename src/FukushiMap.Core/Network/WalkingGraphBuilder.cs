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
