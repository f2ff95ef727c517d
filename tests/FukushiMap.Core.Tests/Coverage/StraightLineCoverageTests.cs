using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;
using static FukushiMap.Core.Tests.Coverage.CoverageFixtures;

namespace FukushiMap.Core.Tests.Coverage;

/// <summary>
/// Where there is no network data the analyses answer by straight-line distance (「直線距離（道路データなし）」), never mixed
/// silently with walking figures.
/// </summary>
public class StraightLineCoverageTests
{
    /// <summary>Situation: a town with no network data at all; six 町丁 on a line 300 m apart, 100 people each, two hubs.</summary>
    private static (PopulationPlacement Placement, CoverageAnalyzer Analyzer, NetworkSnapper Snapper, PopulationUnitInput[] Units) Town()
    {
        var empty = new WalkingGraphBuilder().Build();
        var snapper = new NetworkSnapper(empty);
        var units = Enumerable.Range(0, 6).Select(k => Unit($"u{k}", 100 + k, 300 * k, 0, bands: [10 * k])).ToArray();
        var boundary = Factory.ToGeometry(new Envelope(-200, 1700, -300, 300));
        var placement = Place(snapper, boundary, units, new PlacementOptions { BandNames = ["65歳以上"] });
        return (placement, new CoverageAnalyzer(empty, placement), snapper, units);
    }

    [Fact]
    public void WithoutNetworkDataEveryoneIsCountedAtTheirUnitsPointAsNoNetwork()
    {
        var (placement, _, _, units) = Town();
        Assert.All(Enumerable.Range(0, placement.Count), i => Assert.Equal(PlacementKind.NoNetwork, placement.Kind(i)));
        Assert.Equal(units.Sum(u => (long)u.Population), placement.TotalPeople);
        for (int i = 0; i < placement.Count; i++)
        {
            Assert.Equal(units[placement.Unit(i)].Point, placement.Position(i));
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(800)]
    [InlineData(250)]
    public void AUnitIsCoveredExactlyWhenItsPointIsWithinTheRadiusOfAHub(double radius)
    {
        var (placement, analyzer, snapper, units) = Town();
        var hubs = new[] { HubAt(snapper, 0, 100), HubAt(snapper, 1200, -50) };
        var result = analyzer.Analyze(hubs, budgetMetres: 10_000, straightRadiusMetres: radius);
        var summary = CoverageSummary.Summarise(result, new int[placement.Count], 1, [0, 0]);

        long expected = units.Where(u => hubs.Any(h => h.Point.Distance(u.Point) <= radius)).Sum(u => (long)u.Population);
        Assert.Equal(expected, summary.Total.NoNetworkStraightCovered);
        Assert.Equal(summary.Total.NoNetwork - expected, summary.Total.NoNetworkStraightUncovered);
        Assert.Equal(0, summary.Total.Covered + summary.Total.Uncovered);
        Assert.Equal(DistanceMethod.StraightLine, summary.Total.Method);
        for (int i = 0; i < placement.Count; i++)
        {
            var at = placement.Position(i);
            var nearest = hubs.Select(h => h.Point.Distance(at)).Min();
            Assert.Equal(nearest, result.StraightNearestMetres[i], 0.01);
            Assert.Equal(nearest, hubs[result.StraightNearestHub[i]].Point.Distance(at), 0.01);
        }
    }

    [Fact]
    public void StraightLineGapsAreTheUncoveredUnitsMeasuredAsTheCrowFlies()
    {
        var (placement, analyzer, snapper, units) = Town();
        var hub = HubAt(snapper, 0, 0);
        var result = analyzer.Analyze([hub], budgetMetres: 10_000, straightRadiusMetres: 500);

        var gaps = GapFinder.FindAll(result, new GapOptions { RankBand = 0 }, Factory);
        var uncovered = units.Where(u => u.Point.Distance(hub.Point) > 500).ToList();
        Assert.Equal(uncovered.Count, gaps.Count);
        Assert.All(gaps, g => Assert.True(g.StraightLine));
        Assert.Equal(uncovered.Sum(u => (long)u.Population), gaps.Sum(g => g.People));
        // Ranked by the 65+ band first: the farthest units have the most older people here.
        Assert.Equal(gaps.OrderByDescending(g => g.Bands[0]).Select(g => g.People), gaps.Select(g => g.People));
        foreach (var g in gaps)
        {
            var unit = units[g.Units.Single()];
            Assert.Equal(unit.Point.Distance(hub.Point), g.NearestMetres, 0.01);
            Assert.True(g.Area.Covers(Factory.CreatePoint(unit.Point)));
        }
    }

    [Fact]
    public void WhereANetworkCoversPartOfTheCityBothAreCountedForTheirParts()
    {
        // A 5 × 5 street grid (0–400 m) and, 2 km east, a village with no network data.
        var (graph, snapper, _) = Grid(5, 5);
        var boundary = Factory.ToGeometry(new Envelope(-50, 3000, -50, 450));
        var units = new[] { Unit("town", 500, 200, 200), Unit("village", 80, 2600, 200) };
        var placement = Place(snapper, boundary, units);
        var analyzer = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement);
        var hubs = new[] { HubAt(snapper, 200, 200), new CoverageHub(new Coordinate(2700, 200), snapper.Snap(2700, 200)) };

        var result = analyzer.Analyze(hubs, budgetMetres: 5_000, straightRadiusMetres: 800);
        var summary = CoverageSummary.Summarise(result, new int[placement.Count], 1, [0, 0]);
        var total = summary.Total;

        Assert.Equal(DistanceMethod.Mixed, total.Method);
        Assert.True(total.NoNetwork > 0 && total.Covered > 0);
        // Every person is in exactly one part: walking (covered/uncovered) or straight line (no network data).
        Assert.Equal(total.Population, total.Covered + total.Uncovered + total.NoNetworkStraightCovered + total.NoNetworkStraightUncovered);
        long noNetworkPeople = Enumerable.Range(0, placement.Count).Where(i => placement.Kind(i) == PlacementKind.NoNetwork)
            .Sum(i => (long)placement.PeopleAt(i));
        Assert.Equal(noNetworkPeople, total.NoNetworkStraightCovered);
    }
}
