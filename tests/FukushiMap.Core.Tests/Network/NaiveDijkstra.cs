using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

/// <summary>
/// A deliberately plain single-source Dijkstra (O(n²), no heap, straight from the edge list) used as the reference
/// for the engine. Uses the same float arithmetic as the engine so results compare exactly.
/// </summary>
internal static class NaiveDijkstra
{
    /// <summary>Metres of the walk from <paramref name="origin"/> to every node.</summary>
    public static float[] FromOrigin(WalkingGraph graph, SearchOrigin origin) => Run(graph, origin, towards: false);

    /// <summary>
    /// Metres of the walk from every node to <paramref name="origin"/> (the reference for a backward search), summed from
    /// the origin outwards as the engine sums them.
    /// </summary>
    public static float[] ToOrigin(WalkingGraph graph, SearchOrigin origin) => Run(graph, origin, towards: true);

    private static float[] Run(WalkingGraph graph, SearchOrigin origin, bool towards)
    {
        // Walking to the origin is walking from it with the two directions of every edge swapped.
        float Fwd(int e) => towards ? graph.EdgeReverseCostMetres(e) : graph.EdgeForwardCostMetres(e);
        float Rev(int e) => towards ? graph.EdgeForwardCostMetres(e) : graph.EdgeReverseCostMetres(e);
        int n = graph.NodeCount;
        var dist = new float[n];
        Array.Fill(dist, float.PositiveInfinity);
        if (origin.Node >= 0) dist[origin.Node] = (float)origin.InitialMetres;
        else
        {
            int e = origin.Edge;
            float fwd = Fwd(e), rev = Rev(e);
            if (!float.IsPositiveInfinity(fwd))
                dist[graph.EdgeTarget(e)] = Math.Min(dist[graph.EdgeTarget(e)], (float)(origin.InitialMetres + fwd * (1 - origin.Fraction)));
            if (!float.IsPositiveInfinity(rev))
                dist[graph.EdgeSource(e)] = Math.Min(dist[graph.EdgeSource(e)], (float)(origin.InitialMetres + rev * origin.Fraction));
        }
        var done = new bool[n];
        while (true)
        {
            int u = -1;
            for (int i = 0; i < n; i++)
                if (!done[i] && !float.IsPositiveInfinity(dist[i]) && (u < 0 || dist[i] < dist[u])) u = i;
            if (u < 0) return dist;
            done[u] = true;
            for (int e = 0; e < graph.EdgeCount; e++)
            {
                int s = graph.EdgeSource(e), t = graph.EdgeTarget(e);
                if (s == u && !float.IsPositiveInfinity(Fwd(e)))
                    dist[t] = Math.Min(dist[t], dist[u] + Fwd(e));
                if (t == u && !float.IsPositiveInfinity(Rev(e)))
                    dist[s] = Math.Min(dist[s], dist[u] + Rev(e));
            }
        }
    }
}
