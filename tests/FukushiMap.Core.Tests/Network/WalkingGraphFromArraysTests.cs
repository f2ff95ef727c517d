using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

/// <summary>The bulk build from flat arrays (what a prepared city read from disk holds) gives the graph the per-edge builder gives.</summary>
public class WalkingGraphFromArraysTests(UbeWalkNetwork ube) : IClassFixture<UbeWalkNetwork>
{
    /// <summary>The graph's own node and edge arrays, copied (the bulk build takes its arrays over).</summary>
    private static (WalkingGraphNodes Nodes, WalkingGraphEdges Edges) ArraysOf(WalkingGraph g) =>
        (new WalkingGraphNodes([.. g.NodeIds], [.. g.NodeXs], [.. g.NodeYs]),
         new WalkingGraphEdges([.. g.EdgeSources], [.. g.EdgeTargets], [.. g.EdgeLengths], [.. g.EdgeInputForward],
             [.. g.EdgeInputReverse], [.. g.EdgeSteps], [.. g.GeometryOffsets], [.. g.GeometryXs], [.. g.GeometryYs]));

    private static void AssertSameGraph(WalkingGraph expected, WalkingGraph actual)
    {
        Assert.Equal(expected.NodeIds, actual.NodeIds);
        Assert.Equal(expected.NodeXs, actual.NodeXs);
        Assert.Equal(expected.NodeYs, actual.NodeYs);
        Assert.Equal(expected.FirstArcs, actual.FirstArcs);
        Assert.Equal(expected.CopyArcTargets(), actual.CopyArcTargets());
        Assert.Equal(expected.CopyArcCosts(), actual.CopyArcCosts());
        Assert.Equal(expected.ArcEdgeDirs, actual.ArcEdgeDirs);
        Assert.Equal(expected.EdgeForward, actual.EdgeForward);
        Assert.Equal(expected.EdgeReverse, actual.EdgeReverse);
        Assert.Equal(expected.GeometryOffsets, actual.GeometryOffsets);
        Assert.Equal(expected.GeometryXs, actual.GeometryXs);
        for (int n = 0; n < expected.NodeCount; n++)
        {
            Assert.True(actual.TryGetNodeIndex(expected.NodeId(n), out var found));
            Assert.Equal(n, found);
        }
    }

    [Fact]
    public void TheUbeNetworkFromItsArraysIsTheGraphTheBuilderMade()
    {
        var (nodes, edges) = ArraysOf(ube.Graph);
        AssertSameGraph(ube.Graph, WalkingGraphBuilder.FromArrays(nodes, edges));
    }

    [Fact]
    public void AStepsPenaltyIsAppliedAsTheBuilderAppliesIt()
    {
        var builder = new WalkingGraphBuilder().AddNode(3, 0, 0).AddNode(1, 30, 0).AddNode(2, 30, 40);
        builder.AddUndirectedEdge(3, 1, 30, isSteps: true).AddDirectedEdge(1, 2, 40);
        var profile = new WalkingCostProfile { StepsMultiplier = 3, StepsExtraMetres = 5 };
        var built = builder.Build(profile);
        var (nodes, edges) = ArraysOf(built);
        // Ids not in ascending order (3, 1, 2): still found by id.
        AssertSameGraph(built, WalkingGraphBuilder.FromArrays(nodes, edges, profile));
    }

    [Fact]
    public void BadArraysAreRejectedNamingTheFault()
    {
        WalkingGraphEdges Edges(int target, float forward, float reverse) =>
            new([0], [target], [10], [forward], [reverse], [false], [0, 0], [], []);
        var nodes = () => new WalkingGraphNodes([1, 2], [0, 10], [0, 0]);

        Assert.Contains("node index 5", Assert.Throws<NetworkDataException>(() => WalkingGraphBuilder.FromArrays(nodes(), Edges(5, 10, 10))).Message);
        Assert.Contains("neither direction", Assert.Throws<NetworkDataException>(() => WalkingGraphBuilder.FromArrays(nodes(), Edges(1, -1, float.NaN))).Message);
        Assert.Contains("declared twice", Assert.Throws<NetworkDataException>(() =>
            WalkingGraphBuilder.FromArrays(new WalkingGraphNodes([2, 2], [0, 10], [0, 0]), Edges(1, 10, 10))).Message);
        Assert.Contains("differ in length", Assert.Throws<NetworkDataException>(() =>
            WalkingGraphBuilder.FromArrays(nodes(), new WalkingGraphEdges([0], [1], [10, 20], [10], [10], [false], [0, 0], [], []))).Message);
        Assert.Contains("non-finite", Assert.Throws<NetworkDataException>(() =>
            WalkingGraphBuilder.FromArrays(new WalkingGraphNodes([1, 2], [0, double.NaN], [0, 0]), Edges(1, 10, 10))).Message);
    }
}
