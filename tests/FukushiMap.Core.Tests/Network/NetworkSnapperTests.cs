using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class NetworkSnapperTests
{
    // Situation:
    //   (0) ----------------------- (1)     one 1000 m street along the x axis
    //            * (300, 40)
    [Fact]
    public void APointNearAStreetSnapsOntoThePerpendicularFoot()
    {
        var graph = GridNetwork.Create(2, 1, 1000);

        var snap = new NetworkSnapper(graph).Snap(300, 40);

        Assert.True(snap.IsOnNetwork);
        Assert.Equal(0, snap.EdgeIndex);
        Assert.Equal(0.3, snap.Fraction, 9);
        Assert.Equal(300, snap.OffsetMetres, 3);
        Assert.Equal(40, snap.SnapMetres, 9);
        Assert.True(snap.Point!.Equals2D(new Coordinate(300, 0), 1e-9));
    }

    [Fact]
    public void OffsetsFollowABentGeometryAndTheStatedLength()
    {
        // Situation: edge 1→2 runs (0,0)→(0,100)→(100,100), stated length 220 m; point at (50, 130).
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 100)
            .AddUndirectedEdge(1, 2, 220, [new(0, 0), new(0, 100), new(100, 100)]).Build();

        var snap = new NetworkSnapper(graph).Snap(50, 130);

        Assert.Equal(0.75, snap.Fraction, 9);
        Assert.Equal(165, snap.OffsetMetres, 3);
        Assert.Equal(30, snap.SnapMetres, 9);
    }

    [Fact]
    public void APointBeyondTheMaximumSnapDistanceIsReportedOffNetworkWithItsDistance()
    {
        var graph = GridNetwork.Create(2, 1, 1000);

        var snap = new NetworkSnapper(graph).Snap(300, 800);

        Assert.False(snap.IsOnNetwork);
        Assert.Equal(800, snap.SnapMetres, 9);
        Assert.Equal(0, snap.EdgeIndex);
        Assert.Throws<ArgumentException>(() => SearchOrigin.FromSnap(snap));
    }

    [Fact]
    public void APointFarOutsideTheNetworkStillGetsItsDistance()
    {
        var graph = GridNetwork.Create(3, 3, 100);

        var snap = new NetworkSnapper(graph).Snap(-30_000, 40_000);

        Assert.False(snap.IsOnNetwork);
        Assert.Equal(Math.Sqrt(30_000.0 * 30_000 + 39_800.0 * 39_800), snap.SnapMetres, 6); // to node (0, 200)
    }

    [Fact]
    public void ANetworkWithoutEdgesSnapsNothing()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).Build();

        var snap = new NetworkSnapper(graph).Snap(0, 0);

        Assert.False(snap.IsOnNetwork);
        Assert.Equal(-1, snap.EdgeIndex);
        Assert.True(double.IsPositiveInfinity(snap.SnapMetres));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void SnappingFindsTheSameDistanceAsCheckingEverySegment(int seed)
    {
        var random = new Random(seed);
        var graph = MultiSourceDijkstraTests.RandomGraph(random, nodes: 150, edges: 300);
        var snapper = new NetworkSnapper(graph);
        var factory = new GeometryFactory();
        var lines = Enumerable.Range(0, graph.EdgeCount).Select(e => factory.CreateLineString(graph.GetEdgeGeometry(e))).ToArray();

        for (int i = 0; i < 300; i++)
        {
            var p = new Coordinate(random.NextDouble() * 1400 - 200, random.NextDouble() * 1400 - 200);
            var snap = snapper.Snap(p);
            double brute = lines.Min(l => l.Distance(factory.CreatePoint(p)));
            Assert.Equal(brute, snap.SnapMetres, 6);
            Assert.Equal(brute, lines[snap.EdgeIndex].Distance(factory.CreatePoint(p)), 6);
        }
    }
}
