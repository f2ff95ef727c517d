using System.Net;
using System.Text;
using FukushiMap.Core.Network;
using FukushiMap.Data.Welfare;
using FukushiMap.Analysis.Cities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>Meeting mode, evacuation, planner aggregates and the demo data.</summary>
[Collection(WelfareCollection.Name)]
public sealed class WelfareMapTests(WelfareFixture fixture)
{
    [Fact]
    public async Task TheDemoDistrictsAreGroupsOfChomeLabelledAsDemo()
    {
        await using var db = fixture.Database.CreateContext();
        var layers = await db.DistrictLayers.Where(l => l.MunicipalityCode == "35202" && l.Key.StartsWith("demo-")).Include(l => l.Districts).ToListAsync();
        var fureai = await db.Hubs.CountAsync(h => h.MunicipalityCode == "35202" && h.HubType!.Key == "fureai-center" && h.SourceRef != null);

        var chiku = Assert.Single(layers, l => l.Kind == "地区");
        var minsei = Assert.Single(layers, l => l.Kind == "民生委員担当区域");
        Assert.InRange(chiku.Districts.Count, 1, fureai);
        Assert.True(minsei.Districts.Count >= chiku.Districts.Count);
        Assert.All(layers.SelectMany(l => l.Districts), d => Assert.Contains("デモ用", d.Name));
        Assert.All(layers.SelectMany(l => l.Districts), d => Assert.True(d.Geometry.IsValid && d.AreaSquareMetres > 0));
        // Every 町丁 point lies in exactly one 地区.
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM population_units p
            WHERE p.municipality_code = '35202'
              AND (SELECT count(*) FROM districts d WHERE d.layer_id = @layer AND ST_Covers(d.geometry, p.point)) <> 1
            """, connection);
        command.Parameters.AddWithValue("layer", chiku.Id);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task EveryDemoHouseholdIsFictitiousAndLabelledSo()
    {
        await using var db = fixture.Database.CreateContext();
        var labels = await db.Households.Where(h => h.CreatedBy == "デモデータ").Select(h => new { h.Label, h.IsFictitious }).ToListAsync();

        Assert.NotEmpty(labels);
        Assert.All(labels, h => Assert.True(h.IsFictitious && h.Label.StartsWith("（架空）", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EvacuationMinutesAtTheElderlyPaceMatchAnIndependentNearestShelterSearch()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);

        var list = await client.GetJsonAsync($"api/households/evacuation?district={fixture.Own.Id}&minutes=10");

        Assert.Equal(60, list.GetProperty("pace").GetDouble());
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.Equal(items.Count(i => i.GetProperty("beyond").GetBoolean()), list.GetProperty("beyondCount").GetInt32());
        var city = (await fixture.Services.GetRequiredService<NetworkCatalog>().GetAsync("35202"))!;
        await using var db = fixture.Database.CreateContext();
        var shelters = await db.Shelters.Where(s => s.MunicipalityCode == "35202" && s.Kind == "指定避難所").OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.Location.X, s.Location.Y }).ToListAsync();
        var snapped = shelters.Select(s => (s.Id, Snap: city.Snap(s.X, s.Y))).Where(s => s.Snap.IsOnNetwork).ToList();
        var finder = new NearestSourceFinder(city.Graph, snapped.Select(s => s.Snap).ToList());
        var checkedCount = 0;
        foreach (var item in items.Where(i => i.GetProperty("minutes").ValueKind == System.Text.Json.JsonValueKind.Number))
        {
            var from = city.Snap(item.GetProperty("lon").GetDouble(), item.GetProperty("lat").GetDouble());
            var nearest = finder.Find(from, 1, 60 * 120)[0];
            Assert.Equal(nearest.WalkMetres / 60, item.GetProperty("minutes").GetDouble(), 0.2);
            Assert.Equal(item.GetProperty("minutes").GetDouble() > 10, item.GetProperty("beyond").GetBoolean());
            checkedCount++;
        }
        Assert.True(checkedCount > 0);
    }

    [Fact]
    public async Task PlannersSeeAggregatesWithCountsUnderFiveSuppressedAndNoHouseholds()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);

        var aggregates = await client.GetJsonAsync("api/households/aggregates?minutes=10");

        var rows = aggregates.GetProperty("districts").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        var shown = 0;
        var suppressed = 0;
        foreach (var row in rows)
        {
            foreach (var name in new[] { "households", "beyondHubs", "beyondShelters", "offNetwork" })
            {
                var count = row.GetProperty(name);
                if (count.GetProperty("suppressed").GetBoolean())
                {
                    Assert.Equal(System.Text.Json.JsonValueKind.Null, count.GetProperty("value").ValueKind);
                    suppressed++;
                }
                else
                {
                    Assert.True(count.GetProperty("value").GetInt32() >= 5);
                    shown++;
                }
            }
        }
        Assert.True(shown > 0 && suppressed > 0, $"shown {shown}, suppressed {suppressed}");
        // The shown household totals are what PostGIS counts per 地区.
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var row in rows.Where(r => !r.GetProperty("households").GetProperty("suppressed").GetBoolean()))
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM households h JOIN districts d ON ST_Covers(d.geometry, h.location) WHERE d.id = @d AND h.status = 'active'", connection);
            command.Parameters.AddWithValue("d", row.GetProperty("districtId").GetInt32());
            Assert.Equal((long)(await command.ExecuteScalarAsync())!, row.GetProperty("households").GetProperty("value").GetInt32());
        }
        Assert.Equal(0, (await client.GetJsonAsync("api/households")).GetProperty("count").GetInt32());
    }

    [Theory]
    [MemberData(nameof(WelfareFixture.FieldRoles), MemberType = typeof(WelfareFixture))]
    public async Task OnlyPlannersAndAdminsGetAggregates(string role)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/households/aggregates")).StatusCode);
    }

    [Fact]
    public async Task TheYearlyReviewRecordsConfirmedChangedAndRemovedWithAChangeLog()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var communityClient = await fixture.SignInAsNewUserAsync(WelfareRoles.Kyoryokuin, fixture.Own.Id);
        var confirmed = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var removed = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var r1 = await client.SendAsync(HttpMethod.Post, $"api/households/{confirmed.Id}/review", new { year = 2026, outcome = "confirmed" });
        var r2 = await client.SendAsync(HttpMethod.Post, $"api/households/{removed.Id}/review", new { year = 2026, outcome = "removed", status = "moved" });
        var bad = await client.SendAsync(HttpMethod.Post, $"api/households/{removed.Id}/review", new { year = 2026, outcome = "removed" });

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var checklist = await client.GetJsonAsync($"api/households/reviews?district={fixture.Own.Id}&year=2026");
        var rows = checklist.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("householdId").GetInt32());
        Assert.Equal("confirmed", rows[confirmed.Id].GetProperty("outcome").GetString());
        Assert.Equal("removed", rows[removed.Id].GetProperty("outcome").GetString());
        Assert.Equal("moved", rows[removed.Id].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await communityClient.GetAsync($"api/households/{removed.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await communityClient.SendAsync(HttpMethod.Post, $"api/households/{confirmed.Id}/review", new { year = 2026, outcome = "confirmed" })).StatusCode);
        var changes = await client.GetJsonAsync($"api/households/changes?district={fixture.Own.Id}");
        Assert.Contains(changes.EnumerateArray(), c => c.GetProperty("householdId").GetInt32() == removed.Id && c.GetProperty("action").GetString() == "review");
    }

    [Fact]
    public async Task ExportsNeedAPurposeAndARoleThatMayExport()
    {
        var minsei = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var chonaikai = await fixture.CreateUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);
        using var client = await fixture.SignInAsync(minsei);
        using var other = await fixture.SignInAsync(chonaikai);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var noPurpose = await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, format = "csv" });
        var csv = await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, purpose = "三者懇談会の資料", format = "csv" });
        var print = await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, purpose = "三者懇談会の地図", format = "print" });
        var refused = await other.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, purpose = "持ち帰り", format = "csv" });

        Assert.Equal(HttpStatusCode.BadRequest, noPurpose.StatusCode);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains("架空のデモデータ", text);
        Assert.Contains(h.Label, text);
        var permit = await WelfareClient.ReadAsync(print);
        Assert.Contains(minsei.UserName[2..6], permit.GetProperty("watermark").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await using var db = fixture.Database.CreateContext();
        var exports = await db.AuditLog.Where(a => a.Action == "export" && (a.UserId == minsei.Id || a.UserId == chonaikai.Id)).ToListAsync();
        Assert.Contains(exports, a => a.UserId == minsei.Id && a.Outcome == "success" && a.Purpose == "csv: 三者懇談会の資料");
        Assert.Contains(exports, a => a.UserId == minsei.Id && a.Outcome == "success" && a.Purpose == "print: 三者懇談会の地図");
        Assert.Contains(exports, a => a.UserId == chonaikai.Id && a.Outcome == "denied" && a.Purpose == "持ち帰り");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+81 836", "'+81 836")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("普通の値", "普通の値")]
    public void CsvCellsThatASpreadsheetWouldRunAsFormulasAreDefused(string cell, string expected) =>
        Assert.Equal(expected, FukushiMap.Server.Infrastructure.Csv.Text(cell));

    [Fact]
    public async Task WatchersComeWithTheirWorkloadAndAssignmentsStayInsideTheDistrict()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var watchers = (await client.GetJsonAsync($"api/households/watchers?district={fixture.Own.Id}")).EnumerateArray().ToList();
        await using var db = fixture.Database.CreateContext();
        var otherWatcher = await db.Watchers.Where(w => w.DistrictId == fixture.Other.Id).Select(w => w.Id).FirstAsync();
        var watcher = watchers[0];
        var before = watcher.GetProperty("workload").GetInt32();
        var read = await client.GetAsync($"api/households/{h.Id}");

        var assign = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { watcherIds = new[] { watcher.GetProperty("id").GetInt32() } }, WelfareClient.ETag(read));
        var foreign = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { watcherIds = new[] { otherWatcher } }, WelfareClient.ETag(assign));

        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        var after = (await client.GetJsonAsync($"api/households/watchers?district={fixture.Own.Id}")).EnumerateArray()
            .Single(w => w.GetProperty("id").GetInt32() == watcher.GetProperty("id").GetInt32());
        Assert.Equal(before + 1, after.GetProperty("workload").GetInt32());
        Assert.All(watchers, w => Assert.Equal(fixture.Own.Id, w.GetProperty("districtId").GetInt32()));
    }

    [Fact]
    public async Task AHouseholdCannotBePlacedOutsideItsDistrict()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var inOther = (NetTopologySuite.Geometries.Point)fixture.Other.Geometry.InteriorPoint;

        var create = await client.SendAsync(HttpMethod.Post, "api/households",
            new { districtId = fixture.Own.Id, label = "（架空）区域外", lon = inOther.X, lat = inOther.Y });

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.EndsWith("outside-district", (await WelfareClient.ReadAsync(create)).GetProperty("type").GetString());
    }
}
