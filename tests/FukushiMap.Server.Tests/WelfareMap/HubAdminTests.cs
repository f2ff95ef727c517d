using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>Hub management by 計画担当: changes show in the public layers at once and are kept with who and when.</summary>
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
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);
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
}
