using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Siting;

/// <summary>GET /api/siting and POST /api/siting/analyses over the real 宇部市 data.</summary>
[Collection(ServerCollection.Name)]
public class SitingApiTests(ServerFixture server)
{
    private Task<JsonElement> ReportAsync(string query) => GetJsonAsync(server.Client, $"api/siting?municipality={Ube}&{query}");

    /// <summary>The open hubs of 宇部市 the analyses keep (ふれあいセンター and 福祉なんでも相談窓口 of the reference data).</summary>
    private async Task<int> UbeHubCountAsync()
    {
        await using var db = server.Database.CreateContext();
        return await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null);
    }

    [Fact]
    public async Task ExistingHubsAreKeptAndNoDistrictLosesCoverage()
    {
        var report = await ReportAsync("add=6&minutes=10&pace=60");

        var before = report.GetProperty("before");
        var after = report.GetProperty("after");
        var sites = report.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(6, sites.Count);
        var hubs = await UbeHubCountAsync();
        Assert.Equal(hubs, before.GetProperty("hubs").GetInt32());
        Assert.Equal(hubs + 6, after.GetProperty("hubs").GetInt32());
        Assert.Equal(hubs, report.GetProperty("hubs").GetArrayLength());
        var districts = report.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(456, districts.Count);
        Assert.All(districts, d => Assert.True(d.GetProperty("coveredAfter").GetInt64() >= d.GetProperty("coveredBefore").GetInt64()));
        Assert.Equal(after.GetProperty("covered").GetInt64() - before.GetProperty("covered").GetInt64(),
            districts.Sum(d => d.GetProperty("newlyCovered").GetInt64()));
        Assert.Equal(sites.Sum(s => s.GetProperty("newlyCovered").GetInt64()), districts.Sum(d => d.GetProperty("newlyCovered").GetInt64()));
        // Ranked by what each adds after the ones before it.
        var gains = sites.Select(s => s.GetProperty("marginalGain").GetDouble()).ToList();
        Assert.Equal(gains.OrderByDescending(g => g), gains);
        Assert.Equal(Enumerable.Range(1, 6), sites.Select(s => s.GetProperty("rank").GetInt32()));
    }

    [Fact]
    public async Task EachSiteComesWithItsWalkingCatchmentAndTheNewlyCoveredAreaIsDrawn()
    {
        var report = await ReportAsync("add=3&minutes=10&pace=80");
        var options = new JsonSerializerOptions { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };

        foreach (var site in report.GetProperty("sites").EnumerateArray())
        {
            var catchment = JsonSerializer.Deserialize<Geometry>(site.GetProperty("catchment").GetRawText(), options)!;
            Assert.True(catchment.Contains(new Point(site.GetProperty("lon").GetDouble(), site.GetProperty("lat").GetDouble())));
            Assert.False(string.IsNullOrEmpty(site.GetProperty("area").GetString())); // the 町丁 it stands in
        }
        var area = JsonSerializer.Deserialize<Geometry>(report.GetProperty("newlyCoveredArea").GetRawText(), options)!;
        Assert.False(area.IsEmpty);
        Assert.True(report.GetProperty("method").GetArrayLength() >= 4);
        Assert.Contains(report.GetProperty("attribution").EnumerateArray(), a => a.GetString()!.Contains("OpenStreetMap"));
    }

    [Fact]
    public async Task TheSitesExportAsCsvForExcelAndAsGeoJson()
    {
        var csv = ParseCsv(await GetBytesAsync(server.Client, $"api/siting?municipality={Ube}&add=4&format=csv", "text/csv"), out var header);
        Assert.Equal(["rank", "name", "area", "lon", "lat", "source", "newly_covered", "newly_covered_65plus", "marginal_gain", "snap_metres", "distance"], header);
        Assert.All(csv, r => Assert.Equal("道に沿って歩く距離", r["distance"]));
        Assert.Equal(4, csv.Count);

        var geojson = await GetJsonAsync(server.Client, $"api/siting?municipality={Ube}&add=4&format=geojson", "application/geo+json");
        var kinds = geojson.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("kind").GetString()).ToList();
        Assert.Equal(4, kinds.Count(k => k == "site"));
        Assert.Equal(4, kinds.Count(k => k == "catchment"));
        Assert.Single(kinds, k => k == "newly_covered");
    }

    [Fact]
    public async Task LscpReachesTheTargetShareOfEverybodyWithTheFewestSitesItFinds()
    {
        // Candidates every 200 m (not 60): the exact proof stays well inside the time limit on a busy 2-core machine.
        var greedy = await ReportAsync("model=lscp&target=0.33&minutes=10&pace=80&spacing=200");
        var exact = await ReportAsync("model=lscp&target=0.33&minutes=10&pace=80&spacing=200&solver=exact&time_limit=120");

        foreach (var report in new[] { greedy, exact })
            Assert.True(report.GetProperty("after").GetProperty("coveredShare").GetDouble() >= 0.33);
        Assert.True(exact.GetProperty("sites").GetArrayLength() <= greedy.GetProperty("sites").GetArrayLength());
        Assert.Equal("optimal", exact.GetProperty("solver").GetProperty("status").GetString());

        var tooHigh = await server.Client.GetAsync($"api/siting?municipality={Ube}&model=lscp&target=0.99");
        Assert.Equal(HttpStatusCode.BadRequest, tooHigh.StatusCode);
        Assert.Contains("道路データのない人", (await tooHigh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PMedianShortensTheMeanWalkToTheNearestHub()
    {
        var report = await ReportAsync("model=pmedian&add=4&minutes=10&pace=80");

        Assert.True(report.GetProperty("after").GetProperty("meanWalkMinutes").GetDouble() < report.GetProperty("before").GetProperty("meanWalkMinutes").GetDouble()
            || report.GetProperty("after").GetProperty("withinBound").GetInt64() > report.GetProperty("before").GetProperty("withinBound").GetInt64());
        Assert.Equal(4, report.GetProperty("sites").GetArrayLength());
    }

    [Fact]
    public async Task OnlyTheListedCandidatesAreUsedWhenNoOthersAreAsked()
    {
        var body = new
        {
            municipality = Ube, add = 2, minutes = 10, pace = 80, spacing = 0, shelters = false,
            candidates = new
            {
                type = "FeatureCollection",
                features = new object[]
                {
                    Feature(131.2467, 33.9519, "旧商店A"), Feature(131.2735, 33.9478, "空き店舗B"), Feature(131.2150, 33.9650, "集会所C"),
                },
            },
        };
        var response = await server.Client.PostAsJsonAsync("api/siting/analyses", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        var names = report.GetProperty("sites").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Contains(n, new[] { "旧商店A", "空き店舗B", "集会所C" }));
        Assert.Equal(3, report.GetProperty("candidates").GetProperty("total").GetInt32());
        Assert.All(report.GetProperty("sites").EnumerateArray(), s => Assert.Equal("user", s.GetProperty("source").GetString()));

        static object Feature(double lon, double lat, string name) =>
            new { type = "Feature", properties = new { name }, geometry = new { type = "Point", coordinates = new[] { lon, lat } } };
    }

    [Fact]
    public async Task WithACapacityEachNewSiteServesAtMostThatManyMorePeople()
    {
        var body = new
        {
            municipality = Ube, add = 2, minutes = 10, pace = 80, spacing = 0, shelters = false, solver = "exact", capacity = 1500,
            candidates = new
            {
                type = "FeatureCollection",
                features = new[] { (131.2467, 33.9519), (131.2735, 33.9478), (131.2640, 33.9430), (131.2560, 33.9600) }
                    .Select(p => new { type = "Feature", properties = new { }, geometry = new { type = "Point", coordinates = new[] { p.Item1, p.Item2 } } }),
            },
        };
        var response = await server.Client.PostAsJsonAsync("api/siting/analyses", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        long before = report.GetProperty("before").GetProperty("servedWithinCapacity").GetInt64();
        long after = report.GetProperty("after").GetProperty("servedWithinCapacity").GetInt64();
        Assert.InRange(after - before, 1, 2 * 1500);
        Assert.True(before <= await UbeHubCountAsync() * 1500);
        Assert.True(after <= report.GetProperty("after").GetProperty("covered").GetInt64());
        Assert.Equal("optimal", report.GetProperty("solver").GetProperty("status").GetString());

        // With thousands of candidates the assignment model would be too large: said so, with what to do.
        var tooLarge = await server.Client.GetAsync($"api/siting?municipality={Ube}&solver=exact&capacity=1500&spacing=100");
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("spacing", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("minutes=0", "invalid-minutes")]
    [InlineData("add=0", "invalid-add")]
    [InlineData("add=500", "invalid-add")]
    [InlineData("solver=magic", "invalid-solver")]
    [InlineData("model=center", "invalid-model")]
    [InlineData("pace=500", "invalid-pace")]
    [InlineData("spacing=5", "invalid-spacing")]
    [InlineData("capacity=20000", "capacity-needs-exact")]
    [InlineData("time_limit=1000&solver=exact", "invalid-time-limit")]
    [InlineData("format=xml", "invalid-format")]
    [InlineData("spacing=0&shelters=false", "no-candidates")]
    [InlineData("facilities=no-such-kind", "unknown-facilities")]
    [InlineData("facilities=Care%20Service", "invalid-facilities")]
    [InlineData("straight_radius=20", "invalid-straight-radius")]
    [InlineData("straight_radius=9000", "invalid-straight-radius")]
    public async Task BadRequestsGetProblemDetailsInJapanese(string query, string type)
    {
        var response = await server.Client.GetAsync($"api/siting?municipality={Ube}&{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType!.ToString());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith(type, problem.GetProperty("type").GetString());
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}|\p{IsHiragana}|\p{IsKatakana}", problem.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task CareServiceSitesAreOfferedAsCandidatesWithTheirCredit()
    {
        // Which existing 介護サービス事業所 should host the next 相談窓口: only they are candidates here.
        var file = Path.Combine(FukushiMap.Testing.TestDatabase.RequireDataPath(), "ube-care-services-yamaguchi-opendata",
            "ube_care_services_city_designated_2024-02-01.geojson");
        using var source = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var names = source.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("介護サービス事業所名称").GetString()).ToHashSet();

        var report = await ReportAsync("add=3&minutes=10&pace=60&spacing=0&shelters=false&facilities=care-service&areas=false");

        var candidates = report.GetProperty("candidates");
        Assert.Equal(names.Count, candidates.GetProperty("facilities").GetInt32());
        Assert.Equal(0, candidates.GetProperty("nodes").GetInt32());
        // Those far from the walking network (the north and east of the city) cannot take part; the rest do.
        Assert.Equal(candidates.GetProperty("facilities").GetInt32() - candidates.GetProperty("offNetwork").GetInt32(),
            candidates.GetProperty("total").GetInt32());
        var sites = report.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(3, sites.Count);
        Assert.All(sites, s => Assert.Contains(s.GetProperty("name").GetString(), names));
        Assert.All(sites, s => Assert.Equal("facility", s.GetProperty("source").GetString()));
        Assert.Equal("care-service", report.GetProperty("parameters").GetProperty("facilities").GetString());
        Assert.Contains(report.GetProperty("attribution").EnumerateArray(), a => a.GetString()!.Contains("介護サービス事業所一覧"));

        // Without the option they are not candidates: the facilities offered are the shelters alone.
        var without = await ReportAsync("add=3&minutes=10&pace=60&spacing=0&areas=false");
        await using var db = server.Database.CreateContext();
        Assert.Equal(await db.Shelters.CountAsync(s => s.MunicipalityCode == Ube), without.GetProperty("candidates").GetProperty("facilities").GetInt32());
        Assert.DoesNotContain(without.GetProperty("sites").EnumerateArray(), s => names.Contains(s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task AnExclusionThatIsNotAPolygonIsRefused()
    {
        var response = await server.Client.PostAsync("api/siting/analyses", new StringContent(
            """{"municipality":"35202","exclusions":{"type":"Point","coordinates":[131.25,33.95]}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("invalid-exclusion", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }
}
