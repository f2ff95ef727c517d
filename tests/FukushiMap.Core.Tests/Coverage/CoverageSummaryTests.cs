using FukushiMap.Core.Coverage;
using NetTopologySuite.Geometries;
using static FukushiMap.Core.Tests.Coverage.CoverageFixtures;

namespace FukushiMap.Core.Tests.Coverage;

/// <summary>
/// Situation: the 9 × 9 grid of 100 m blocks cut into two districts at x = 300 (west: 0–300, east: 300–800);
/// unit A (1,000 people) sits on the cut and straddles both, unit B (500) lies wholly in the east.
/// </summary>
public class CoverageSummaryTests
{
    private static readonly Geometry West = Factory.ToGeometry(new Envelope(-50, 300, -50, 850));
    private static readonly Geometry East = Factory.ToGeometry(new Envelope(300, 850, -50, 850));

    private static (PopulationPlacement Placement, CoverageResult Result, int[] Districts, CoverageSummary Summary) Run(double threshold = 20_000)
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, [Unit("A", 1000, 300, 400, area: 200_000), Unit("B", 500, 700, 400, area: 50_000)]);
        var result = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement).Analyze([HubAt(snapper, 200, 400)], 250);
        var locator = new DistrictLocator([West, East]);
        var districts = locator.LocatePlacements(placement);
        var summary = CoverageSummary.Summarise(result, districts, 2, [locator.Locate(new Coordinate(200, 400))], threshold);
        return (placement, result, districts, summary);
    }

    [Fact]
    public void DistrictRowsAddUpToTheTotalAndTheTotalToThePopulation()
    {
        var (_, _, _, summary) = Run();
        var t = summary.Total;
        Assert.Equal(1500, t.Population);
        Assert.Equal(t.Population, t.Covered + t.Uncovered + t.NoNetwork);
        Assert.Equal(t.Population, t.StraightCovered + t.StraightUncovered);
        Assert.Equal(t.Population, summary.Districts.Sum(d => d.Figures.Population));
        Assert.Equal(t.Covered, summary.Districts.Sum(d => d.Figures.Covered));
        Assert.Equal(t.Uncovered, summary.Districts.Sum(d => d.Figures.Uncovered));
    }

    [Fact]
    public void AUnitStraddlingDistrictsIsSplitWhereItsPeopleWerePlaced()
    {
        var (placement, _, districts, summary) = Run();
        var aWest = Enumerable.Range(0, placement.Count).Where(i => placement.Unit(i) == 0 && districts[i] == 0).Sum(placement.PeopleAt);
        var aEast = Enumerable.Range(0, placement.Count).Where(i => placement.Unit(i) == 0 && districts[i] == 1).Sum(placement.PeopleAt);
        Assert.True(aWest > 0 && aEast > 0, $"west {aWest}, east {aEast}");
        Assert.Equal(1000, aWest + aEast);
        Assert.Equal(aWest, summary.Districts[0].Figures.Population);
        Assert.Equal(aEast + 500, summary.Districts[1].Figures.Population);
    }

    [Fact]
    public void TheRulesFlagDistrictsWithoutHubsAndTooManyResidentsPerHub()
    {
        var (_, _, _, summary) = Run(threshold: 500);
        var west = summary.Districts[0];
        var east = summary.Districts[1];
        Assert.Equal(1, west.Hubs);
        Assert.False(west.NoHub);
        Assert.Equal(west.Figures.Population, west.ResidentsPerHub);
        Assert.Equal(west.Figures.Population > 500, west.OverThreshold);
        Assert.Equal(0, east.Hubs);
        Assert.True(east.NoHub);
        Assert.True(east.OverThreshold);                     // more than 500 residents and no hub at all
        Assert.Equal((int)Math.Ceiling(east.Figures.Population / 500.0), east.HubsShortOfThreshold);
    }
}

public class DistrictLocatorTests
{
    [Fact]
    public void APointGoesToTheDistrictHoldingItThenToTheNearest()
    {
        var locator = new DistrictLocator([Factory.ToGeometry(new Envelope(0, 10, 0, 10)), Factory.ToGeometry(new Envelope(10, 20, 0, 10))]);
        Assert.Equal(0, locator.Locate(new Coordinate(5, 5)));
        Assert.Equal(1, locator.Locate(new Coordinate(15, 5)));
        Assert.Equal(0, locator.Locate(new Coordinate(10, 5)));   // on the shared edge: the lower-numbered district
        Assert.Equal(1, locator.Locate(new Coordinate(30, 5)));   // outside every district: the nearest
        Assert.Equal(-1, new DistrictLocator([]).Locate(new Coordinate(0, 0)));
    }
}

public class GapFinderTests
{
    [Fact]
    public void GapsHoldEveryUncoveredPersonRankedByUncoveredPeopleWithTheWalkToTheNearestHub()
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, [Unit("West", 3000, 100, 400, area: 90_000), Unit("East", 1000, 700, 400, area: 90_000)]);
        var result = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement).Analyze([HubAt(snapper, 400, 400)], 150);
        var gaps = GapFinder.Find(result);
        long uncovered = Enumerable.Range(0, placement.Count).Where(i => !result.IsCovered(i)).Sum(i => (long)placement.PeopleAt(i));
        Assert.True(gaps.Count >= 2);
        Assert.Equal(uncovered, gaps.Sum(g => g.People));
        Assert.True(gaps.Zip(gaps.Skip(1)).All(p => p.First.People >= p.Second.People));
        Assert.Equal(0, gaps[0].Units[0]); // the most populous gap is the western unit's
        foreach (var g in gaps)
        {
            Assert.True(g.NearestMetres > 150 && g.NearestMetres <= g.FarthestMetres);
            Assert.Equal(0, g.NearestHub);
            Assert.True(g.Area.Area > 0 && g.Area.IsValid);
        }
    }

    [Fact]
    public void GapsAreRankedByTheChosenBandFirst()
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary,
            [Unit("Young", 3000, 100, 400, 90_000, [2000, 900, 100]), Unit("Old", 1000, 700, 400, 90_000, [50, 350, 600])],
            new PlacementOptions { BandNames = ["0-14", "15-64", "65+"] });
        var result = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement).Analyze([HubAt(snapper, 400, 400)], 150);
        var gaps = GapFinder.Find(result, new GapOptions { RankBand = 2 });
        Assert.Equal(1, gaps[0].Units[0]);
        Assert.True(gaps.Zip(gaps.Skip(1)).All(p => p.First.Bands[2] >= p.Second.Bands[2]));
    }

    [Fact]
    public void EverybodyCoveredMeansNoGaps()
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, [Unit("A", 500, 400, 400)]);
        var result = new CoverageAnalyzer(CoverageGraph.WithPlaneLengthFloor(graph), placement).Analyze([HubAt(snapper, 400, 400)], 2000);
        Assert.Empty(GapFinder.Find(result));
    }
}
