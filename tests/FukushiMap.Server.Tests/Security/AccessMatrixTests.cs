using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.WelfareMap;

namespace FukushiMap.Server.Tests.Security;

/// <summary>Object level: role × own/other district × read/create/update/delete/export, with the expected answers written out.</summary>
[Collection(WelfareCollection.Name)]
public sealed class AccessMatrixTests(WelfareFixture fixture)
{
    // The specification: what each role may do with a consented, active household in its own granted district.
    // Outside the caller's districts every operation answers 404.
    public static TheoryData<string, string, bool, HttpStatusCode> Matrix()
    {
        var allowed = new Dictionary<string, string[]>
        {
            [WelfareRoles.Admin] = ["read", "create", "update", "delete", "export"],
            [WelfareRoles.Minsei] = ["read", "create", "update", "delete", "export"],
            [WelfareRoles.Chonaikai] = ["read", "update"],
            [WelfareRoles.Kyoryokuin] = ["read"],
            [WelfareRoles.Planner] = ["read"],
        };
        var success = new Dictionary<string, HttpStatusCode>
        {
            ["read"] = HttpStatusCode.OK, ["create"] = HttpStatusCode.Created, ["update"] = HttpStatusCode.OK,
            ["delete"] = HttpStatusCode.NoContent, ["export"] = HttpStatusCode.OK,
        };
        var data = new TheoryData<string, string, bool, HttpStatusCode>();
        foreach (var role in WelfareRoles.All)
        {
            foreach (var op in success.Keys)
            {
                data.Add(role, op, true, allowed[role].Contains(op) ? success[op] : HttpStatusCode.Forbidden);
                data.Add(role, op, false, HttpStatusCode.NotFound);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachRoleMayDoExactlyWhatTheMatrixSaysInOwnAndOtherDistricts(string role, string operation, bool ownDistrict, HttpStatusCode expected)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);
        var district = ownDistrict ? fixture.Own : fixture.Other;
        var household = await fixture.CreateHouseholdAsync(district.Id);
        var etag = $"\"{household.Version}\"";

        var response = operation switch
        {
            "read" => await client.GetAsync($"api/households/{household.Id}"),
            "create" => await client.SendAsync(HttpMethod.Post, "api/households", new
            {
                districtId = district.Id, label = "（架空）新しい世帯", lon = household.Location.X, lat = household.Location.Y, categories = new[] { "独居高齢者" },
            }),
            "update" => await client.SendAsync(HttpMethod.Patch, $"api/households/{household.Id}", new { address = "（架空）変更後の住所" }, etag),
            "delete" => await client.SendAsync(HttpMethod.Delete, $"api/households/{household.Id}", null, etag),
            "export" => await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = district.Id, purpose = "テスト: 三者懇談会の資料", format = "csv" }),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task ListsAndBboxQueriesReturnOnlyTheCallersDistricts()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var other = await fixture.CreateHouseholdAsync(fixture.Other.Id);
        var own = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var all = await client.GetJsonAsync("api/households");
        // A bbox around both districts: the server still filters to the grant.
        var e = fixture.Own.Geometry.EnvelopeInternal;
        e.ExpandToInclude(fixture.Other.Geometry.EnvelopeInternal);
        var inBox = await client.GetJsonAsync(FormattableString.Invariant($"api/households?bbox={e.MinX},{e.MinY},{e.MaxX},{e.MaxY}"));

        foreach (var list in new[] { all, inBox })
        {
            var items = list.GetProperty("items").EnumerateArray().ToList();
            Assert.NotEmpty(items);
            Assert.All(items, i => Assert.Equal(fixture.Own.Id, i.GetProperty("districtId").GetInt32()));
            Assert.Contains(items, i => i.GetProperty("id").GetInt32() == own.Id);
            Assert.DoesNotContain(items, i => i.GetProperty("id").GetInt32() == other.Id);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/households?district={fixture.Other.Id}")).StatusCode);
    }

    [Fact]
    public async Task APersonWithoutAGrantSeesNoHouseholds()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);
        var household = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var list = await client.GetJsonAsync("api/households");

        Assert.Equal(0, list.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/households/{household.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/households/evacuation?district={fixture.Own.Id}")).StatusCode);
    }

    [Theory]
    [InlineData(WelfareRoles.Chonaikai)]
    [InlineData(WelfareRoles.Kyoryokuin)]
    [InlineData(WelfareRoles.Planner)]
    public async Task CommunityRolesSeeOnlyConsentedHouseholds(string role)
    {
        using var communityClient = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);
        using var minseiClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var refused = await fixture.CreateHouseholdAsync(fixture.Own.Id, ConsentStates.Refused);
        var unconfirmed = await fixture.CreateHouseholdAsync(fixture.Own.Id, ConsentStates.Unconfirmed);

        foreach (var h in new[] { refused, unconfirmed })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await communityClient.GetAsync($"api/households/{h.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await minseiClient.GetAsync($"api/households/{h.Id}")).StatusCode);
        }
        var ids = (await communityClient.GetJsonAsync("api/households")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.DoesNotContain(refused.Id, ids);
        Assert.DoesNotContain(unconfirmed.Id, ids);
    }

    [Theory]
    [InlineData(HouseholdStatuses.Moved)]
    [InlineData(HouseholdStatuses.Deceased)]
    public async Task MovedAndDeceasedHouseholdsLeaveCommunityViewsAtOnce(string status)
    {
        using var community = await fixture.SignInAsNewUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);
        using var register = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var read = await register.GetAsync($"api/households/{h.Id}");
        Assert.Equal(HttpStatusCode.OK, (await community.GetAsync($"api/households/{h.Id}")).StatusCode);

        var update = await register.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { status }, WelfareClient.ETag(read));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await community.GetAsync($"api/households/{h.Id}")).StatusCode);
        var ids = (await community.GetJsonAsync("api/households")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
        Assert.DoesNotContain(h.Id, ids);
        var registerIds = (await register.GetJsonAsync("api/households?include_inactive=true")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
        Assert.Contains(h.Id, registerIds);
    }

    [Fact]
    public async Task HouseholdDataIsNeverAnOgcCollection()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var collections = JsonDocument.Parse(await http.GetStringAsync("collections?f=json")).RootElement.GetProperty("collections");

        Assert.DoesNotContain(collections.EnumerateArray(), c => c.GetProperty("id").GetString()!.Contains("household", StringComparison.OrdinalIgnoreCase)
            || c.GetProperty("id").GetString()!.Contains("watcher", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("collections/households/items")).StatusCode);
    }
}
