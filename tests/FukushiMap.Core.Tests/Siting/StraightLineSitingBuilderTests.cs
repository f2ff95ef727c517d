using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using NetTopologySuite.Geometries;
using static FukushiMap.Core.Tests.Coverage.CoverageFixtures;

namespace FukushiMap.Core.Tests.Siting;

/// <summary>
/// Where there is no walking network, siting measures by straight line (「直線距離（道路データなし）」) from the 町丁・字's
/// representative points, with the coverage analysis' radius rule.
/// </summary>
public class StraightLineSitingBuilderTests
{
    /// <summary>
    /// Situation: no network data; 40 町丁 scattered at random over 3 km × 2 km (population 0–300, 65+ a fifth of them),
    /// two hubs, and the 町丁's points as candidates.
    /// </summary>
    private static (PopulationPlacement Placement, PopulationUnitInput[] Units, Coordinate[] Hubs, List<CandidateSite> Candidates) Town(int seed)
    {
        var random = new Random(seed);
        var units = Enumerable.Range(0, 40).Select(k =>
        {
            int people = k % 7 == 0 ? 0 : random.Next(1, 301);
            return Unit($"u{k}", people, Math.Round(random.NextDouble() * 3000, 2), Math.Round(random.NextDouble() * 2000, 2), bands: [people / 5]);
        }).ToArray();
        var empty = new WalkingGraphBuilder().Build();
        var placement = Place(new NetworkSnapper(empty), Factory.ToGeometry(new Envelope(-100, 3100, -100, 2100)), units,
            new PlacementOptions { BandNames = ["65歳以上"] });
        return (placement, units, [new Coordinate(500, 500), new Coordinate(2600, 1700)], CandidateSites.SampleUnitPoints(units, 20));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 800)]
    [InlineData(3, 1200)]
    public void EveryPairIsThePlaneDistanceAndEveryPairWithinTheBoundIsThere(int seed, double bound)
    {
        var (placement, units, hubs, candidates) = Town(seed);
        var sites = hubs.Concat(candidates.Select(c => c.Point)).ToArray();
        var network = StraightLineSitingBuilder.Build(placement, hubs, candidates.Select(c => c.Point).ToList(), bound);
        var instance = network.Instance;

        // Everyone is a demand point (no network data anywhere), at their 町丁's point.
        Assert.Equal(placement.Count, instance.DemandCount);
        Assert.Equal(units.Sum(u => (double)u.Population), instance.TotalPeople);
        Assert.Equal(hubs.Length, instance.ExistingCount);
        for (int d = 0; d < instance.DemandCount; d++)
        {
            var at = units[placement.Unit(network.PlacementOfDemand[d])].Point;
            var expected = Enumerable.Range(0, sites.Length)
                .Select(f => (Facility: f, Metres: Math.Sqrt((at.X - sites[f].X) * (at.X - sites[f].X) + (at.Y - sites[f].Y) * (at.Y - sites[f].Y))))
                .Where(p => p.Metres <= bound).OrderBy(p => p.Facility).ToList();
            var facilities = instance.FacilitiesOf(d).ToArray();
            var costs = instance.CostsOf(d).ToArray();
            var found = facilities.Zip(costs).OrderBy(p => p.First).ToList();
            Assert.Equal(expected.Select(e => e.Facility), found.Select(p => p.First));
            for (int k = 0; k < expected.Count; k++) Assert.Equal(expected[k].Metres, found[k].Second, 0.001);
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(800)]
    public void CoveredPeopleAreThoseTheCoverageAnalysisCountsByStraightLine(double radius)
    {
        var (placement, _, hubs, candidates) = Town(7);
        var reach = CoverageAnalyzer.StraightReachMetres(radius);
        var network = StraightLineSitingBuilder.Build(placement, hubs, candidates.Select(c => c.Point).ToList(), reach);
        var added = new[] { hubs.Length + 3, hubs.Length + 11 };
        var evaluation = SitingEvaluation.Evaluate(network.Instance, added, reach);

        var empty = new WalkingGraphBuilder().Build();
        var snapper = new NetworkSnapper(empty);
        var all = hubs.Concat(added.Select(f => candidates[f - hubs.Length].Point)).Select(c => new CoverageHub(c, snapper.Snap(c))).ToList();
        var coverage = new CoverageAnalyzer(empty, placement).Analyze(all, budgetMetres: 0, straightRadiusMetres: radius);
        long expected = Enumerable.Range(0, placement.Count).Where(coverage.IsStraightCovered).Sum(i => (long)placement.PeopleAt(i));
        Assert.Equal(expected, (long)Math.Round(evaluation.CoveredPeople));
    }

    [Fact]
    public void ThePeopleOnTheNetworkAreLeftToTheWalkingInstance()
    {
        // A 3 × 3 street grid and, 2 km east, a village with no network data: only the village is a straight-line demand.
        // Each 町丁's published area is a circle of 100 m, so the town's cell lies inside the network data's extent.
        var graph = GridNetwork.Create(3, 3, 100);
        double area = Math.PI * 100 * 100;
        var units = new[] { Unit("town", 300, 100, 100, area), Unit("village", 40, 2100, 100, area) };
        var placement = Place(new NetworkSnapper(graph), Factory.ToGeometry(new Envelope(-50, 2300, -50, 250)), units);
        var network = StraightLineSitingBuilder.Build(placement, [], [new Coordinate(2000, 100)], 800);

        var demand = Assert.Single(Enumerable.Range(0, network.Instance.DemandCount));
        Assert.Equal(PlacementKind.NoNetwork, placement.Kind(network.PlacementOfDemand[demand]));
        Assert.Equal(40, network.Instance.PeopleAt(demand));
        Assert.Equal(100, network.Instance.CostsOf(demand)[0], 0.001);
    }

    [Fact]
    public void ThePointsOfUnitsWhereNobodyLivesAreNoCandidatesAndUnitsSharingAPointGiveOne()
    {
        var units = new[] { Unit("a", 10, 0, 0), Unit("b", 0, 500, 0), Unit("c", 5, 1000, 0), Unit("d", 7, 1000, 0), Unit("e", 3, 1010, 0) };
        var sites = CandidateSites.SampleUnitPoints(units, 5);
        Assert.Equal([new Coordinate(0, 0), new Coordinate(1000, 0), new Coordinate(1010, 0)], sites.Select(s => s.Point));
        Assert.All(sites, s => Assert.Equal(CandidateSource.UnitPoint, s.Source));
        // Thinned like the network nodes: one per spacing square, the one nearest its centre.
        Assert.Equal([new Coordinate(0, 0), new Coordinate(1010, 0)], CandidateSites.SampleUnitPoints(units, 200).Select(s => s.Point));
    }

    [Fact]
    public void TooManyPairsStopTheBuild()
    {
        var (placement, _, hubs, candidates) = Town(4);
        Assert.Throws<SitingInstanceTooLargeException>(() =>
            StraightLineSitingBuilder.Build(placement, hubs, candidates.Select(c => c.Point).ToList(), 5000, maxPairs: 100));
    }
}
