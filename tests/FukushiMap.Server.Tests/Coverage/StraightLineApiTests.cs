using System.Text.Json;
using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>
/// 福津市 has no walking network: coverage, gaps, walking ranges and the finder answer by straight line, labelled
/// 「直線距離（道路データなし）」 everywhere, with figures recomputed here from the census points and the hubs
/// (siting: <see cref="FukushiMap.Server.Tests.Siting.StraightLineSitingTests"/>).
/// </summary>
[Collection(ServerCollection.Name)]
public class StraightLineApiTests(ServerFixture server)
{
    private const string Fukutsu = "40224";
    private const string Label = "直線距離（道路データなし）";

    private async Task<(List<PopulationUnit> Units, List<Hub> Hubs, PlaneProjector Projector)> CityAsync()
    {
        await using var db = server.Database.CreateContext();
        var units = await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == Fukutsu).ToListAsync();
        var hubs = await db.Hubs.AsNoTracking().Where(h => h.MunicipalityCode == Fukutsu && h.RetiredAt == null).OrderBy(h => h.Id).ToListAsync();
        Assert.NotEmpty(units);
        Assert.NotEmpty(hubs);
        Assert.False(await db.ActiveNetworks.AnyAsync(a => a.MunicipalityCode == Fukutsu));
        return (units, hubs, new PlaneProjector(PlaneRectangularZones.SridForMunicipality(Fukutsu)));
    }

    private static double Metres(PlaneProjector projector, Point a, Point b)
    {
        var (ax, ay) = projector.ToPlane(a.X, a.Y);
        var (bx, by) = projector.ToPlane(b.X, b.Y);
        return Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
    }

    [Theory]
    [InlineData("minutes=10&pace=80", 800)]
    [InlineData("minutes=10&pace=80&straight_radius=500", 500)]
    [InlineData("minutes=15&pace=60&straight_radius=800", 800)]
    public async Task CoverageCountsEveryoneByStraightLineAtTheChosenRadius(string query, double radius)
    {
        var (units, hubs, projector) = await CityAsync();
        var report = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Fukutsu}&{query}");

        var totals = report.GetProperty("totals");
        long population = units.Sum(u => (long)u.Population);
        long within = units.Where(u => hubs.Any(h => Metres(projector, u.Point, h.Location) <= radius)).Sum(u => (long)u.Population);
        Assert.Equal(population, totals.GetProperty("population").GetInt64());
        Assert.Equal(population, totals.GetProperty("noNetwork").GetInt64());
        Assert.Equal(0, totals.GetProperty("covered").GetInt64() + totals.GetProperty("uncovered").GetInt64());
        Assert.Equal(within, totals.GetProperty("noNetworkStraightLineCovered").GetInt64());
        Assert.Equal(population - within, totals.GetProperty("noNetworkStraightLineUncovered").GetInt64());
        Assert.Equal("straight-line", totals.GetProperty("distance").GetString());
        Assert.Equal(Label, totals.GetProperty("distanceLabel").GetString());
        Assert.Equal(radius, report.GetProperty("parameters").GetProperty("straightLineMetres").GetDouble());
        Assert.All(report.GetProperty("districts").EnumerateArray(),
            d => Assert.Equal(Label, d.GetProperty("figures").GetProperty("distanceLabel").GetString()));
        Assert.Contains(report.GetProperty("method").EnumerateArray(), p => p.GetString()!.Contains(Label, StringComparison.Ordinal));
        // No network credit where no network was used.
        Assert.DoesNotContain(report.GetProperty("attribution").EnumerateArray(), a => a.GetString()!.Contains("OpenStreetMap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCsvAndTheGapsSayOnEveryRowThatTheyAreStraightLine()
    {
        var (units, hubs, projector) = await CityAsync();
        var rows = ParseCsv(await GetBytesAsync(server.Client, $"/api/coverage?municipality={Fukutsu}&minutes=6&pace=80&format=csv", "text/csv"), out var header);
        Assert.Contains("distance", header);
        Assert.All(rows, r => Assert.Equal(Label, r["distance"]));

        var gaps = await GetJsonAsync(server.Client, $"/api/coverage/gaps?municipality={Fukutsu}&minutes=6&pace=80", "application/geo+json");
        var features = gaps.GetProperty("features").EnumerateArray().ToList();
        var outside = units.Where(u => u.Population > 0 && hubs.All(h => Metres(projector, u.Point, h.Location) > 480)).ToList();
        Assert.Equal(outside.Count, features.Count);
        Assert.Equal(outside.Sum(u => (long)u.Population), features.Sum(f => f.GetProperty("properties").GetProperty("uncovered").GetInt64()));
        Assert.All(features, f => Assert.Equal(Label, f.GetProperty("properties").GetProperty("distance").GetString()));
        // Ranked by people out of reach (65+ first where known), and each names its 町丁 and the straight-line minutes to the nearest hub.
        var first = features[0].GetProperty("properties");
        var unit = Assert.Single(units, u => u.Name == first.GetProperty("units").GetString());
        var nearest = hubs.Min(h => Metres(projector, unit.Point, h.Location));
        Assert.Equal(Math.Round(nearest / 80, 1), first.GetProperty("nearest_minutes").GetDouble(), 1);
    }

    [Theory]
    [InlineData("per-hub")]
    [InlineData("dissolved")]
    [InlineData("nearest")]
    public async Task WalkingRangesAreDiscsOfMinutesTimesPaceLabelledStraightLine(string grouping)
    {
        var (_, hubs, _) = await CityAsync();
        var collection = await GetJsonAsync(server.Client, $"/api/isochrones?municipality={Fukutsu}&minutes=5,10&pace=60&grouping={grouping}",
            "application/json");
        Assert.Equal("straight-line", collection.GetProperty("distance").GetString());
        Assert.Equal(Label, collection.GetProperty("distanceLabel").GetString());
        var features = collection.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(features);
        Assert.All(features, f => Assert.Equal(Label, f.GetProperty("properties").GetProperty("distanceLabel").GetString()));
        if (grouping == "per-hub")
        {
            Assert.Equal(2 * hubs.Count, features.Count);
            foreach (var f in features)
            {
                var p = f.GetProperty("properties");
                Assert.Equal(p.GetProperty("minutes").GetDouble() * 60, p.GetProperty("metres").GetDouble());
                Assert.Contains(hubs, h => h.Id == p.GetProperty("hubId").GetInt32());
            }
        }
    }

    [Fact]
    public async Task TheFinderListsTheNearestHubsByStraightLineWithoutARoute()
    {
        var (units, hubs, projector) = await CityAsync();
        var from = units.OrderByDescending(u => u.Population).First().Point;
        var list = await GetJsonAsync(server.Client,
            FormattableString.Invariant($"/api/nearest-hubs?lat={from.Y}&lon={from.X}&pace=60&limit=3&max_minutes=120"));

        var expected = hubs.Select(h => (h.Id, Metres: Metres(projector, from, h.Location))).Where(h => h.Metres <= 60 * 120)
            .OrderBy(h => h.Metres).Take(3).ToList();
        var found = list.EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Id), found.Select(f => f.GetProperty("id").GetInt32()));
        for (var i = 0; i < found.Count; i++)
        {
            Assert.Equal(Math.Round(expected[i].Metres), found[i].GetProperty("metres").GetDouble());
            Assert.Equal("straight-line", found[i].GetProperty("distance").GetString());
            Assert.Equal(Label, found[i].GetProperty("distanceLabel").GetString());
            Assert.Equal(JsonValueKind.Null, found[i].GetProperty("route").ValueKind);
        }
    }
}
