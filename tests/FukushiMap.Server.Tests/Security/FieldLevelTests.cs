using System.Net;
using System.Text.Json;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.WelfareMap;

namespace FukushiMap.Server.Tests.Security;

/// <summary>Field level: what a role receives and what it may set.</summary>
[Collection(WelfareCollection.Name)]
public sealed class FieldLevelTests(WelfareFixture fixture)
{
    private static readonly string[] SensitiveFields = ["disabilityDetail", "careLevel", "notes"];

    [Fact]
    public async Task AFukushiKyoryokuinNeverReceivesDisabilityCareOrNoteFields()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Kyoryokuin, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id, marker: "FIELDTEST");

        var single = await client.GetJsonAsync($"api/households/{h.Id}");
        var list = await client.GetJsonAsync("api/households");
        var raw = await (await client.GetAsync($"api/households/{h.Id}")).Content.ReadAsStringAsync();

        foreach (var item in list.GetProperty("items").EnumerateArray().Append(single))
        {
            foreach (var field in SensitiveFields)
            {
                Assert.False(item.TryGetProperty(field, out _), $"{field} was sent to a 福祉協力員");
            }
            Assert.DoesNotContain(item.GetProperty("categories").EnumerateArray(), c => HouseholdCategories.Sensitive.Contains(c.GetString()!));
        }
        Assert.DoesNotContain("視覚障害", raw);
        Assert.DoesNotContain("要介護", raw);
        Assert.DoesNotContain("メモ", raw);
    }

    [Theory]
    [InlineData(WelfareRoles.Minsei)]
    [InlineData(WelfareRoles.Chonaikai)]
    public async Task OtherRolesReceiveTheSensitiveFields(string role)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var single = await client.GetJsonAsync($"api/households/{h.Id}");

        Assert.Equal(h.DisabilityDetail, single.GetProperty("disabilityDetail").GetString());
        Assert.Equal(h.CareLevel, single.GetProperty("careLevel").GetString());
        Assert.Equal(h.Notes, single.GetProperty("notes").GetString());
    }

    public static TheoryData<string, string> ForbiddenChanges() => new()
    {
        { WelfareRoles.Chonaikai, """{"consentState":"不同意"}""" },
        { WelfareRoles.Chonaikai, """{"legalBasis":"条例"}""" },
        { WelfareRoles.Chonaikai, """{"districtId":OTHER}""" },
        { WelfareRoles.Minsei, """{"districtId":OTHER}""" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenChanges))]
    public async Task NoClientCanSetDistrictOrConsentFieldsItIsNotEntitledTo(string role, string body)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id, fixture.Other.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var read = await client.GetAsync($"api/households/{h.Id}");
        var json = JsonSerializer.Deserialize<JsonElement>(body.Replace("OTHER", fixture.Other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var response = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", json, WelfareClient.ETag(read));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.EndsWith("field-not-permitted", (await WelfareClient.ReadAsync(response)).GetProperty("type").GetString());
        var after = await client.GetJsonAsync($"api/households/{h.Id}");
        Assert.Equal(fixture.Own.Id, after.GetProperty("districtId").GetInt32());
        Assert.Equal(ConsentStates.Agreed, after.GetProperty("consentState").GetString());
    }

    [Theory]
    [InlineData("""{"createdBy":"someone"}""")]
    [InlineData("""{"version":"1"}""")]
    [InlineData("""{"owner":"x"}""")]
    [InlineData("""{"isFictitious":false}""")]
    public async Task OwnerAndBookkeepingFieldsCannotBeSentAtAll(string body)
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Admin, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var read = await client.GetAsync($"api/households/{h.Id}");

        var response = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", JsonSerializer.Deserialize<JsonElement>(body), WelfareClient.ETag(read));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AMinseiCanRecordConsentWithDateMethodAndLegalBasis()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id, ConsentStates.Unconfirmed);
        var read = await client.GetAsync($"api/households/{h.Id}");

        var response = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}",
            new { consentState = "同意", consentDate = "2026-05-01", consentMethod = "書面", legalBasis = "本人同意（法49条の11第2項）" }, WelfareClient.ETag(read));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await WelfareClient.ReadAsync(response);
        Assert.Equal("同意", body.GetProperty("consentState").GetString());
        Assert.Equal("2026-05-01", body.GetProperty("consentDate").GetString());
        Assert.Equal("書面", body.GetProperty("consentMethod").GetString());
    }
}
