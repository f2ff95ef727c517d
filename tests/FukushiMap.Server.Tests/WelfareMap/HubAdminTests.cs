using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// Hub management by 計画担当: changes show in the public layers at once and are kept with who and when; a planner changes
/// only the hubs of the municipalities they hold.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class HubAdminTests(WelfareFixture fixture)
{
    private async Task<List<int>> PublicHubIdsAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var doc = JsonDocument.Parse(await http.GetStringAsync("collections/hubs/items?limit=1000&municipality_code=35202")).RootElement;
        return doc.GetProperty("features").EnumerateArray().Select(f => int.Parse(f.GetProperty("id").ToString(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The hubs the resident finder offers from a point (within an hour's walk).</summary>
    private async Task<List<int>> NearestHubIdsAsync(double lon, double lat)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var url = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"api/nearest-hubs?lon={lon}&lat={lat}&limit=20");
        var doc = JsonDocument.Parse(await http.GetStringAsync(url)).RootElement;
        return doc.EnumerateArray().Select(h => h.GetProperty("id").GetInt32()).ToList();
    }

    [Fact]
    public async Task APlannerAddsEditsAndRetiresAHubAndThePublicLayerFollowsAtOnce()
    {
        using var client = await fixture.SignInAsPlannerAsync("35202");
        var place = (await client.GetJsonAsync("api/hub-admin/geocode?q=" + Uri.EscapeDataString("宇部市常盤町１丁目1-1"))).EnumerateArray().First();

        var (placeLon, placeLat) = (place.GetProperty("lon").GetDouble(), place.GetProperty("lat").GetDouble());
        Assert.NotEmpty(await NearestHubIdsAsync(placeLon, placeLat)); // the finder's hub tables are now in memory

        var created = await client.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new
        {
            municipalityCode = "35202", typeKey = "fureai-center", name = "テスト拠点（架空）", address = "宇部市常盤町１丁目",
            lon = place.GetProperty("lon").GetDouble(), lat = place.GetProperty("lat").GetDouble(),
            functions = new[] { "相談", "居場所" }, targetGroups = new[] { "誰でも" },
            openingHours = new[] { new { days = new[] { 1, 3, 5 }, opens = "10:00", closes = "15:00" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hub = await WelfareClient.ReadAsync(created);
        var id = hub.GetProperty("id").GetInt32();
        Assert.Contains(id, await PublicHubIdsAsync());
        Assert.Contains(id, await NearestHubIdsAsync(placeLon, placeLat));

        var stale = WelfareClient.ETag(created);
        var edited = await client.SendAsync(HttpMethod.Patch, $"api/hub-admin/hubs/{id}", new { functions = new[] { "相談", "子ども食堂" }, targetGroups = new[] { "子ども", "子育て" } }, stale);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(HttpMethod.Patch, $"api/hub-admin/hubs/{id}", new { name = "x" }, stale)).StatusCode);

        var retired = await client.SendAsync(HttpMethod.Post, $"api/hub-admin/hubs/{id}/retire", null, WelfareClient.ETag(edited));
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.DoesNotContain(id, await PublicHubIdsAsync());
        Assert.DoesNotContain(id, await NearestHubIdsAsync(placeLon, placeLat));

        var history = (await client.GetJsonAsync($"api/hub-admin/hubs/{id}/history")).EnumerateArray().ToList();
        Assert.Equal(["retire", "update", "create"], history.Select(h => h.GetProperty("action").GetString()));
        Assert.All(history, h => Assert.StartsWith("テスト", h.GetProperty("userName").GetString()));
        Assert.Contains("子ども食堂", history[1].GetProperty("snapshot").GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
    }

    [Theory]
    [MemberData(nameof(WelfareFixture.FieldRoles), MemberType = typeof(WelfareFixture))]
    public async Task OnlyPlannersAndAdminsManageHubs(string role)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);

        var response = await client.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new { municipalityCode = "35202", typeKey = "fureai-center", name = "x", lon = 131.25, lat = 33.95 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>A row of the hubs table as the database holds it, with its row version: "nothing changed" means all of it.</summary>
    private async Task<string> HubRowAsync(int id)
    {
        await using var db = fixture.Database.CreateContext();
        var row = await db.Database.SqlQuery<string>($"SELECT (h.*)::text || ' xmin=' || h.xmin::text AS \"Value\" FROM hubs h WHERE id = {id}").SingleAsync();
        var changes = await db.HubChanges.CountAsync(c => c.HubId == id);
        return $"{row} changes={changes}";
    }

    [Fact]
    public async Task APlannerOfOneCityCannotChangeAnotherCitysHubAndNothingChanges()
    {
        await using var db = fixture.Database.CreateContext();
        // City B is 宇部市; city A is another loaded municipality (any one: the rule does not depend on which).
        var cityA = await db.Municipalities.Where(m => m.Code != "35202").OrderBy(m => m.Code).Select(m => m.Code).FirstAsync();
        using var admin = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin);
        var marker = Guid.NewGuid().ToString("N")[..6];
        var created = await admin.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new
        {
            municipalityCode = "35202", typeKey = "fureai-center", name = $"テスト拠点 {marker}", lon = 131.2466, lat = 33.9516,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await WelfareClient.ReadAsync(created)).GetProperty("id").GetInt32();
        var version = WelfareClient.ETag(created);
        var before = await HubRowAsync(id);
        var planner = await fixture.CreatePlannerAsync(cityA);
        using var client = await fixture.SignInAsync(planner);

        var refusals = new[]
        {
            await client.SendAsync(HttpMethod.Patch, $"api/hub-admin/hubs/{id}", new { name = $"書き換え {marker}" }, version),
            await client.SendAsync(HttpMethod.Post, $"api/hub-admin/hubs/{id}/retire", null, version),
            await client.SendAsync(HttpMethod.Post, $"api/hub-admin/hubs/{id}/reopen", null, version),
            await client.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new
            {
                municipalityCode = "35202", typeKey = "fureai-center", name = $"新しい拠点 {marker}", lon = 131.2466, lat = 33.9516,
            }),
        };

        foreach (var response in refusals)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var problem = await WelfareClient.ReadAsync(response);
            Assert.EndsWith("hub-forbidden", problem.GetProperty("type").GetString());
            Assert.Contains("宇部市（35202）の拠点を変える権限がありません", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, await HubRowAsync(id));
        Assert.False(await db.Hubs.AnyAsync(h => h.Name == $"新しい拠点 {marker}"));
        var denied = await db.AuditLog.AsNoTracking().Where(a => a.UserId == planner.Id && a.Outcome == "denied").ToListAsync();
        Assert.Equal(["hub-create", "hub-reopen", "hub-retire", "hub-update"], denied.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.All(denied, a => Assert.Equal("35202", a.Purpose));
        Assert.All(denied.Where(a => a.Action != "hub-create"), a => Assert.Equal([id], a.RecordIds));

        // The same planner changes hubs of the city they hold.
        var own = await client.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new
        {
            municipalityCode = cityA, typeKey = "fureai-center", name = $"担当の市の拠点 {marker}",
            lon = await db.Municipalities.Where(m => m.Code == cityA).Select(m => m.Boundary!.InteriorPoint.X).FirstAsync(),
            lat = await db.Municipalities.Where(m => m.Code == cityA).Select(m => m.Boundary!.InteriorPoint.Y).FirstAsync(),
        });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task ThePlannersSessionNamesTheCitiesTheyHoldAndAnAdminsNamesNone()
    {
        using var planner = await fixture.SignInAsPlannerAsync("35202");
        using var admin = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin);
        using var minsei = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);

        Assert.Equal(["35202"], (await planner.RefreshSessionAsync()).GetProperty("municipalities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, (await admin.RefreshSessionAsync()).GetProperty("municipalities").ValueKind);
        Assert.Empty((await minsei.RefreshSessionAsync()).GetProperty("municipalities").EnumerateArray());
    }
}
