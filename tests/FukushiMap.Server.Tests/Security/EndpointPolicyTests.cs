using System.Net;
using System.Text.RegularExpressions;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Security;

/// <summary>Deny by default, no-store, antiforgery and read-only GETs, checked over every endpoint the server has.</summary>
[Collection(WelfareCollection.Name)]
public sealed partial class EndpointPolicyTests(WelfareFixture fixture)
{
    private List<RouteEndpoint> Endpoints() => fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static IEnumerable<string> Methods(RouteEndpoint e) => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>A concrete URL for a route pattern: route parameters become 1 (or "hubs" for a collection id).</summary>
    private static string Url(RouteEndpoint e) =>
        RouteParameter().Replace(e.RoutePattern.RawText!.TrimStart('/'), m => m.Groups[1].Value == "collectionId" ? "hubs" : "1");

    [GeneratedRegex(@"\{([A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public void EveryEndpointMakesAnExplicitAuthorizationDecision()
    {
        var endpoints = Endpoints();
        Assert.NotEmpty(endpoints);

        var undecided = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any())
            .Select(e => $"{string.Join(",", Methods(e))} {e.RoutePattern.RawText}")
            .ToList();

        Assert.True(undecided.Count == 0, "認可の指定がないエンドポイント: " + string.Join("; ", undecided));
    }

    [Fact]
    public void HouseholdAdminAndHubManagementEndpointsAreNeverAnonymous()
    {
        var restrictedPrefixes = new[] { "/api/households", "/api/welfare-admin", "/api/hub-admin" };
        var anonymous = Endpoints()
            .Where(e => restrictedPrefixes.Any(p => e.RoutePattern.RawText!.StartsWith(p, StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.Empty(anonymous);
        Assert.Contains(Endpoints(), e => e.RoutePattern.RawText!.TrimEnd('/') == "/api/households");
    }

    [Fact]
    public async Task EveryRestrictedEndpointRefusesAnonymousCallersWithNoStore()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var restricted = Endpoints().Where(WelfareAuth.IsRestricted).ToList();
        Assert.NotEmpty(restricted);

        foreach (var e in restricted)
        {
            foreach (var method in Methods(e))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Url(e));
                if (method != "GET")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }
                var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {Url(e)} → {(int)response.StatusCode}");
                Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            }
        }
    }

    [Fact]
    public async Task EveryStateChangeWithoutAnAntiforgeryTokenIsRefused()
    {
        var admin = await fixture.CreateUserAsync(WelfareRoles.Admin, fixture.Own.Id);
        using var client = await fixture.SignInAsync(admin);
        var changing = Endpoints().Where(e => WelfareAuth.IsRestricted(e) || e.Metadata.GetMetadata<RequiresAntiforgeryMetadata>() is not null)
            .SelectMany(e => Methods(e).Where(m => m != "GET" && m != "HEAD").Select(m => (Method: m, Url: Url(e))))
            .ToList();
        Assert.Contains(changing, c => c.Method == "PATCH" && c.Url.StartsWith("api/households", StringComparison.Ordinal));

        foreach (var (method, url) in changing)
        {
            var response = await client.SendAsync(new HttpMethod(method), url, new { }, ifMatch: "\"1\"", withCsrf: false);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {url} → {(int)response.StatusCode}");
            Assert.EndsWith("antiforgery", (await WelfareClient.ReadAsync(response)).GetProperty("type").GetString());
        }
        // Signing in is a state change too.
        using var anonymous = new WelfareClient(fixture.BaseUrl);
        var login = await anonymous.SendAsync(HttpMethod.Post, "api/auth/login", new { userName = admin.UserName, password = admin.Password }, withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    [Fact]
    public async Task NoGetRequestChangesAnything()
    {
        using var adminClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin, fixture.Own.Id);
        using var plannerClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var before = await StateAsync();

        var gets = Endpoints().Where(WelfareAuth.IsRestricted).Where(e => Methods(e).Contains("GET")).ToList();
        foreach (var e in gets)
        {
            var url = Url(e).Replace("households/1", $"households/{h.Id}");
            url += url.Contains('?') ? "" : $"?district={fixture.Own.Id}";
            await adminClient.GetAsync(url);
            await plannerClient.GetAsync(url);
        }

        Assert.Equal(before, await StateAsync());
    }

    /// <summary>Everything a request could change, except the audit log (reads are recorded there by design).</summary>
    private async Task<string> StateAsync()
    {
        await using var db = fixture.Database.CreateContext();
        var households = await db.Households.Select(x => new { x.Id, x.Version }).OrderBy(x => x.Id).ToListAsync();
        return string.Join(";",
            string.Join(",", households.Select(x => $"{x.Id}:{x.Version}")),
            await db.HouseholdChanges.CountAsync(), await db.HouseholdReviews.CountAsync(), await db.Watchers.CountAsync(),
            await db.WatcherAssignments.CountAsync(), await db.DistrictGrants.CountAsync(), await db.Users.CountAsync(),
            await db.Hubs.CountAsync(), await db.Hubs.MaxAsync(x => x.UpdatedAt), await db.HubChanges.CountAsync());
    }

    [Fact]
    public async Task PublicMapEndpointsStayOpenToEveryone()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        foreach (var url in new[] { "collections/hubs/items?limit=1", "api/hub-types", "api/municipalities", "conformance", "api/auth/session" })
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
        }
    }
}
