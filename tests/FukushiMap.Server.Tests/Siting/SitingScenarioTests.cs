using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.WelfareMap;

namespace FukushiMap.Server.Tests.Siting;

/// <summary>Saved siting scenarios: 計画担当 save, reopen, compare and delete them; nobody else sees them.</summary>
[Collection(WelfareCollection.Name)]
public sealed class SitingScenarioTests(WelfareFixture fixture)
{
    private static object Parameters(int add) => new { municipality = "35202", add, minutes = 10, pace = 60, solver = "greedy" };

    [Fact]
    public async Task APlannerSavesTwoScenariosReopensOneAsSavedComparesThemAndDeletesOne()
    {
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);
        using var client = await fixture.SignInAsync(planner);

        var three = await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new { name = "3か所・10分・ゆっくり", note = "試し", parameters = Parameters(3) });
        Assert.Equal(HttpStatusCode.Created, three.StatusCode);
        var saved = await WelfareClient.ReadAsync(three);
        int threeId = saved.GetProperty("scenario").GetProperty("id").GetInt32();
        var six = await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new { name = "6か所・10分・ゆっくり", parameters = Parameters(6) });
        Assert.Equal(HttpStatusCode.Created, six.StatusCode);
        int sixId = (await WelfareClient.ReadAsync(six)).GetProperty("scenario").GetProperty("id").GetInt32();

        var list = (await client.GetJsonAsync("api/siting/scenarios?municipality=35202")).EnumerateArray().ToList();
        Assert.Contains(list, s => s.GetProperty("id").GetInt32() == threeId && s.GetProperty("createdBy").GetString() == planner.UserName);

        // Reopened as it was saved.
        var reopened = await client.GetJsonAsync($"api/siting/scenarios/{threeId}");
        static List<string> Sites(JsonElement report) => report.GetProperty("sites").EnumerateArray()
            .Select(s => $"{s.GetProperty("rank")} {s.GetProperty("lon")} {s.GetProperty("lat")} {s.GetProperty("name")} {s.GetProperty("newlyCovered")}").ToList();
        Assert.Equal(Sites(saved.GetProperty("report")), Sites(reopened.GetProperty("report")));
        Assert.Equal(saved.GetProperty("report").GetProperty("after").GetProperty("covered").GetInt64(),
            reopened.GetProperty("report").GetProperty("after").GetProperty("covered").GetInt64());
        Assert.Equal(3, reopened.GetProperty("scenario").GetProperty("addedSites").GetInt32());
        Assert.Equal(3, reopened.GetProperty("parameters").GetProperty("add").GetInt32());

        var comparison = await client.GetJsonAsync($"api/siting/scenarios/compare?ids={threeId},{sixId}");
        Assert.Equal([threeId, sixId], comparison.GetProperty("scenarios").EnumerateArray().Select(s => s.GetProperty("scenario").GetProperty("id").GetInt32()));
        var districts = comparison.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(456, districts.Count);
        // Six sites chosen greedily cover everything the first three do, and more.
        Assert.All(districts, d =>
        {
            var covered = d.GetProperty("coveredAfter").EnumerateArray().Select(c => c.GetInt64()).ToList();
            Assert.True(covered[1] >= covered[0]);
            Assert.True(covered[0] >= d.GetProperty("coveredBefore").GetInt64());
        });
        Assert.False(comparison.GetProperty("scenarios")[0].GetProperty("sites")[0].TryGetProperty("catchment", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"api/siting/scenarios/{threeId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/siting/scenarios/{threeId}")).StatusCode);
    }

    [Theory]
    [InlineData(WelfareRoles.Minsei)]
    [InlineData(WelfareRoles.Kyoryokuin)]
    public async Task OnlyPlannersAndAdminsSeeOrSaveScenarios(string role)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/siting/scenarios")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new { name = "x", parameters = Parameters(1) })).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/siting/scenarios")).StatusCode);
        // The analysis itself is public.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/siting?municipality=35202&add=1&areas=false")).StatusCode);
    }

    [Fact]
    public async Task SavingWithoutTheAntiforgeryTokenOrWithoutANameIsRefused()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);

        var forged = await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new { name = "x", parameters = Parameters(1) }, withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.EndsWith("antiforgery", (await WelfareClient.ReadAsync(forged)).GetProperty("type").GetString());

        var unnamed = await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new { name = " ", parameters = Parameters(1) });
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("名前", (await WelfareClient.ReadAsync(unnamed)).GetProperty("detail").GetString());
    }
}
