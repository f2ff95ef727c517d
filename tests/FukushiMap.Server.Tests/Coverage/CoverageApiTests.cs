using System.Net;
using System.Text.Json;
using FukushiMap.Core.Geodesy;
using FukushiMap.Server.Tests.Features;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>
/// Coverage of 宇部市 by its 24 ふれあいセンター over the real network and the 2015 census, through the API.
/// Figures are computed here from the database and the API, never written down, except the census total 169,429.
/// </summary>
[Collection(ServerCollection.Name)]
public class CoverageApiTests(ServerFixture server)
{
    private const long UbeCensusPopulation = 169_429;
    private const string Fureai = "fureai-center";

    [Fact]
    public async Task UbeCsvAddsUpToTheCensusInTheTotalRowAndInTheDistrictRows()
    {
        var bytes = await GetBytesAsync(server.Client, $"/api/coverage?municipality={Ube}&minutes=10&pace=80&hub_types={Fureai}&format=csv", "text/csv");
        var rows = ParseCsv(bytes, out var header);
        Assert.Equal(["district_code", "district_name", "population", "covered", "uncovered", "no_network", "hubs",
            "no_network_straight_covered", "no_network_straight_uncovered", "distance"], header);

        var total = Assert.Single(rows, r => r["district_code"] == "TOTAL");
        Assert.Same(total, rows[^1]);
        var districts = rows.Take(rows.Count - 1).ToList();
        Assert.Equal(UbeCensusPopulation, total.Long("covered") + total.Long("uncovered") + total.Long("no_network"));
        Assert.Equal(UbeCensusPopulation, total.Long("population"));
        Assert.Equal(UbeCensusPopulation, districts.Sum(r => r.Long("covered") + r.Long("uncovered") + r.Long("no_network")));
        foreach (var column in new[] { "population", "covered", "uncovered", "no_network", "hubs" })
            Assert.Equal(total.Long(column), districts.Sum(r => r.Long(column)));

        // Without --by the rows are the 町丁・字, each with its census population; the hubs are the 24 centres.
        await using var db = server.Database.CreateContext();
        var units = await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube).ToDictionaryAsync(p => p.KeyCode, p => (long)p.Population);
        Assert.Equal(units.Count, districts.Count);
        Assert.All(districts, r => Assert.Equal(units[r["district_code"]], r.Long("population")));
        Assert.Equal(await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null && h.HubType!.Key == Fureai), total.Long("hubs"));
        // The network covers only the urban south: the rural north is reported, not hidden.
        Assert.True(total.Long("no_network") > 0);
        Assert.True(total.Long("covered") > 0 && total.Long("uncovered") > 0);
    }

    [Theory]
    [InlineData(5, 80)]
    [InlineData(10, 60)]
    [InlineData(20, 48)]
    public async Task NetworkCoverageNeverExceedsStraightLineCoverageAtTheSameDistance(double minutes, double pace)
    {
        var report = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Ube}&minutes={minutes}&pace={pace}&hub_types={Fureai}");
        var totals = report.GetProperty("totals");
        Assert.True(totals.GetProperty("covered").GetInt64() < totals.GetProperty("straightLineCovered").GetInt64());
        foreach (var district in report.GetProperty("districts").EnumerateArray())
        {
            var f = district.GetProperty("figures");
            Assert.True(f.GetProperty("covered").GetInt64() <= f.GetProperty("straightLineCovered").GetInt64(),
                $"{district.GetProperty("name").GetString()}: walking {f.GetProperty("covered")} > straight line {f.GetProperty("straightLineCovered")}");
            Assert.Equal(f.GetProperty("population").GetInt64(), f.GetProperty("straightLineCovered").GetInt64() + f.GetProperty("straightLineUncovered").GetInt64());
        }
        foreach (var hub in report.GetProperty("hubs").EnumerateArray())
        {
            Assert.True(hub.GetProperty("covered").GetInt64() <= hub.GetProperty("straightLineCovered").GetInt64());
            Assert.True(hub.GetProperty("unique").GetInt64() <= hub.GetProperty("covered").GetInt64());
        }
    }

    [Fact]
    public async Task MovingOneHubChangesOnlyTheDistrictsNearIt()
    {
        const double minutes = 10, pace = 80, budget = minutes * pace;
        var url = $"/api/coverage?municipality={Ube}&minutes={minutes}&pace={pace}&hub_types={Fureai}&format=geojson";
        var before = await GetJsonAsync(server.Client, url, "application/geo+json");
        // Move the first hub on the network about 600 m east.
        var hub = before.GetProperty("hubs").EnumerateArray().First(h => h.GetProperty("onNetwork").GetBoolean());
        double lon = hub.GetProperty("lon").GetDouble(), lat = hub.GetProperty("lat").GetDouble(), newLon = lon + 0.0065;
        var after = await GetJsonAsync(server.Client, url + FormattableString.Invariant($"&move={hub.GetProperty("id").GetInt32()}:{newLon},{lat}"), "application/geo+json");
        Assert.Contains(after.GetProperty("hubs").EnumerateArray(), h => h.GetProperty("whatIf").GetString() == "moved");

        var projector = new PlaneProjector(PlaneRectangularZones.SridForMunicipality(Ube));
        var (ox, oy) = projector.ToPlane(lon, lat);
        var (nx, ny) = projector.ToPlane(newLon, lat);
        var oldPlace = new Point(ox, oy);
        var newPlace = new Point(nx, ny);
        var beforeRows = before.GetProperty("features").EnumerateArray().ToList();
        var afterRows = after.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(beforeRows.Count, afterRows.Count);
        var changed = 0;
        for (var i = 0; i < beforeRows.Count; i++)
        {
            var b = beforeRows[i].GetProperty("properties");
            var a = afterRows[i].GetProperty("properties");
            Assert.Equal(b.GetProperty("district_code").GetString(), a.GetProperty("district_code").GetString());
            Assert.Equal(b.GetProperty("population").GetInt64(), a.GetProperty("population").GetInt64());
            if (b.GetProperty("covered").GetInt64() == a.GetProperty("covered").GetInt64()) continue;
            changed++;
            // Only people within walking reach of the old or the new place can change, so the district lies within that
            // reach as the crow flies (a walk is never shorter than the straight line).
            var area = PlaneGeometry(beforeRows[i]);
            Assert.True(area.Distance(oldPlace) <= budget || area.Distance(newPlace) <= budget,
                $"{b.GetProperty("district_name").GetString()} changed though it is {Math.Min(area.Distance(oldPlace), area.Distance(newPlace)):N0} m from the moved hub");
        }
        Assert.InRange(changed, 1, beforeRows.Count / 4);
    }

    [Fact]
    public async Task EachHubsUniqueContributionIsWhatClosingItLoses()
    {
        var baseUrl = $"/api/coverage?municipality={Ube}&minutes=10&pace=80&hub_types={Fureai}";
        var all = await GetJsonAsync(server.Client, baseUrl);
        var hub = all.GetProperty("hubs").EnumerateArray().OrderByDescending(h => h.GetProperty("unique").GetInt64()).First();
        var closed = await GetJsonAsync(server.Client, $"{baseUrl}&close={hub.GetProperty("id").GetInt32()}");
        Assert.Equal(all.GetProperty("totals").GetProperty("covered").GetInt64() - hub.GetProperty("unique").GetInt64(),
            closed.GetProperty("totals").GetProperty("covered").GetInt64());
        Assert.Equal(all.GetProperty("hubs").GetArrayLength() - 1, closed.GetProperty("hubs").GetArrayLength());
    }

    [Fact]
    public async Task GapsHoldEveryUncoveredPersonRankedWithTheWalkToTheNearestHub()
    {
        var query = $"municipality={Ube}&minutes=10&pace=60&hub_types={Fureai}";
        var report = await GetJsonAsync(server.Client, $"/api/coverage?{query}");
        var gaps = await GetJsonAsync(server.Client, $"/api/coverage/gaps?{query}", "application/geo+json");
        var features = gaps.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        Assert.NotEmpty(features);
        // Walking gaps hold the people beyond walking reach; the places without network data beyond the straight-line radius
        // (measured so, and labelled) hold the rest: the two are never summed into one figure on the table.
        var totals = report.GetProperty("totals");
        bool Straight(JsonElement f) => f.GetProperty("distance").GetString() == "直線距離（道路データなし）";
        Assert.Equal(totals.GetProperty("uncovered").GetInt64(), features.Where(f => !Straight(f)).Sum(f => f.GetProperty("uncovered").GetInt64()));
        Assert.Equal(totals.GetProperty("noNetworkStraightLineUncovered").GetInt64(),
            features.Where(Straight).Sum(f => f.GetProperty("uncovered").GetInt64()));
        Assert.Contains(features, Straight);
        Assert.Equal(Enumerable.Range(1, features.Count), features.Select(f => f.GetProperty("rank").GetInt32()));
        Assert.True(features.Zip(features.Skip(1)).All(p => p.First.GetProperty("uncovered").GetInt64() >= p.Second.GetProperty("uncovered").GetInt64()));
        foreach (var f in features)
        {
            if (f.GetProperty("nearest_minutes").ValueKind == JsonValueKind.Null) continue;
            // Beyond reach (to the minute's tenth) and no nearer than its farthest part.
            Assert.True(f.GetProperty("nearest_minutes").GetDouble() >= 10);
            Assert.True(f.GetProperty("farthest_minutes").GetDouble() >= f.GetProperty("nearest_minutes").GetDouble());
            Assert.False(string.IsNullOrEmpty(f.GetProperty("nearest_hub_name").GetString()));
        }
        var limited = await GetJsonAsync(server.Client, $"/api/coverage/gaps?{query}&limit=5", "application/geo+json");
        Assert.Equal(5, limited.GetProperty("features").GetArrayLength());
    }

    [Fact]
    public async Task TheGapsOfEachDistrictAddUpToItsUncoveredPeopleInTheTable()
    {
        // Gaps are cut by the districts, so one district can hold several (大字西岐波柳ケ瀬: 2,014 + 42 = 2,056 at 10 min, 60 m/min).
        var query = $"municipality={Ube}&minutes=10&pace=60";
        var report = await GetJsonAsync(server.Client, $"/api/coverage?{query}");
        var gaps = await GetJsonAsync(server.Client, $"/api/coverage/gaps?{query}", "application/geo+json");
        var all = gaps.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        Dictionary<string, long> ByDistrict(bool straight) => all
            .Where(g => (g.GetProperty("distance").GetString() == "直線距離（道路データなし）") == straight)
            .GroupBy(g => g.GetProperty("district_code").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.GetProperty("uncovered").GetInt64()));
        var walking = ByDistrict(false);
        var straightLine = ByDistrict(true);
        foreach (var d in report.GetProperty("districts").EnumerateArray())
        {
            var figures = d.GetProperty("figures");
            Assert.Equal(figures.GetProperty("uncovered").GetInt64(), walking.GetValueOrDefault(d.GetProperty("code").GetString()!));
            Assert.Equal(figures.GetProperty("noNetworkStraightLineUncovered").GetInt64(), straightLine.GetValueOrDefault(d.GetProperty("code").GetString()!));
        }
    }

    [Fact]
    public async Task TheGeoJsonCarriesEveryDistrictWithItsFiguresAndTheCredits()
    {
        var fc = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Ube}&minutes=10&format=geojson", "application/geo+json");
        Assert.Equal("FeatureCollection", fc.GetProperty("type").GetString());
        await using var db = server.Database.CreateContext();
        Assert.Equal(await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == Ube), fc.GetProperty("features").GetArrayLength());
        var first = fc.GetProperty("features")[0];
        Assert.Equal("Feature", first.GetProperty("type").GetString());
        Assert.Contains(first.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
        foreach (var column in new[] { "district_code", "district_name", "population", "covered", "uncovered", "no_network", "hubs", "straight_line_covered", "cell" })
            Assert.True(first.GetProperty("properties").TryGetProperty(column, out _), column);
        Assert.True(fc.GetProperty("layer").GetProperty("isUnitCells").GetBoolean());
        var credits = string.Join("\n", fc.GetProperty("attribution").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("e-Stat", credits);
        Assert.Contains("OpenStreetMap", credits);
        Assert.Contains("国土地理院", credits);
        Assert.NotEmpty(fc.GetProperty("method").EnumerateArray());
    }

    [RequiresOgrinfoFact]
    public async Task TheGeoPackageOpensInGdalWithDistrictsGapsAndHubs()
    {
        var query = $"municipality={Ube}&minutes=10&pace=60&hub_types={Fureai}";
        var bytes = await GetBytesAsync(server.Client, $"/api/coverage?{query}&format=gpkg", "application/geopackage+sqlite3");
        var report = await GetJsonAsync(server.Client, $"/api/coverage?{query}");
        var gaps = await GetJsonAsync(server.Client, $"/api/coverage/gaps?{query}", "application/geo+json");
        var path = Path.Combine(Path.GetTempPath(), $"coverage-test-{Guid.NewGuid():N}.gpkg");
        try
        {
            await File.WriteAllBytesAsync(path, bytes);
            var (exitCode, output) = await Ogrinfo.RunAsync("-ro", "-so", "-al", path);
            Assert.True(exitCode == 0, output);
            Assert.Contains("Layer name: coverage_districts", output);
            Assert.Contains($"Feature Count: {report.GetProperty("districts").GetArrayLength()}", output);
            Assert.Contains($"Feature Count: {gaps.GetProperty("features").GetArrayLength()}", output);
            Assert.Contains($"Feature Count: {report.GetProperty("hubs").GetArrayLength()}", output);
            Assert.Contains("Geometry: Multi Polygon", output);
            Assert.Contains("JGD2011", output);
            Assert.Contains("no_network: Integer", output);
            // Every feature and value readable; the TOTAL of population matches.
            var (sqlExit, sql) = await Ogrinfo.RunAsync("-ro", "-q", path, "-sql", "SELECT SUM(covered) + SUM(uncovered) + SUM(no_network) AS s FROM coverage_districts");
            Assert.True(sqlExit == 0, sql);
            Assert.Contains($"s (Integer) = {UbeCensusPopulation}", sql);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("minutes=0", "invalid-minutes")]
    [InlineData("minutes=61", "invalid-minutes")]
    [InlineData("pace=500", "invalid-pace")]
    [InlineData("by=no-such-layer", "unknown-district-layer")]
    [InlineData("hub_types=no-such-type", "unknown-hub-type")]
    [InlineData("format=xlsx", "invalid-format")]
    [InlineData("move=abc", "invalid-move")]
    [InlineData("close=999999", "unknown-hub")]
    [InlineData("municipality=3520", "invalid-municipality")]
    public async Task BadInputIsAProblemDetailsInJapanese(string query, string type)
    {
        using var response = await server.Client.GetAsync($"/api/coverage?{(query.StartsWith("municipality", StringComparison.Ordinal) ? "" : $"municipality={Ube}&")}{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.EndsWith("/" + type, problem.GetProperty("type").GetString());
        Assert.Matches(@"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]", problem.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task AMunicipalityNotLoadedIsNotFound()
    {
        using var response = await server.Client.GetAsync("/api/coverage?municipality=47382");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.EndsWith("/unknown-municipality", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheLayersAreTheUnitCellsAndEveryImportedDistrictLayer()
    {
        var ube = await GetJsonAsync(server.Client, $"/api/coverage/layers?municipality={Ube}");
        var units = Assert.Single(ube.EnumerateArray(), l => l.GetProperty("key").GetString() == "units");
        Assert.True(units.GetProperty("isUnitCells").GetBoolean());
        await using var db = server.Database.CreateContext();
        var sapporo = await GetJsonAsync(server.Client, "/api/coverage/layers?municipality=01100");
        var keys = await db.DistrictLayers.Where(l => l.MunicipalityCode == "01100").Select(l => l.Key).ToListAsync();
        Assert.Equal(keys.Order(), sapporo.EnumerateArray().Select(l => l.GetProperty("key").GetString()!).Where(k => k != "units").Order());
    }
}
