using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class HubDistanceTableTests(UbeWalkNetwork ube) : IClassFixture<UbeWalkNetwork>
{
    // Situation (100 m grid, 5 × 3 nodes; H = hubs, q = query point):
    //
    //   (10)--(11)--(12)--(13)--(14)
    //    |     |     |     |     |
    //    |     |     |     |     H1   at (400, 120): on the street (9)-(14), 20 m above (9)
    //   (5)---(6)---(7)---(8)---(9)
    //    |     |     |     |     |
    //   (0)-q-(1)---(2)---(3)---(4)
    //    H0                           at (0, -10): 10 m below (0)
    //   q at (50, 5): 5 m above the middle of (0)-(1).
    private static (WalkingGraph Graph, NetworkSnapper Snapper, HubDistanceTable H0, HubDistanceTable H1) Fixture()
    {
        var graph = GridNetwork.Create(5, 3, 100);
        var snapper = new NetworkSnapper(graph);
        return (graph, snapper, HubDistanceTable.Build(graph, snapper.Snap(0, -10)), HubDistanceTable.Build(graph, snapper.Snap(400, 120)));
    }

    [Fact]
    public void AQueryCostsItsSnapTheWalkAndTheHubsSnap()
    {
        var (_, snapper, h0, h1) = Fixture();
        var q = snapper.Snap(50, 5);

        Assert.Equal(5 + 50 + 10, h0.MetresFrom(q, out _), 3);
        Assert.Equal(5 + 350 + 120, h1.MetresFrom(q, out _), 3);
    }

    [Fact]
    public void TheRouteRunsFromTheQueryPointAlongTheStreetsToTheHub()
    {
        var (_, snapper, h0, _) = Fixture();
        var q = snapper.Snap(50, 5);
        h0.MetresFrom(q, out var via);

        Assert.Equal([new(50, 5), new(50, 0), new(0, 0), new(0, -10)], h0.Path(q, via));
    }

    [Fact]
    public void ARouteToAFartherHubFollowsTheNextArcsAndIsCutIntoAPiecePerStreet()
    {
        var (graph, snapper, _, h1) = Fixture();
        var q = snapper.Snap(50, 5);
        var metres = h1.MetresFrom(q, out var via);

        var path = h1.PathInto(q, via, new PlanePath());

        var line = new LineString(path.ToCoordinates());
        Assert.Equal(metres, line.Length, 3);
        Assert.Equal((50.0, 5.0), (path.X(0), path.Y(0)));
        Assert.Equal((400.0, 120.0), (path.X(path.Count - 1), path.Y(path.Count - 1)));
        var pieces = path.Pieces().ToList();
        Assert.Equal(PlanePath.OffNetwork, pieces[0].Edge); // q is 5 m off the street
        Assert.Equal(h1.Hub.EdgeIndex, pieces[^1].Edge); // H1 stands on its street: no walk off it
        // Every piece after the first follows one street: its points lie on that edge's line.
        foreach (var (edge, first, last) in pieces.Skip(1))
        {
            var street = new LineString(graph.GetEdgeGeometry(edge));
            for (var i = first; i <= last; i++)
                Assert.True(street.Distance(new Point(path.X(i), path.Y(i))) < 1e-6, $"point {i} off edge {edge}");
        }
        // The pieces join end to start and cover the route.
        Assert.Equal(0, pieces[0].First);
        Assert.Equal(path.Count - 1, pieces[^1].Last);
        Assert.All(pieces.Zip(pieces.Skip(1)), p => Assert.Equal(p.First.Last, p.Second.First));
    }

    [Fact]
    public void AHubOnTheSameStreetIsReachedDirectly()
    {
        // Situation: one 1000 m street; query at 100 m, hub at 900 m, both on the street.
        var graph = GridNetwork.Create(2, 1, 1000);
        var snapper = new NetworkSnapper(graph);
        var table = HubDistanceTable.Build(graph, snapper.Snap(900, 0));
        var q = snapper.Snap(100, 0);

        Assert.Equal(800, table.MetresFrom(q, out var via), 3);
        Assert.Equal(-1, via);
        Assert.Equal([new(100, 0), new(900, 0)], table.Path(q, via));
    }

    [Fact]
    public void OnAOneWayStreetOnlyAQueryBehindTheHubReachesIt()
    {
        // Situation: (0) ====one-way 1000 m===> (1); hub at 300 m; queries at 200 m (behind it) and 400 m (past it).
        var graph = new WalkingGraphBuilder().AddNode(0, 0, 0).AddNode(1, 1000, 0).AddDirectedEdge(0, 1, 1000).Build();
        var snapper = new NetworkSnapper(graph);
        var table = HubDistanceTable.Build(graph, snapper.Snap(300, 0));

        Assert.Equal(100, table.MetresFrom(snapper.Snap(200, 0), out _), 3);
        Assert.True(double.IsPositiveInfinity(table.MetresFrom(snapper.Snap(400, 0), out _)));
        Assert.Equal(300f, table.MetresFromNode(0));
        Assert.True(float.IsPositiveInfinity(table.MetresFromNode(1)));
    }

    [Fact]
    public void AnOffNetworkHubHasNoTable()
    {
        var graph = GridNetwork.Create(2, 1, 100);
        var far = new NetworkSnapper(graph).Snap(5000, 5000);

        Assert.Throws<ArgumentException>(() => HubDistanceTable.Build(graph, far));
        Assert.Throws<ArgumentException>(() => HubDistanceTable.Build(new MultiSourceDijkstra(graph), new NetworkSnapper(graph).Snap(50, 0)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryNodeGetsTheExactMetresOfItsWalkToTheHub(int seed)
    {
        var random = new Random(seed);
        var graph = MultiSourceDijkstraTests.RandomGraph(random, nodes: 120, edges: 260);
        var hub = new NetworkSnapper(graph).Snap(random.NextDouble() * 1000, random.NextDouble() * 1000);
        var search = new MultiSourceDijkstra(graph, SearchDirection.Backward);

        // One search object builds several tables in turn.
        var table = HubDistanceTable.Build(search, hub);
        HubDistanceTable.Build(search, new NetworkSnapper(graph).Snap(500, 500));

        var expected = NaiveDijkstra.ToOrigin(graph, SearchOrigin.OnEdge(hub.EdgeIndex, hub.Fraction));
        for (var v = 0; v < graph.NodeCount; v++)
            Assert.Equal(expected[v], table.MetresFromNode(v));
    }

    [Fact]
    public void OnUbeTheTablesGiveTheSameHubsMetresAndRouteEndsAsASearch()
    {
        // Situation: 宇部市's walking network; 25 hubs and 300 starting points at random over its extent (seeded).
        var graph = ube.Graph;
        var snapper = new NetworkSnapper(graph);
        var extent = graph.NodeExtent();
        var random = new Random(11);
        NetworkSnap RandomSnap() => snapper.Snap(extent.MinX + random.NextDouble() * extent.Width, extent.MinY + random.NextDouble() * extent.Height);
        var snaps = Enumerable.Range(0, 60).Select(_ => RandomSnap()).Where(s => s.IsOnNetwork).Take(25).ToList();
        var backward = new MultiSourceDijkstra(graph, SearchDirection.Backward);
        var tables = snaps.Select(s => HubDistanceTable.Build(backward, s)).ToList();
        var search = new NearestSourceFinder(graph, snaps);

        var compared = 0;
        for (var n = 0; n < 300; n++)
        {
            var from = RandomSnap();
            if (!from.IsOnNetwork)
            {
                continue;
            }
            var expected = search.Find(from, 3, 10_000);
            var actual = tables.Select((t, i) => (i, m: t.MetresFrom(from, out var via), via))
                .Where(r => r.m <= 10_000).OrderBy(r => r.m).ThenBy(r => r.i).Take(3).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var k = 0; k < expected.Count; k++)
            {
                Assert.Equal(expected[k].WalkMetres, actual[k].m, 0.05);
                var path = tables[actual[k].i].Path(from, actual[k].via);
                Assert.True(path[0].Distance(expected[k].Path[0]) < 0.01);
                Assert.True(path[^1].Distance(expected[k].Path[^1]) < 0.01);
                Assert.Equal(new LineString(expected[k].Path).Length, new LineString(path).Length, 1.0);
            }
            compared++;
        }
        Assert.True(compared > 100, $"compared {compared} points");
    }
}
