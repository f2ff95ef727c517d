using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

public class ReverseArcViewTests
{
    // Situation:
    //   (1) ====100 m, one-way===> (2) ---- 50 m ---- (3)
    //     `------- 300 m ---------´
    [Fact]
    public void AOneWayArcArrivesOnlyAtItsHead()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 0).AddNode(3, 150, 0)
            .AddDirectedEdge(1, 2, 100).AddUndirectedEdge(1, 2, 300).AddUndirectedEdge(2, 3, 50).Build();

        Assert.Equal([(1, 300f)], Into(graph, 0));
        Assert.Equal([(0, 100f), (0, 300f), (2, 50f)], Into(graph, 1));
        Assert.Equal([(1, 50f)], Into(graph, 2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void EveryArcIsListedOnceAtTheNodeItArrivesAt(int seed)
    {
        var graph = MultiSourceDijkstraTests.RandomGraph(new Random(seed), nodes: 80, edges: 180);
        var seen = new int[graph.ArcCount];

        for (int v = 0; v < graph.NodeCount; v++)
        {
            for (int i = graph.FirstArcInto(v); i < graph.FirstArcInto(v + 1); i++)
            {
                int arc = graph.ArcInto(i);
                Assert.Equal(v, graph.ArcTarget(arc));
                seen[arc]++;
            }
        }
        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.True(graph.EstimatedReverseArcBytes > 0);
    }

    [Fact]
    public void TheViewIsBuiltOnlyWhenABackwardSearchNeedsIt()
    {
        var graph = GridNetwork.Create(3, 3, 100);
        new MultiSourceDijkstra(graph).Run([SearchOrigin.AtNode(0)], 1000);
        Assert.Equal(0, graph.EstimatedReverseArcBytes);

        new MultiSourceDijkstra(graph, SearchDirection.Backward).Run([SearchOrigin.AtNode(0)], 1000);
        Assert.True(graph.EstimatedReverseArcBytes > 0);
    }

    private static List<(int From, float Metres)> Into(WalkingGraph graph, int node)
    {
        var arrivals = new List<(int, float)>();
        for (int i = graph.FirstArcInto(node); i < graph.FirstArcInto(node + 1); i++)
            arrivals.Add((graph.ArcSource(graph.ArcInto(i)), graph.ArcCostMetres(graph.ArcInto(i))));
        return [.. arrivals.OrderBy(a => a.Item1).ThenBy(a => a.Item2)];
    }
}
