using System.Globalization;
using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.Setup;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// The seed cities' own planning rules, checked against their hubs and people, and a rule a planner defines for their city
/// without code. Counts are read from the database here, never written down.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class PlanningRulesTests(WelfareFixture fixture)
{
    private async Task<List<JsonElement>> RulesAsync(string municipality)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        using var response = await http.GetAsync($"api/coverage/rules?municipality={municipality}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
    }

    private async Task<int> HubCountAsync(string municipality, string type)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.Hubs.CountAsync(h => h.MunicipalityCode == municipality && h.RetiredAt == null && h.HubType!.Key == type);
    }

    [Fact]
    public async Task YamagatasRuleOfOne居場所PerDistrictCountsItsDistrictHubsAgainstItsThirtyDistricts()
    {
        var rule = Assert.Single(await RulesAsync("06201"));
        var hubs = await HubCountAsync("06201", "chiku-yamagata");
        Assert.True(rule.GetProperty("rule").GetProperty("builtIn").GetBoolean());
        Assert.Equal(hubs, rule.GetProperty("hubs").GetInt32());
        Assert.Equal(hubs < 30 ? "not-met" : "count-only", rule.GetProperty("status").GetString());
        var summary = rule.GetProperty("summary").GetString()!;
        if (hubs < 30) Assert.Contains($"少なくとも {30 - hubs} 区域", summary);
        // Without 地区 boundaries it says what would settle it.
        Assert.Contains("「地区」の境界を取り込むと", summary);
    }

    [Fact]
    public async Task UbesRuleOfAConsultationDeskInEachOfSixAreasIsMetByCountAndAsksForTheAreas()
    {
        var rule = Assert.Single(await RulesAsync("35202"));
        var hubs = await HubCountAsync("35202", "nandemo-soudan");
        Assert.Equal(hubs, rule.GetProperty("hubs").GetInt32());
        Assert.Equal(hubs >= 6 ? "count-only" : "not-met", rule.GetProperty("status").GetString());
    }

    [Fact]
    public async Task EdogawasResidentsPerHubRuleSaysTheTypeIsMissingAndHowManyHubsItsPeopleNeed()
    {
        var rule = Assert.Single(await RulesAsync("13123"));
        await using var db = fixture.Database.CreateContext();
        var population = await db.PopulationUnits.Where(p => p.MunicipalityCode == "13123").SumAsync(p => (long)p.Population);
        Assert.Equal(population, rule.GetProperty("population").GetInt64());
        Assert.Contains("nagomi-no-ie", rule.GetProperty("missingTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("not-met", rule.GetProperty("status").GetString());
        var needed = (long)Math.Ceiling(population / 20_000.0);
        Assert.Contains($"{needed.ToString("N0", CultureInfo.InvariantCulture)} か所", rule.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task APlannerDefinesARulePerTownAndItIsCheckedDistrictByDistrict()
    {
        using var planner = await UploadApiTests.PlannerForAsync(fixture, "35202");
        var created = await planner.SendAsync(HttpMethod.Post, "api/coverage/rules", new
        {
            municipalityCode = "35202", name = "（テスト）ふれあいセンターを町丁・字に 1 か所", districtKind = "町丁・字", hubTypes = "fureai-center",
            minHubsPerDistrict = 1,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await WelfareClient.ReadAsync(created)).GetProperty("id").GetInt32();
        try
        {
            var check = Assert.Single(await RulesAsync("35202"), r => r.GetProperty("rule").GetProperty("id").GetInt32() == id);
            var districts = check.GetProperty("districts").EnumerateArray().ToList();
            await using var db = fixture.Database.CreateContext();
            Assert.Equal(await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == "35202"), districts.Count);
            Assert.Equal(await db.PopulationUnits.Where(p => p.MunicipalityCode == "35202").SumAsync(p => (long)p.Population),
                districts.Sum(d => d.GetProperty("population").GetInt64()));
            // Every ふれあいセンター stands in one 町丁・字; a town meets the rule exactly when it holds one.
            Assert.Equal(await HubCountAsync("35202", "fureai-center"), districts.Sum(d => d.GetProperty("hubs").GetInt32()));
            Assert.All(districts, d => Assert.Equal(d.GetProperty("hubs").GetInt32() >= 1, d.GetProperty("met").GetBoolean()));
            Assert.Equal("not-met", check.GetProperty("status").GetString());
            Assert.Equal("町丁・字", check.GetProperty("rule").GetProperty("districtKind").GetString());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await planner.SendAsync(HttpMethod.Delete, $"api/coverage/rules/{id}")).StatusCode);
        }
        Assert.DoesNotContain(await RulesAsync("35202"), r => r.GetProperty("rule").GetProperty("id").GetInt32() == id);
    }

    [Theory]
    [InlineData("""{"municipalityCode":"35202","name":"","districtKind":"地区","hubTypes":"fureai-center","minHubsPerDistrict":1}""", "名前")]
    [InlineData("""{"municipalityCode":"35202","name":"x","districtKind":"地区","hubTypes":"no-such-type","minHubsPerDistrict":1}""", "no-such-type")]
    [InlineData("""{"municipalityCode":"35202","name":"x","districtKind":"地区","hubTypes":"fureai-center"}""", "minHubsPerDistrict")]
    [InlineData("""{"municipalityCode":"35202","name":"x","districtKind":"地区","hubTypes":"fureai-center","minHubsPerDistrict":0}""", "1〜100")]
    public async Task ABadRuleIsRefusedNamingTheField(string body, string named)
    {
        using var planner = await UploadApiTests.PlannerForAsync(fixture, "35202");
        var response = await planner.SendAsync(HttpMethod.Post, "api/coverage/rules", JsonDocument.Parse(body).RootElement);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await WelfareClient.ReadAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OnlyPlannersDefineRulesAndBuiltInRulesStay()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var body = new StringContent("""{"municipalityCode":"35202","name":"x","districtKind":"地区","hubTypes":"fureai-center","minHubsPerDistrict":1}""",
            System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/coverage/rules", body)).StatusCode);
        using var minsei = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await minsei.SendAsync(HttpMethod.Post, "api/coverage/rules", new { municipalityCode = "35202" })).StatusCode);

        // A planner of another city may not add one here.
        using var other = await UploadApiTests.PlannerForAsync(fixture, "40224");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.SendAsync(HttpMethod.Post, "api/coverage/rules", new
        {
            municipalityCode = "35202", name = "x", districtKind = "地区", hubTypes = "fureai-center", minHubsPerDistrict = 1,
        })).StatusCode);

        using var planner = await UploadApiTests.PlannerForAsync(fixture, "35202");
        var builtIn = Assert.Single(await RulesAsync("35202"), r => r.GetProperty("rule").GetProperty("builtIn").GetBoolean());
        var id = builtIn.GetProperty("rule").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.BadRequest, (await planner.SendAsync(HttpMethod.Delete, $"api/coverage/rules/{id}")).StatusCode);
        Assert.Contains(await RulesAsync("35202"), r => r.GetProperty("rule").GetProperty("id").GetInt32() == id);
    }
}
