using System.Net;
using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>Watchers are checked, edited and deleted like households (districts, roles, If-Match, audit); review years are checked.</summary>
[Collection(WelfareCollection.Name)]
public sealed class WatcherTests(WelfareFixture fixture)
{
    private async Task<(double Lon, double Lat)> InsideOwnAsync()
    {
        await using var db = fixture.Database.CreateContext();
        var p = (await db.Districts.SingleAsync(d => d.Id == fixture.Own.Id)).Geometry.InteriorPoint;
        return (p.X, p.Y);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await WelfareClient.ReadAsync(response)).GetProperty("detail").GetString()!;
    }

    [Theory]
    [InlineData(1000.0, 34.0, "lon・lat")]
    [InlineData(131.2, double.NaN, "lon・lat")]
    [InlineData(139.69, 35.69, "市区町村の外")]   // Tokyo: in Japan, not in 宇部市
    public async Task AWatcherOutsideTheMunicipalityIsRefusedNamingThePosition(double lon, double lat, string expected)
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);

        var answer = await client.SendAsync(HttpMethod.Post, "api/households/watchers",
            new Dictionary<string, object?> { ["districtId"] = fixture.Own.Id, ["name"] = "（架空）見守り", ["lon"] = double.IsNaN(lat) ? null : lon, ["lat"] = double.IsNaN(lat) ? null : lat });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(expected, await DetailAsync(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongWatcherTextIsRefusedNamingTheField()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var (lon, lat) = await InsideOwnAsync();

        var longRole = await client.SendAsync(HttpMethod.Post, "api/households/watchers",
            new { districtId = fixture.Own.Id, name = "（架空）見守り", role = new string('あ', 100_000), lon, lat });
        var longName = await client.SendAsync(HttpMethod.Post, "api/households/watchers",
            new { districtId = fixture.Own.Id, name = new string('あ', 101), lon, lat });

        Assert.Equal(HttpStatusCode.BadRequest, longRole.StatusCode);
        Assert.Contains("role（役割）", await DetailAsync(longRole), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longName.StatusCode);
        Assert.Contains("name（名前）", await DetailAsync(longName), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWatcherIsEditedAndDeletedWithIfMatchAndEveryStepIsAudited()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        var (lon, lat) = await InsideOwnAsync();
        var created = await client.SendAsync(HttpMethod.Post, "api/households/watchers", new { districtId = fixture.Own.Id, name = "（架空）見守り 甲", role = "福祉協力員", lon, lat });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await WelfareClient.ReadAsync(created)).GetProperty("id").GetInt32();
        var etag = WelfareClient.ETag(created)!;

        var noIfMatch = await client.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { name = "（架空）見守り 乙" });
        var badLon = await client.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { lon = 1000.0, lat }, etag);
        var changed = await client.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { name = "（架空）見守り 乙" }, etag);
        var stale = await client.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { name = "（架空）見守り 丙" }, etag);
        var staleDelete = await client.SendAsync(HttpMethod.Delete, $"api/households/watchers/{id}", ifMatch: etag);
        var deleted = await client.SendAsync(HttpMethod.Delete, $"api/households/watchers/{id}", ifMatch: WelfareClient.ETag(changed));

        Assert.Equal((HttpStatusCode)428, noIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLon.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("（架空）見守り 乙", (await WelfareClient.ReadAsync(changed)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("（架空）見守り 乙", (await WelfareClient.ReadAsync(stale)).GetProperty("current").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await using var db = fixture.Database.CreateContext();
        Assert.False(await db.Watchers.AnyAsync(w => w.Id == id));
        var audit = await db.AuditLog.Where(a => a.UserId == user.Id && a.Resource == "watcher" && a.RecordIds.Contains(id))
            .OrderBy(a => a.Id).Select(a => a.Action + ":" + a.Outcome).ToListAsync();
        Assert.Equal(["create:success", "update:invalid", "update:invalid", "update:success", "update:conflict", "delete:conflict", "delete:success"], audit);
    }

    [Fact]
    public async Task OtherDistrictsWatchersAre404AndRolesWithoutTheRightAre403()
    {
        using var ownerClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var (lon, lat) = await InsideOwnAsync();
        var created = await ownerClient.SendAsync(HttpMethod.Post, "api/households/watchers", new { districtId = fixture.Own.Id, name = "（架空）見守り 丁", lon, lat });
        var id = (await WelfareClient.ReadAsync(created)).GetProperty("id").GetInt32();
        var etag = WelfareClient.ETag(created)!;
        using var strangerClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Other.Id);
        using var helperClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Kyoryokuin, fixture.Own.Id);
        using var chonaikaiClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);

        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { name = "x" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.SendAsync(HttpMethod.Delete, $"api/households/watchers/{id}", ifMatch: etag)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await helperClient.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { name = "x" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chonaikaiClient.SendAsync(HttpMethod.Delete, $"api/households/watchers/{id}", ifMatch: etag)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await chonaikaiClient.SendAsync(HttpMethod.Patch, $"api/households/watchers/{id}", new { role = "町内会役員" }, etag)).StatusCode);
    }

    [Theory]
    [InlineData(99999)]
    [InlineData(1999)]
    public async Task AReviewYearOutsideASensibleRangeIsRefused(int year)
    {
        var household = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);

        var answer = await client.SendAsync(HttpMethod.Post, $"api/households/{household.Id}/review", new { year, outcome = "confirmed" });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("year（年度）", await DetailAsync(answer), StringComparison.Ordinal);
    }
}
