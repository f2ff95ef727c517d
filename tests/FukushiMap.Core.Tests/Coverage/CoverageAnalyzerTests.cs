using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;
using static FukushiMap.Core.Tests.Coverage.CoverageFixtures;

namespace FukushiMap.Core.Tests.Coverage;

/// <summary>
/// Situation: the 9 × 9 grid of 100 m blocks, one unit of 10,000 people spread over every street (about 17 people every 25 m).
/// On a full grid the walk from a hub at a crossing to a point on a street is the Manhattan distance.
/// </summary>
public class CoverageAnalyzerTests
{
    private static (WalkingGraph Graph, NetworkSnapper Snapper, PopulationPlacement Placement, CoverageAnalyzer Analyzer) Setup()
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, [Unit("A", 10_000, 400, 400)]);
        return (graph, snapper, placement, new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement));
    }

    [Theory]
    [InlineData(0, 0, 250)]
    [InlineData(400, 400, 320)]
    [InlineData(300, 500, 810)]
    public void APlacementIsCoveredExactlyWhenItsWalkToAHubIsWithinTheBudget(double hx, double hy, double budget)
    {
        var (_, snapper, placement, analyzer) = Setup();
        var result = analyzer.Analyze([HubAt(snapper, hx, hy)], budget);
        for (int i = 0; i < placement.Count; i++)
        {
            var at = placement.Position(i);
            double manhattan = Math.Abs(at.X - hx) + Math.Abs(at.Y - hy);
            Assert.Equal(manhattan <= budget, result.IsCovered(i));
            Assert.Equal(manhattan, result.NearestMetres[i], 2);
        }
    }

    [Fact]
    public void WalkingCoverageNeverExceedsStraightLineCoverage()
    {
        var (_, snapper, placement, analyzer) = Setup();
        var random = new Random(11);
        for (int round = 0; round < 20; round++)
        {
            // Hubs anywhere, on or off the streets.
            var hubs = Enumerable.Range(0, random.Next(1, 5)).Select(_ => HubAt(snapper, random.NextDouble() * 800, random.NextDouble() * 800)).ToList();
            var result = analyzer.Analyze(hubs, 50 + random.NextDouble() * 900);
            for (int i = 0; i < placement.Count; i++)
                Assert.True(!result.IsCovered(i) || result.IsStraightCovered(i), $"placement {i} covered by walking but not in a straight line");
            Assert.True(Covered(result) <= StraightCovered(result));
        }
    }

    [Fact]
    public void AHubsUniqueContributionIsWhatOnlyItCovers()
    {
        var (_, snapper, _, analyzer) = Setup();
        // Two hubs far apart share nobody; a third on top of the first shares everything with it.
        var result = analyzer.Analyze([HubAt(snapper, 0, 0), HubAt(snapper, 800, 800), HubAt(snapper, 0, 0)], 300);
        Assert.Equal(0, result.HubUniquePeople[0]);
        Assert.Equal(0, result.HubUniquePeople[2]);
        Assert.Equal(result.HubNetworkPeople[1], result.HubUniquePeople[1]);
        Assert.Equal(result.HubNetworkPeople[0], result.HubNetworkPeople[2]);
        Assert.Equal(Covered(result), result.HubNetworkPeople[0] + result.HubUniquePeople[1]);
    }

    [Fact]
    public void AHubOffTheNetworkCoversNobodyByWalkingButStillCountsInAStraightLine()
    {
        var (_, snapper, _, analyzer) = Setup();
        var far = HubAt(snapper, -700, 400); // 700 m west of the grid, beyond the 500 m snap limit
        Assert.False(far.Snap.IsOnNetwork);
        var result = analyzer.Analyze([far], 800);
        Assert.Equal(0, Covered(result));
        Assert.True(StraightCovered(result) > 0);
    }

    [Fact]
    public void MovingOneHubChangesOnlyPlacementsWithinReachOfItsOldOrNewPlace()
    {
        var (_, snapper, placement, analyzer) = Setup();
        var before = analyzer.Analyze([HubAt(snapper, 100, 100), HubAt(snapper, 700, 700)], 300);
        var after = analyzer.Analyze([HubAt(snapper, 100, 100), HubAt(snapper, 700, 400)], 300);
        int changed = 0;
        for (int i = 0; i < placement.Count; i++)
        {
            if (before.IsCovered(i) == after.IsCovered(i)) continue;
            changed++;
            var at = placement.Position(i);
            double fromOld = at.Distance(new Coordinate(700, 700)), fromNew = at.Distance(new Coordinate(700, 400));
            Assert.True(Math.Min(fromOld, fromNew) <= 300, $"placement at {at} changed though it is far from the moved hub");
        }
        Assert.True(changed > 0);
    }

    [Fact]
    public void PeopleWithoutNetworkAreNeitherCoveredNorUncovered()
    {
        var (_, snapper, boundary) = Grid();
        var placement = Place(snapper, null, [Unit("A", 100, 400, 400, area: 160_000), Unit("Far", 50, 5000, 5000, area: 160_000)]);
        var result = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(snapper.Graph), placement).Analyze([HubAt(snapper, 400, 400)], 100_000);
        var summary = CoverageSummary.Summarise(result, Enumerable.Range(0, placement.Count).Select(placement.Unit).ToArray(), 2, [0]);
        Assert.Equal(100, summary.Total.Covered);
        Assert.Equal(0, summary.Total.Uncovered);
        Assert.Equal(50, summary.Total.NoNetwork);
        _ = boundary;
    }
}

public class CoverageGraphTests
{
    [Fact]
    public void AnEdgeStatedShorterThanItsDrawnLineCostsItsDrawnLength()
    {
        // Situation: 0 ——— 1 drawn 100 m long, stated 99.5 m (a sphere's great circle); 1 ——— 2 drawn 100 m, stated 120 m.
        var graph = new WalkingGraphBuilder()
            .AddNode(0, 0, 0).AddNode(1, 100, 0).AddNode(2, 200, 0)
            .AddUndirectedEdge(0, 1, 99.5).AddUndirectedEdge(1, 2, 120).Build();
        var floored = CoverageGraph.WithPlaneLengthFloor(graph);
        Assert.True(floored.EdgeForwardCostMetres(0) >= 100);
        Assert.Equal(100, floored.EdgeForwardCostMetres(0), 3);
        Assert.Equal(120, floored.EdgeForwardCostMetres(1), 3);
        Assert.Equal(graph.NodeCount, floored.NodeCount);
        Assert.True(floored.TryGetNodeIndex(2, out var n) && n == 2);
    }
}
