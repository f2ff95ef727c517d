using FukushiMap.Core.Network;

namespace FukushiMap.Core.Coverage;

/// <summary>The walking graph as coverage measures it.</summary>
public static class CoverageGraph
{
    /// <summary>
    /// The same network with every edge cost raised, where needed, so that walking an edge (or any part of it) is never
    /// shorter than its drawn line in the plane: cost × max(1, plane length ÷ stated length). Stated lengths from
    /// osmnx are great-circle distances on a sphere, up to about 0.5 % shorter than the plane line in Japan; with the
    /// floor, a walk is never shorter than the straight line between its ends, so network coverage can never exceed
    /// straight-line coverage at the same distance. Nodes, edges and geometry are shared, not copied.
    /// </summary>
    public static WalkingGraph WithPlaneLengthFloor(WalkingGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int edges = graph.EdgeCount;
        var forward = new float[edges];
        var reverse = new float[edges];
        for (int e = 0; e < edges; e++)
        {
            double drawn = graph.EdgeGeometryLengthMetres(e);
            double stated = graph.EdgeLengths[e];
            forward[e] = Floor(graph.EdgeForward[e], drawn, stated);
            reverse[e] = Floor(graph.EdgeReverse[e], drawn, stated);
        }
        var arcCosts = new float[graph.ArcCount];
        for (int a = 0; a < arcCosts.Length; a++)
        {
            int e = graph.ArcEdgeDirs[a] >> 1;
            arcCosts[a] = (graph.ArcEdgeDirs[a] & 1) == 0 ? forward[e] : reverse[e];
        }
        return new WalkingGraph(graph.NodeIds, graph.NodeXs, graph.NodeYs, SortedIds(graph), SortedIdNodes(graph), graph.FirstArcs,
            graph.CopyArcTargets(), arcCosts, graph.ArcEdgeDirs, graph.EdgeSources, graph.EdgeTargets, graph.EdgeLengths,
            graph.EdgeInputForward, graph.EdgeInputReverse, forward, reverse, graph.EdgeSteps, graph.GeometryOffsets,
            graph.GeometryXs, graph.GeometryYs, graph.CostProfile);
    }

    private static float Floor(float cost, double drawn, double stated)
    {
        if (float.IsPositiveInfinity(cost)) return cost;
        double scaled = stated > 0 ? cost * Math.Max(1, drawn / stated) : Math.Max(cost, drawn);
        // Round up so the float never falls below the drawn length.
        float f = (float)scaled;
        return f < scaled ? MathF.BitIncrement(f) : f;
    }

    private static long[] SortedIds(WalkingGraph g)
    {
        var ids = (long[])g.NodeIds.Clone();
        Array.Sort(ids);
        return ids;
    }

    private static int[] SortedIdNodes(WalkingGraph g)
    {
        var ids = (long[])g.NodeIds.Clone();
        var nodes = new int[ids.Length];
        for (int i = 0; i < nodes.Length; i++) nodes[i] = i;
        Array.Sort(ids, nodes);
        return nodes;
    }
}
