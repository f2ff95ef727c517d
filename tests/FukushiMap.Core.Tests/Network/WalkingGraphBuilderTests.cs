using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class WalkingGraphBuilderTests
{
    // Situation:
    //   (10) ---- 100 m ----> (20) ---- 50 m ---- (30)
    //   edge 0 is one-way 10→20, edge 1 is two-way.
    private static WalkingGraph OneWayThenTwoWay() => new WalkingGraphBuilder()
        .AddNode(10, 0, 0).AddNode(20, 100, 0).AddNode(30, 150, 0)
        .AddDirectedEdge(10, 20, 100)
        .AddUndirectedEdge(20, 30, 50)
        .Build();

    [Fact]
    public void ArcsOfEachNodeAreContiguousAndOnlyWalkableDirectionsBecomeArcs()
    {
        var graph = OneWayThenTwoWay();

        Assert.Equal(3, graph.NodeCount);
        Assert.Equal(2, graph.EdgeCount);
        Assert.Equal(3, graph.ArcCount);
        Assert.True(graph.TryGetNodeIndex(20, out int middle));
        var targets = Enumerable.Range(graph.FirstArc(middle), graph.FirstArc(middle + 1) - graph.FirstArc(middle))
            .Select(a => graph.NodeId(graph.ArcTarget(a))).ToArray();
        Assert.Equal([30L], targets); // 20→10 is against the one-way
        Assert.True(float.IsPositiveInfinity(graph.EdgeReverseCostMetres(0)));
    }

    [Fact]
    public void UnknownNodeIdsAreNotFound()
    {
        Assert.False(OneWayThenTwoWay().TryGetNodeIndex(99, out int node));
        Assert.Equal(-1, node);
    }

    [Fact]
    public void AnEdgeToAnUndeclaredNodeIsRejectedNamingTheNode()
    {
        var builder = new WalkingGraphBuilder().AddNode(1, 0, 0).AddUndirectedEdge(1, 2, 10);

        var error = Assert.Throws<NetworkDataException>(() => builder.Build());
        Assert.Contains("node 2", error.Message);
        Assert.Contains("Edge #0", error.Message);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void AnEdgeWithABadLengthIsRejectedNamingTheEdge(double length)
    {
        var builder = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 10, 0);

        var error = Assert.Throws<NetworkDataException>(() => builder.AddEdge(1, 2, 10, 10, length));
        Assert.Contains("Edge #0 (1 -> 2)", error.Message);
    }

    [Fact]
    public void AnEdgeWalkableInNeitherDirectionIsRejected()
    {
        var builder = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 10, 0);

        Assert.Throws<NetworkDataException>(() => builder.AddEdge(1, 2, -1, double.NaN, 10));
    }

    [Fact]
    public void NodesAreTakenFromGeometryEndsWhenNoneAreDeclared()
    {
        var graph = new WalkingGraphBuilder()
            .AddUndirectedEdge(7, 8, 50, [new(0, 0), new(30, 0), new(30, 40)])
            .Build();

        Assert.True(graph.TryGetNodeIndex(8, out int end));
        Assert.Equal((30.0, 40.0), (graph.NodeX(end), graph.NodeY(end)));
        Assert.Equal(3, graph.EdgePointCount(0));
        Assert.Equal(70, graph.EdgeGeometryLengthMetres(0), 9);
    }

    [Fact]
    public void AGeometryGivenTargetToSourceIsTurnedRound()
    {
        // Situation: nodes 1 at (0,0) and 2 at (100,0); the geometry is stored 2→1 with a bend at (50,10).
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 0)
            .AddUndirectedEdge(1, 2, 102, [new(100, 0), new(50, 10), new(0, 0)])
            .Build();

        Assert.Equal([new(0, 0), new(50, 10), new(100, 0)], graph.GetEdgeGeometry(0));
    }

    [Fact]
    public void ParallelEdgesAreBothKept()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 0)
            .AddUndirectedEdge(1, 2, 100).AddUndirectedEdge(1, 2, 60).Build();

        Assert.Equal(2, graph.EdgeCount);
        Assert.Equal(4, graph.ArcCount);
    }

    [Fact]
    public void AHundredThousandNodeGridUsesUnderSixtyFourBytesPerDirectedEdge()
    {
        var graph = GridNetwork.Create(317, 317, 100);

        Assert.True(graph.NodeCount >= 100_000);
        Assert.Equal(2 * 2 * 317 * 316, graph.ArcCount);
        Assert.True(graph.BytesPerArc < 64, $"{graph.BytesPerArc:0.0} bytes per arc");
    }

    [Fact]
    public void ComponentsAreNumberedLargestFirst()
    {
        // Situation:  (1)--(2)--(3)     (4)--(5)     (6)
        var graph = new WalkingGraphBuilder()
            .AddNode(1, 0, 0).AddNode(2, 1, 0).AddNode(3, 2, 0).AddNode(4, 5, 0).AddNode(5, 6, 0).AddNode(6, 9, 0)
            .AddUndirectedEdge(1, 2, 1).AddDirectedEdge(3, 2, 1).AddUndirectedEdge(4, 5, 1)
            .Build();

        var labels = graph.LabelComponents(out int count);

        Assert.Equal(3, count);
        Assert.Equal([0, 0, 0, 1, 1, 2], labels);
    }

    [Fact]
    public void AStepsPenaltyCanBeAppliedToABuiltGraphWithoutRebuilding()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 0, 20)
            .AddUndirectedEdge(1, 2, 20, isSteps: true).Build();

        var penalised = graph.WithCostProfile(new WalkingCostProfile { StepsMultiplier = 2, StepsExtraMetres = 10 });

        Assert.Equal(20f, graph.ArcCostMetres(0));
        Assert.Equal(50f, penalised.ArcCostMetres(0));
        Assert.Equal(50f, penalised.EdgeReverseCostMetres(0));
        Assert.Equal(20f, penalised.EdgeLengthMetres(0));
    }
}
