using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using NetTopologySuite.Geometries;
using static FukushiMap.Core.Tests.Siting.SitingFixtures;

namespace FukushiMap.Core.Tests.Siting;

/// <summary>Situation: the 5 × 5 grid of 100 m blocks of <see cref="SitingFixtures.Grid"/>; a hub at (0, 0); every crossing a candidate.</summary>
public class NetworkSitingBuilderTests
{
    [Fact]
    public void EveryPairIsTheWalkAlongTheStreetsAndNothingBeyondTheBoundIsStored()
    {
        var (network, graph, placement, candidates) = Grid(250);
        var instance = network.Instance;
        Assert.Equal(25, candidates.Count);
        Assert.Equal(placement.Count, instance.DemandCount); // everyone is on a street here
        for (int d = 0; d < instance.DemandCount; d++)
        {
            var at = placement.Position(network.PlacementOfDemand[d]);
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            for (int k = 0; k < facilities.Length; k++)
            {
                var site = facilities[k] == 0 ? new Coordinate(0, 0) : candidates[facilities[k] - 1].Point;
                // On a full grid the walk from a crossing to a point on a street is the Manhattan distance.
                Assert.Equal(Math.Abs(at.X - site.X) + Math.Abs(at.Y - site.Y), costs[k], 2);
                Assert.True(costs[k] <= 250);
            }
            // And every crossing within 250 m is there.
            int within = candidates.Count(c => Math.Abs(at.X - c.Point.X) + Math.Abs(at.Y - c.Point.Y) <= 250 - 0.01);
            Assert.True(facilities.ToArray().Count(f => f > 0) >= within);
        }
        Assert.True(graph.NodeCount == 25);
    }

    [Fact]
    public void CoveredPeopleAreThoseTheCoverageAnalysisCounts()
    {
        var (network, graph, placement, candidates) = Grid(250);
        var snapper = new NetworkSnapper(graph);
        var added = new[] { 13, 25 }; // candidates 12 and 24 (facility = candidate + 1): crossings (200, 200) and (400, 400)
        var evaluation = SitingEvaluation.Evaluate(network.Instance, added, 250);

        var hubs = new[] { new Coordinate(0, 0), candidates[12].Point, candidates[24].Point }
            .Select(c => new CoverageHub(c, snapper.Snap(c))).ToList();
        var coverage = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement).Analyze(hubs, 250);

        long expected = Enumerable.Range(0, placement.Count).Where(coverage.IsCovered).Sum(i => (long)placement.PeopleAt(i));
        Assert.Equal(expected, evaluation.CoveredPeople);
        Assert.Equal(1750, network.Instance.TotalPeople);
    }
}
