using System.Net;
using System.Text.Json;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Server.WelfareMap;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.Security;

/// <summary>
/// The real server over its own database in which every kind of name a person or a file can set carries a classic script
/// payload: hubs (through the real import path), 地区 and 民生委員担当区域 (district names), 町丁・字 (the coverage rows), shelters,
/// households, watchers (names and roles) and saved siting scenarios. One payload per record, so each shows up on a page.
/// A hub and a 町丁 are also named as a spreadsheet formula, for the CSV exports.
/// </summary>
public sealed class PayloadFixture : IAsyncLifetime
{
    /// <summary>Classic stored-XSS payloads: markup, attribute breakout, script, URL scheme, template and JS-string breakout.</summary>
    public static readonly string[] Payloads =
    [
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "{{7*7}}",
        "'); alert(1);//",
    ];

    /// <summary>A name a spreadsheet would run as a formula.</summary>
    public const string Formula = "=HYPERLINK(\"http://x\",\"y\")";

    public static string HubName(int i) => $"拠点{i} {Payloads[i]}";
    public static string DistrictName(int i) => $"区域{i} {Payloads[i]}";
    public static string ChikuName(int i) => $"地区{i} {Payloads[i]}";
    public static string UnitName(int i) => $"町{i} {Payloads[i]}";
    public static string ShelterName(int i) => $"避難所{i} {Payloads[i]}";
    public static string HouseholdLabel(int i) => $"（架空）世帯{i} {Payloads[i]}";
    public static string WatcherName(int i) => $"担当{i} {Payloads[i]}";
    public static string WatcherRole(int i) => $"役{i} {Payloads[(i + 3) % Payloads.Length]}";
    public static string ScenarioName(int i) => $"案{i} {Payloads[i]}";

    /// <summary>Two scenarios: siting runs are not free.</summary>
    public const int Scenarios = 2;

    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public string BaseUrl { get; private set; } = "";

    /// <summary>The district with the payload households and watchers, and the one beside it.</summary>
    public int Own { get; private set; }
    public int Other { get; private set; }

