using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Commands;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// A 管理者 gives each 計画担当 the municipalities they may set up, and takes them back, on the administration API or with
/// <c>./fukushimap planner-cities</c>: every change audited, every wrong request refused with a Japanese problem and nothing written.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class PlannerCitiesTests(WelfareFixture fixture)
{
    private async Task<string> CodeOfAsync(string name)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.Municipalities.Where(m => m.Name == name).Select(m => m.Code).SingleAsync();
    }

    private async Task<List<string>> HeldAsync(string userId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.UserClaims.Where(c => c.UserId == userId && c.ClaimType == PlannerCities.Claim).Select(c => c.ClaimValue!).OrderBy(c => c).ToListAsync();
    }

    private static string Grant(string userId) => $"api/welfare-admin/users/{Uri.EscapeDataString(userId)}/municipalities";

    /// <summary>Creating a hub in <paramref name="code"/>: what holding a city allows (an empty body of a held city is a 400, not a 403).</summary>
    private static async Task<HttpStatusCode> TryHubAsync(WelfareClient client, string code) =>
        (await client.SendAsync(HttpMethod.Post, "api/hub-admin/hubs", new { municipalityCode = code })).StatusCode;

    [Fact]
    public async Task AnAdminGivesAPlannerACityAndTakesItBackAndBothAreAudited()
    {
        var fukutsu = await CodeOfAsync("福津市");
        using var admin = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin);
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);
        using var plannerClient = await fixture.SignInAsync(planner);
        Assert.Equal(HttpStatusCode.Forbidden, await TryHubAsync(plannerClient, fukutsu));

        var granted = await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = fukutsu });

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal([fukutsu], (await WelfareClient.ReadAsync(granted)).GetProperty("municipalities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([fukutsu], await HeldAsync(planner.Id));
        var row = (await admin.GetJsonAsync("api/welfare-admin/users")).EnumerateArray().Single(u => u.GetProperty("id").GetString() == planner.Id);
        Assert.Equal([fukutsu], row.GetProperty("municipalities").EnumerateArray().Select(c => c.GetString()));
        // At once, without signing in again.
        Assert.Equal(HttpStatusCode.BadRequest, await TryHubAsync(plannerClient, fukutsu));
        var options = await plannerClient.GetJsonAsync("api/setup/options");
        Assert.Equal([fukutsu], options.GetProperty("municipalities").EnumerateArray().Select(m => m.GetProperty("key").GetString()));

        // Granting again changes nothing and writes no second entry.
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = fukutsu })).StatusCode);
        Assert.Equal([fukutsu], await HeldAsync(planner.Id));

        var revoked = await admin.SendAsync(HttpMethod.Delete, $"{Grant(planner.Id)}/{fukutsu}");

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Empty(await HeldAsync(planner.Id));
        Assert.Equal(HttpStatusCode.Forbidden, await TryHubAsync(plannerClient, fukutsu));
        await using var db = fixture.Database.CreateContext();
        var entries = await db.AuditLog.AsNoTracking().Where(a => a.Resource == "planner-municipality" && a.Purpose == $"{fukutsu} {planner.UserName}")
            .OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["grant-municipality", "revoke-municipality"], entries.Select(a => a.Action));
        Assert.All(entries, a => Assert.Equal("success", a.Outcome));
        Assert.All(entries, a => Assert.StartsWith("t-", a.UserName));
    }

    [Fact]
    public async Task WrongRequestsAreRefusedWithAJapaneseProblemAndNothingIsWritten()
    {
        using var admin = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin);
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);
        var minsei = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var otherPlanner = await fixture.SignInAsPlannerAsync("35202");
        await using var db = fixture.Database.CreateContext();
        var unknown = Enumerable.Range(10000, 90000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .First(c => !db.Municipalities.Any(m => m.Code == c));
        var claimsBefore = await db.UserClaims.CountAsync();

        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string type, string inDetail)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await WelfareClient.ReadAsync(response);
            Assert.EndsWith(type, problem.GetProperty("type").GetString());
            Assert.Contains(inDetail, problem.GetProperty("detail").GetString());
        }

        await Refused(await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = unknown }),
            HttpStatusCode.NotFound, "unknown-municipality", $"市区町村 {unknown} は読み込まれていません");
        await Refused(await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = "ube" }),
            HttpStatusCode.BadRequest, "invalid-municipality", "5桁の数字");
        await Refused(await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { }),
            HttpStatusCode.BadRequest, "invalid-municipality", "市区町村コード");
        await Refused(await admin.SendAsync(HttpMethod.Post, Grant(minsei.Id), new { municipalityCode = "35202" }),
            HttpStatusCode.BadRequest, "not-a-planner", "計画担当ではありません");
        await Refused(await admin.SendAsync(HttpMethod.Post, Grant("no-such-user"), new { municipalityCode = "35202" }),
            HttpStatusCode.NotFound, "user-not-found", "アカウントは見つかりません");
        await Refused(await admin.SendAsync(HttpMethod.Delete, $"{Grant(planner.Id)}/35202"),
            HttpStatusCode.NotFound, "municipality-not-held", "担当していません");
        // A planner cannot give themselves (or anyone) a city; without the antiforgery token nothing is even read.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherPlanner.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = "35202" })).StatusCode);
        await Refused(await admin.SendAsync(HttpMethod.Post, Grant(planner.Id), new { municipalityCode = "35202" }, withCsrf: false),
            HttpStatusCode.BadRequest, "antiforgery", "");

        Assert.Equal(claimsBefore, await db.UserClaims.CountAsync());
        Assert.False(await db.AuditLog.AnyAsync(a => a.Resource == "planner-municipality" && a.Purpose!.EndsWith(planner.UserName)));
    }

    [Fact]
    public async Task TheCommandLineGivesAndTakesCitiesLikeTheAdministrationPage()
    {
        var fukutsu = await CodeOfAsync("福津市");
        var edogawa = await CodeOfAsync("江戸川区");
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);

        Assert.Equal(0, await CommandLine.RunAsync(["planner-cities", planner.UserName, "--grant", $"{fukutsu},{edogawa}"], fixture.Services, CancellationToken.None));
        Assert.Equal([edogawa, fukutsu], await HeldAsync(planner.Id));
        Assert.Equal(0, await CommandLine.RunAsync(["planner-cities", planner.UserName, "--revoke", edogawa], fixture.Services, CancellationToken.None));
        Assert.Equal([fukutsu], await HeldAsync(planner.Id));
        // A wrong code in a list changes nothing of the list (all or nothing), with the domain error's exit code.
        Assert.Equal(CommandLine.ExitCodeOf(Core.ErrorKind.NotFound),
            await CommandLine.RunAsync(["planner-cities", planner.UserName, "--grant", $"{edogawa},00000"], fixture.Services, CancellationToken.None));
        Assert.Equal([fukutsu], await HeldAsync(planner.Id));

        await using var db = fixture.Database.CreateContext();
        var entries = await db.AuditLog.AsNoTracking().Where(a => a.Resource == "planner-municipality" && a.Purpose!.EndsWith(" " + planner.UserName))
            .OrderBy(a => a.Id).Select(a => a.Action + " " + a.Purpose).ToListAsync();
        Assert.Equal([$"grant-municipality {fukutsu} {planner.UserName}", $"grant-municipality {edogawa} {planner.UserName}",
            $"revoke-municipality {edogawa} {planner.UserName}"], entries);
    }
}
