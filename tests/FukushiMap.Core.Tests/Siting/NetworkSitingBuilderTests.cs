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

/// <summary>Situation: a 3 × 3 grid of 100 m blocks; one 町丁 of 90 people of whom 30 are 65+.</summary>
public class OlderWeightTests
{
    [Fact]
    public void OlderPeopleCountExtraInTheObjectiveButThePeopleReportedStayPeople()
    {
        var graph = GridNetwork.Create(3, 3, 100);
        var snapper = new NetworkSnapper(graph);
        var factory = new GeometryFactory();
        var unit = new PopulationUnitInput("A", "A", 90, new Coordinate(100, 100)) { Bands = [30] };
        var placement = PopulationPlacer.Place(snapper, [unit], PopulationCells.Build([unit], factory.ToGeometry(new Envelope(-50, 250, -50, 250)), factory),
            new PlacementOptions { BandNames = ["65歳以上"] });

        var weighted = NetworkSitingBuilder.Build(graph, placement, [], [snapper.Snap(100, 100)], 1000, olderBand: 0, olderExtraWeight: 1).Instance;

        Assert.Equal(90 + 30, weighted.TotalWeight, 6);
        Assert.Equal(90, weighted.TotalPeople, 6);
        Assert.Equal(30, weighted.TotalOlder, 6);
        var all = SitingEvaluation.Evaluate(weighted, [0], 1000);
        Assert.Equal(90, all.CoveredPeople, 6);
        Assert.Equal(30, all.CoveredOlder, 6);
        Assert.Equal(120, all.CoveredWeight, 6);
    }
}

public class InstanceSizeTests
{
    [Fact]
    public void AnInstanceWithMorePairsThanAllowedIsRefusedBeforeItIsBuilt()
    {
        var graph = GridNetwork.Create(5, 5, 100);
        var snapper = new NetworkSnapper(graph);
        var factory = new GeometryFactory();
        var unit = new PopulationUnitInput("A", "A", 500, new Coordinate(200, 200));
        var placement = PopulationPlacer.Place(snapper, [unit], PopulationCells.Build([unit], factory.ToGeometry(new Envelope(-50, 450, -50, 450)), factory));
        var candidates = CandidateSites.SampleNodes(graph, 50).Select(c => snapper.Snap(c.Point)).ToList();

        var error = Assert.Throws<SitingInstanceTooLargeException>(() => NetworkSitingBuilder.Build(graph, placement, [], candidates, 1000, maxPairs: 100));
        Assert.Equal(100, error.MaxPairs);
        Assert.True(NetworkSitingBuilder.Build(graph, placement, [], candidates, 1000).Instance.PairCount > 100);
    }
}
