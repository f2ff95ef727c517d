namespace FukushiMap.Core.Network;

/// <summary>
/// The arcs of a <see cref="WalkingGraph"/> grouped by the node they arrive at (CSR, like the forward arcs): the view a
/// backward search walks. Positions <c>FirstArcs[n]</c> .. <c>FirstArcs[n+1]-1</c> hold the arcs into node n, each with
/// its tail and cost copied beside it, so a backward search reads them exactly as a forward one reads the arcs out of a node.
/// Built from the graph's arcs (same costs, so forward and backward searches agree), read-only once built.
/// </summary>
internal sealed class ReverseArcs
{
    /// <summary>First position of each node's arriving arcs; NodeCount + 1 entries.</summary>
    public readonly int[] FirstArcs;

    /// <summary>The graph's arc at each position.</summary>
    public readonly int[] Arcs;

    /// <summary>Each arriving arc as a backward search reads it: the node it leaves (the tail, where a backward search goes
    /// next) and its cost in metre-equivalents (the graph's arc cost), side by side.</summary>
    public readonly SearchArc[] Packed;

    public ReverseArcs(WalkingGraph graph)
    {
        int n = graph.NodeCount, m = graph.ArcCount;
        var first = new int[n + 1];
        var arcs = graph.PackedArcs;
        for (int a = 0; a < m; a++) first[arcs[a].Target + 1]++;
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        var fill = first.AsSpan(0, n).ToArray();
        Packed = new SearchArc[m];
        Arcs = new int[m];
        for (int u = 0; u < n; u++)
        {
            for (int a = graph.FirstArcs[u], end = graph.FirstArcs[u + 1]; a < end; a++)
            {
                int i = fill[arcs[a].Target]++;
                Packed[i] = new SearchArc(u, arcs[a].Cost);
                Arcs[i] = a;
            }
        }
        FirstArcs = first;
    }

    /// <summary>Bytes held (offsets, tails, costs, arc numbers).</summary>
    public long EstimatedBytes => (long)FirstArcs.Length * 4 + (long)Arcs.Length * (4 + 4 + 4);
}
