using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Siting;

public class CandidateSitesTests
{
    [Theory]
    [InlineData(50, 100)]   // finer than the blocks: every crossing
    [InlineData(200, 25)]   // one crossing per 200 m square
    [InlineData(450, 9)]
    public void NodesAreThinnedToOnePerSquareOfTheSpacing(double spacing, int expected)
    {
        var graph = GridNetwork.Create(10, 10, 100); // crossings at 0, 100, …, 900

        var sites = CandidateSites.SampleNodes(graph, spacing);

        Assert.Equal(expected, sites.Count);
        Assert.Equal(sites.Count, sites.Select(s => (Math.Floor(s.Point.X / spacing), Math.Floor(s.Point.Y / spacing))).Distinct().Count());
        Assert.All(sites, s => Assert.Equal(CandidateSource.NetworkNode, s.Source));
    }

    [Fact]
    public void ACandidateInsideOrOnTheEdgeOfAnExclusionAreaIsDropped()
    {
        var factory = new GeometryFactory();
        var candidates = new[] { (50.0, 50.0), (100, 100), (150, 150), (500, 500) }
            .Select(p => new CandidateSite(new Coordinate(p.Item1, p.Item2), CandidateSource.User, null)).ToList();
        var area = factory.ToGeometry(new Envelope(0, 100, 0, 100)); // (100, 100) is on its corner

        var kept = CandidateSites.Exclude(candidates, [area]);

        Assert.Equal([(150.0, 150.0), (500, 500)], kept.Select(c => (c.Point.X, c.Point.Y)));
    }

    [Fact]
    public void NodesOfAStreetFragmentAwayFromTheNetworkAreNotCandidates()
    {
        // Situation: a 3 × 3 grid and, 5 km away, a lone street of two nodes.
        var builder = new WalkingGraphBuilder();
        var grid = GridNetwork.Create(3, 3, 100);
        for (int n = 0; n < grid.NodeCount; n++) builder.AddNode(grid.NodeId(n), grid.NodeX(n), grid.NodeY(n));
        for (int e = 0; e < grid.EdgeCount; e++)
            builder.AddEdge(grid.NodeId(grid.EdgeSource(e)), grid.NodeId(grid.EdgeTarget(e)), 100, 100, 100);
        builder.AddNode(1001, 5000, 5000);
        builder.AddNode(1002, 5100, 5000);
        builder.AddEdge(1001, 1002, 100, 100, 100);
        var graph = builder.Build();

        var sites = CandidateSites.SampleNodes(graph, 10);

        Assert.Equal(9, sites.Count);
        Assert.All(sites, s => Assert.True(s.Point.X < 1000));
    }
}