    /// <summary>The 町丁 named <see cref="Formula"/> (its KEY_CODE, the coverage row's district_code).</summary>
    public string FormulaUnitCode { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("payloads", withReferenceData: true);
        await using (var db = Database.CreateContext())
        {
            await DemoWelfareData.EnsureAsync(db);
            var (own, other) = await WelfareCommands.DemoDistrictsAsync(db, CancellationToken.None);
            (Own, Other) = (own.Id, other.Id);
        }
        await ImportHubsAsync();
        await NameRecordsAsync();
        _app = await WelfareFixture.StartAsync(Database, Clock, logs: null, loginPermitsPerMinute: 100_000);
        BaseUrl = WelfareFixture.Address(_app);
        await SaveScenariosAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Hubs come in as a person would bring them: a GeoJSON file through ./fukushimap import (a second run changes nothing).</summary>
    private async Task ImportHubsAsync()
    {
        var names = Enumerable.Range(0, Payloads.Length).Select(HubName).Append(Formula).ToList();
        var features = names.Select((name, i) => new
        {
            type = "Feature",
            properties = new { name },
            geometry = new { type = "Point", coordinates = new[] { 131.262 + 0.004 * i, 33.947 + 0.001 * (i % 3) } },
        });
        var path = Path.Combine(Path.GetTempPath(), "fukushimap-payload-hubs.geojson");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { type = "FeatureCollection", features }));
        var output = new StringWriter();
        var error = new StringWriter();
        using var host = TestCommandHost.For(Database);
        var code = await ImportCommand.RunAsync(["hubs", path, "--municipality", "35202", "--type", "ibasho", "--attribution", "攻撃文字列のテスト"],
            host.Services, output, error);
        Assert.True(code == 0, error.ToString());
    }

    /// <summary>Districts, 町丁, shelters, households and watchers named with the payloads (idempotent: the same names every run).</summary>
    private async Task NameRecordsAsync()
    {
        await using var db = Database.CreateContext();
        var own = await db.Districts.FirstAsync(d => d.Id == Own);
        var centre = (Point)own.Geometry.InteriorPoint;

        var districts = await db.Districts.Where(d => d.LayerId == own.LayerId).OrderBy(d => d.Id != Own).ThenBy(d => d.Id != Other)
            .ThenBy(d => d.Geometry.Centroid.Distance(centre)).Take(Payloads.Length).ToListAsync();
        for (var i = 0; i < districts.Count; i++)
        {
            districts[i].Name = DistrictName(i);
        }
        var chiku = await db.Districts.Where(d => d.Layer!.Key == DemoWelfareData.ChikuLayerKey).OrderBy(d => d.Geometry.Centroid.Distance(centre))
            .Take(Payloads.Length).ToListAsync();
        for (var i = 0; i < chiku.Count; i++)
        {
            chiku[i].Name = ChikuName(i);
        }

        // The 町丁 nearest the network's middle, so the coverage and siting tables list them with people reached.
        var hubArea = new Point(131.27, 33.948) { SRID = 6668 };
        var units = await db.PopulationUnits.Where(p => p.MunicipalityCode == "35202" && p.Population > 0)
            .OrderBy(p => p.Point.Distance(hubArea)).Take(Payloads.Length + 1).ToListAsync();
        for (var i = 0; i < Payloads.Length; i++)
        {
            units[i].Name = UnitName(i);
        }
        units[^1].Name = Formula;
        FormulaUnitCode = units[^1].KeyCode;

        var shelters = await db.Shelters.Where(s => s.MunicipalityCode == "35202").OrderBy(s => s.Location.Distance(centre)).Take(Payloads.Length).ToListAsync();
        for (var i = 0; i < shelters.Count; i++)
        {
            shelters[i].Name = ShelterName(i);
        }
        await db.SaveChangesAsync();

        if (await db.Households.AnyAsync(h => h.DistrictId == Own && h.Label == HouseholdLabel(0)))
        {
            return;
        }
        var watchers = Enumerable.Range(0, 3).Select(i => new Watcher
        {
            DistrictId = Own,
            Name = WatcherName(i),
            Role = WatcherRole(i),
            Location = new Point(centre.X + 0.001 * (i - 1), centre.Y - 0.001) { SRID = 6668 },
        }).ToList();
        db.Watchers.AddRange(watchers);
        for (var i = 0; i < Payloads.Length; i++)
        {
            var household = new Household
            {
                MunicipalityCode = own.MunicipalityCode,
                DistrictId = Own,
                Label = HouseholdLabel(i),
                Address = $"（架空の住所）{Payloads[i]}",
                Location = new Point(centre.X + 0.0008 * (i - 2.5), centre.Y + 0.0005) { SRID = 6668 },
                Categories = [HouseholdCategories.LivingAlone],
                ConsentState = ConsentStates.Agreed,
                ConsentDate = new DateOnly(2026, 4, 1),
                Status = HouseholdStatuses.Active,
                IsFictitious = true,
                CreatedAt = Clock.GetUtcNow(),
                UpdatedAt = Clock.GetUtcNow(),
            };
            household.Watchers.Add(new WatcherAssignment { Watcher = watchers[i % watchers.Count], AssignedAt = Clock.GetUtcNow() });
            db.Households.Add(household);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>A 計画担当 saves scenarios named with payloads through the API, as the siting page does.</summary>
    private async Task SaveScenariosAsync()
    {
        await using (var db = Database.CreateContext())
        {
            if (await db.SitingScenarios.CountAsync(s => s.Name.StartsWith("案")) >= Scenarios)
            {
                return;
            }
        }
        var planner = await CreateUserAsync(WelfareRoles.Planner);
        using var client = await SignInAsync(planner);
        for (var i = 0; i < Scenarios; i++)
        {
            var saved = await client.SendAsync(HttpMethod.Post, "api/siting/scenarios", new
            {
                name = ScenarioName(i),
                note = Payloads[i],
                parameters = new { municipality = "35202", add = 1 + i, minutes = 10, pace = 60, solver = "greedy" },
            });
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        }
    }

    /// <summary>A new user with <paramref name="role"/> and a one-year grant for each district.</summary>
    public async Task<WelfareFixture.TestUser> CreateUserAsync(string role, params int[] districts)
    {
        using var scope = _app!.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var name = $"p-{Guid.NewGuid():N}"[..14];
        var password = WelfareAccounts.GeneratePassword();
        var created = await WelfareAccounts.CreateAsync(users, name, $"テスト {role} {name[2..6]}", role, password, Clock.GetUtcNow(), demo: false);
        Assert.True(created.User is not null, string.Join(" ", created.Errors));
        foreach (var d in districts)
        {
            db.DistrictGrants.Add(new DistrictGrant
            {
                UserId = created.User!.Id, DistrictId = d, Name = $"テスト {role}", GrantedAt = Clock.GetUtcNow(), ExpiresAt = Clock.GetUtcNow().AddDays(365),
            });
        }
        await db.SaveChangesAsync();
        return new WelfareFixture.TestUser(created.User!.Id, name, password, role, []);
    }

    public async Task<WelfareClient> SignInAsync(WelfareFixture.TestUser user)
    {
        var client = new WelfareClient(BaseUrl);
        Assert.Equal(HttpStatusCode.NoContent, (await client.LoginAsync(user.UserName, user.Password)).StatusCode);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class PayloadCollection : ICollectionFixture<PayloadFixture>
{
    public const string Name = "payloads";
}
