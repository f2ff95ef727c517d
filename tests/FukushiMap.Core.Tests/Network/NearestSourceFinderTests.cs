using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class NearestSourceFinderTests
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
    //   q at (50, 5): 5 m above the middle of (0)-(1).  A third hub far away (5000, 5000) is off-network.
    private static (WalkingGraph Graph, NetworkSnapper Snapper, NearestSourceFinder Finder) Fixture()
    {
        var graph = GridNetwork.Create(5, 3, 100);
        var snapper = new NetworkSnapper(graph);
        var hubs = new[] { snapper.Snap(0, -10), snapper.Snap(400, 120), snapper.Snap(5000, 5000) };
        return (graph, snapper, new NearestSourceFinder(graph, hubs));
    }

    [Fact]
    public void TheNearestHubsComeNearestFirstWithTheirWalkingMetres()
    {
        var (_, snapper, finder) = Fixture();

        var found = finder.Find(snapper.Snap(50, 5), count: 5, maxMetres: 2000);

        Assert.Equal([0, 1], found.Select(f => f.SourceIndex)); // hub 2 is off-network and never found
        Assert.Equal(5 + 50 + 10, found[0].WalkMetres, 3);
        Assert.Equal(5 + 350 + 120, found[1].WalkMetres, 3);
    }

    [Fact]
    public void TheRouteRunsFromTheQueryPointAlongTheStreetsToTheHub()
    {
        var (_, snapper, finder) = Fixture();

        var route = finder.Find(snapper.Snap(50, 5), count: 1, maxMetres: 2000)[0].Path;

        Assert.Equal([new(50, 5), new(50, 0), new(0, 0), new(0, -10)], route);
    }

    [Fact]
    public void ARouteToAFartherHubFollowsThePredecessorChain()
    {
        var (_, snapper, finder) = Fixture();

        var found = finder.Find(snapper.Snap(50, 5), count: 2, maxMetres: 2000)[1];

        var line = new LineString(found.Path);
        Assert.Equal(found.WalkMetres, line.Length, 3);
        Assert.True(found.Path[0].Equals2D(new Coordinate(50, 5)));
        Assert.True(found.Path[^1].Equals2D(new Coordinate(400, 120)));
    }

    [Fact]
    public void HubsBeyondTheLimitAreNotReturned()
    {
        var (_, snapper, finder) = Fixture();

        var found = finder.Find(snapper.Snap(50, 5), count: 5, maxMetres: 100);

        Assert.Equal([0], found.Select(f => f.SourceIndex));
    }

    [Fact]
    public void AHubOnTheSameStreetIsReachedDirectly()
    {
        // Situation: one 1000 m street; query at 100 m, hub at 900 m, both on the street.
        var graph = GridNetwork.Create(2, 1, 1000);
        var snapper = new NetworkSnapper(graph);
        var finder = new NearestSourceFinder(graph, [snapper.Snap(900, 0)]);

        var found = finder.Find(snapper.Snap(100, 0), 1, 5000).Single();

        Assert.Equal(800, found.WalkMetres, 3);
        Assert.Equal([new(100, 0), new(900, 0)], found.Path);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void TheNearestHubAgreesWithAMultiSourceSearchFromAllHubs(int seed)
    {
        var random = new Random(seed);
        var graph = GridNetwork.Create(20, 20, 50);
        var snapper = new NetworkSnapper(graph);
        var hubs = Enumerable.Range(0, 8).Select(_ => snapper.Snap(random.NextDouble() * 950, random.NextDouble() * 950)).ToArray();
        var finder = new NearestSourceFinder(graph, hubs);
        var search = new MultiSourceDijkstra(graph);
        search.Run(hubs.Select(SearchOrigin.FromSnap).ToArray(), 3000);

        for (int i = 0; i < 50; i++)
        {
            var point = snapper.Snap(random.NextDouble() * 950, random.NextDouble() * 950);
            var nearest = finder.Find(point, 3, 3000);
            float expected = search.MetresTo(point, out _);
            Assert.Equal(expected, nearest[0].WalkMetres, 2);
            Assert.True(nearest.Zip(nearest.Skip(1)).All(p => p.First.WalkMetres <= p.Second.WalkMetres));
            Assert.Equal(nearest[0].WalkMetres, new LineString(nearest[0].Path).Length, 2);
        }
    }
}
