using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Analysis.Finder;
using FukushiMap.Server.Finder;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Finder;

/// <summary>/api/geocode and the finder's additions to /api/nearest-hubs, over the real server and reference data.</summary>
[Collection(ServerCollection.Name)]
public class FinderApiTests(ServerFixture server)
{
    private static string Geocode(string q, int limit = 5) => $"/api/geocode?q={Uri.EscapeDataString(q)}&limit={limit}";

    private static GazetteerEntry UbeAddress(string town)
    {
        var file = Directory.GetFiles(Path.Combine(TestDatabase.RequireDataPath(), GazetteerProvider.GeoloniaFolder), "35202_*.json").Single();
        return GazetteerProvider.ReadGeolonia(file).Single(e => e.Town == town);
    }

    [Theory]
    [InlineData("宇部市則貞2丁目")]
    [InlineData("則貞二丁目")]
    [InlineData("則貞２丁目、ゆっくり")]
    public async Task AnAddressAsPeopleTypeItGivesARankedListWithTheGeoloniaPointFirst(string q)
    {
        var matches = await server.Client.GetFromJsonAsync<JsonElement>(Geocode(q));

        var expected = UbeAddress("則貞二丁目");
        var first = matches[0];
        Assert.Equal("宇部市則貞二丁目", first.GetProperty("label").GetString());
        Assert.Equal(expected.Lat, first.GetProperty("lat").GetDouble());
        Assert.Equal(expected.Lon, first.GetProperty("lon").GetDouble());
        Assert.Equal("geolonia", first.GetProperty("source").GetString());
        Assert.True(first.GetProperty("served").GetBoolean());
        var scores = matches.EnumerateArray().Select(m => m.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task AnAddressThatMatchesNothingIsA404ProblemWithTheClosestNames()
    {
        var response = await server.Client.GetAsync(Geocode("則定"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/no-address-match", problem.GetProperty("type").GetString());
        var suggestions = problem.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("label").GetString()).ToList();
        Assert.Contains("宇部市則貞一丁目", suggestions);
        Assert.Contains("則貞", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AMistypedNameWithA丁目IsAnsweredWithThatSame丁目()
    {
        var problem = await (await server.Client.GetAsync(Geocode("則定2丁目"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("宇部市則貞二丁目", problem.GetProperty("suggestions")[0].GetProperty("label").GetString());
        Assert.Contains("則貞二丁目", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AReadingWithoutReadingsInTheTableSaysToTypeKanji()
    {
        var response = await server.Client.GetAsync(Geocode("のりさだ"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("漢字", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("北海道札幌市中央区北1条西2丁目", "北海道")]
    [InlineData("山口市中央2丁目", "山口市")]
    public async Task AnAddressOutsideTheCoveredCitiesSaysWhereTheServiceCovers(string q, string named)
    {
        var response = await server.Client.GetAsync(Geocode(q));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/outside-service-area", problem.GetProperty("type").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(named, detail);
        Assert.Contains("宇部市", detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task NothingTypedIsABadRequest(string q)
    {
        var response = await server.Client.GetAsync(Geocode(q));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ScriptInTheQueryComesBackOnlyAsEscapedJson()
    {
        var response = await server.Client.GetAsync(Geocode("<script>alert(1)</script>則定"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</script", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NearestHubsCarryWhatIsOfferedWhoItIsForAndOpeningHours()
    {
        var start = UbeAddress("則貞二丁目");
        var hubs = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={start.Lat}&lon={start.Lon}&pace=60&limit=3");

        await using var db = server.Database.CreateContext();
        foreach (var h in hubs.EnumerateArray())
        {
            var id = h.GetProperty("id").GetInt32();
            var stored = await db.Hubs.AsNoTracking().SingleAsync(x => x.Id == id);
            Assert.Equal(stored.Functions, h.GetProperty("functions").EnumerateArray().Select(x => x.GetString()!));
            Assert.Equal(stored.TargetGroups, h.GetProperty("targetGroups").EnumerateArray().Select(x => x.GetString()!));
            Assert.Equal(stored.OpeningHours.Count, h.GetProperty("openingHours").GetArrayLength());
            // Without opening hours, whether it is open now is unknown (null), never "closed".
            Assert.Equal(stored.OpeningHours.Count == 0, h.GetProperty("openNow").ValueKind == JsonValueKind.Null);
            Assert.Equal("LineString", h.GetProperty("route").GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task TheRouteFromNoriSada2AtASlowPaceReadsAsStepsWithStreetNamesThatAddUpToTheRoute()
    {
        var start = UbeAddress("則貞二丁目");
        var hubs = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={start.Lat}&lon={start.Lon}&pace=60&limit=5");

        await using var db = server.Database.CreateContext();
        var streetNames = (await db.NetworkEdges.Where(e => e.Name != null).Select(e => e.Name!).Distinct().ToListAsync()).ToHashSet();
        var named = 0;
        foreach (var hub in hubs.EnumerateArray())
        {
            var steps = hub.GetProperty("steps").EnumerateArray().ToList();
            Assert.Equal("depart", steps[0].GetProperty("kind").GetString());
            Assert.Contains(steps[0].GetProperty("heading").GetString(), new[] { "北", "北東", "東", "南東", "南", "南西", "西", "北西" });
            Assert.Equal("arrive", steps[^1].GetProperty("kind").GetString());
            Assert.All(steps[1..^1], s => Assert.Equal("turn", s.GetProperty("kind").GetString()));
            Assert.All(steps[..^1], s => Assert.True(s.GetProperty("metres").GetDouble() is >= 10 and var m && m % 10 == 0));
            // Each step's metres are rounded to 10 m: together within 5 m a step of the route's length.
            var sum = steps.Sum(s => s.GetProperty("metres").GetDouble());
            Assert.InRange(sum, hub.GetProperty("metres").GetDouble() - 5 * steps.Count - 1, hub.GetProperty("metres").GetDouble() + 5 * steps.Count + 1);
            // Street names come from the network's edges.
            foreach (var name in steps.Select(s => s.GetProperty("name")).Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!))
            {
                Assert.Contains(name, streetNames);
                named++;
            }
        }
        Assert.True(named > 0, "some step names a street");
    }

    [Fact]
    public async Task FiltersKeepOnlyHubsOfferingWhatWasAsked()
    {
        var start = UbeAddress("則貞二丁目");
        var url = $"/api/nearest-hubs?lat={start.Lat}&lon={start.Lon}&limit=20&max_minutes=120";
        var all = await server.Client.GetFromJsonAsync<JsonElement>(url);
        var counselling = await server.Client.GetFromJsonAsync<JsonElement>(url + "&functions=" + Uri.EscapeDataString("相談"));
        var foodBank = await server.Client.GetFromJsonAsync<JsonElement>(url + "&functions=" + Uri.EscapeDataString("子ども食堂"));
        var elderly = await server.Client.GetFromJsonAsync<JsonElement>(url + "&targets=" + Uri.EscapeDataString("高齢者"));
        var openNow = await server.Client.GetFromJsonAsync<JsonElement>(url + "&open_now=true");

        static List<int> Ids(JsonElement list, Func<JsonElement, bool>? keep = null) =>
            [.. list.EnumerateArray().Where(h => keep is null || keep(h)).Select(h => h.GetProperty("id").GetInt32())];
        static bool Has(JsonElement h, string property, params string[] words) =>
            h.GetProperty(property).EnumerateArray().Any(x => words.Contains(x.GetString()));

        Assert.NotEmpty(Ids(all));
        Assert.Equal(Ids(all, h => Has(h, "functions", "相談")), Ids(counselling));
        Assert.Equal(Ids(all, h => Has(h, "functions", "子ども食堂")), Ids(foodBank));
        // A hub for 誰でも is for older people too.
        Assert.Equal(Ids(all, h => Has(h, "targetGroups", "高齢者", "誰でも")), Ids(elderly));
        Assert.Equal(Ids(all, h => h.GetProperty("openNow").ValueKind == JsonValueKind.True), Ids(openNow));
    }

    [Fact]
    public async Task OneHubCanBeAskedForByIdWithItsRoute()
    {
        var start = UbeAddress("則貞二丁目");
        var nearest = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={start.Lat}&lon={start.Lon}&limit=3");
        var third = nearest[2];
        var only = await server.Client.GetFromJsonAsync<JsonElement>(
            $"/api/nearest-hubs?lat={start.Lat}&lon={start.Lon}&limit=1&hub_ids={third.GetProperty("id").GetInt32()}");

        Assert.Equal(third.GetProperty("id").GetInt32(), only[0].GetProperty("id").GetInt32());
        Assert.Equal(third.GetProperty("metres").GetDouble(), only[0].GetProperty("metres").GetDouble());

        var detail = await server.Client.GetFromJsonAsync<JsonElement>($"/api/finder/hubs/{third.GetProperty("id").GetInt32()}");
        Assert.Equal(third.GetProperty("name").GetString(), detail.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, detail.GetProperty("facts").GetProperty("functions").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/finder/hubs/999999")).StatusCode);
    }

    [Theory]
    [InlineData("宇部市")]
    [InlineData("福津市")]
    [InlineData("江戸川区")]
    public async Task TheAddressExampleOfACityIsARealPlaceOfThatCityThatTypedAsShownIsFound(string name)
    {
        await using var db = server.Database.CreateContext();
        var code = await db.Municipalities.Where(m => m.Name == name).Select(m => m.Code).SingleAsync();

        var example = await server.Client.GetFromJsonAsync<JsonElement>($"/api/geocode/example?municipality={code}");

        Assert.Equal(code, example.GetProperty("municipalityCode").GetString());
        var written = example.GetProperty("written").GetString()!;
        var typed = example.GetProperty("typed").GetString()!;
        // A 町丁目 of the city's own address data, and people's way of typing it differs only in the 丁目 number.
        var file = Directory.GetFiles(Path.Combine(TestDatabase.RequireDataPath(), GazetteerProvider.GeoloniaFolder), $"{code}_*.json").Single();
        Assert.Contains(GazetteerProvider.ReadGeolonia(file), e => e.Town == written);
        Assert.EndsWith("丁目", typed);
        Assert.Matches("[0-9]+丁目$", typed);
        var first = (await server.Client.GetFromJsonAsync<JsonElement>(Geocode(name + typed)))[0];
        Assert.Equal(name + written, first.GetProperty("label").GetString());
        Assert.Equal(code, first.GetProperty("municipalityCode").GetString());
    }

    [Fact]
    public async Task EachCitysExampleIsItsOwnAndAnUnknownCityIsAProblem()
    {
        await using var db = server.Database.CreateContext();
        var codes = await db.Municipalities.Select(m => m.Code).ToListAsync();
        var examples = new List<string>();
        foreach (var code in codes)
        {
            var response = await server.Client.GetAsync($"/api/geocode/example?municipality={code}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                examples.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("written").GetString()!);
            }
        }
        Assert.True(examples.Count >= 2);
        Assert.Equal(examples.Count, examples.Distinct().Count());

        var unknown = await server.Client.GetAsync("/api/geocode/example?municipality=00000");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("00000", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var bad = await server.Client.GetAsync("/api/geocode/example?municipality=ube");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnEmptyNameInAnotherCityIsAnsweredWithAnExampleOfThatCity()
    {
        await using var db = server.Database.CreateContext();
        var fukutsu = await db.Municipalities.Where(m => m.Name == "福津市").Select(m => m.Code).SingleAsync();
        var example = await server.Client.GetFromJsonAsync<JsonElement>($"/api/geocode/example?municipality={fukutsu}");
        var problem = await (await server.Client.GetAsync(Geocode("福津市 1-2-3"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Contains($"（例: {example.GetProperty("typed").GetString()}）", problem.GetProperty("detail").GetString());
    }
}
