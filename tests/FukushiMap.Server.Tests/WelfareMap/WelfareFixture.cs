using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Data;
using FukushiMap.Server.Auth;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.WelfareMap;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>A clock the tests move forward (idle/absolute timeouts, grant expiry) without waiting.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Every log message the server writes, at Debug and above, to check that no personal value reaches a log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>The messages logged at <paramref name="level"/> or above.</summary>
    public IEnumerable<string> AtLeast(LogLevel level) => _levels.Where(e => e.Level >= level).Select(e => e.Message);

    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _levels = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = $"{category}: {formatter(state, exception)} {exception}";
            owner.Messages.Enqueue(message);
            owner._levels.Enqueue((logLevel, message));
        }
    }
}

/// <summary>
/// The real server over its own PostGIS database (reference data + demo districts and fictitious households), with a
/// test clock and a generous login rate limit (the limit itself is tested on a separate host). Tests make their own users.
/// </summary>
public sealed class WelfareFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public IServiceProvider Services => _app!.Services;
    public WebApplication App => _app!;

    /// <summary>The demo 民生委員担当区域 the tests call "own" and a second one called "other".</summary>
    public District Own { get; private set; } = null!;
    public District Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("welfare", withReferenceData: true);
        await using (var db = Database.CreateContext())
        {
            // The database outlives a run: households earlier runs' tests added go, so each run starts from the demo data.
            await db.Households.Where(h => h.Label.StartsWith(TestHouseholdPrefix)).ExecuteDeleteAsync();
            await DemoWelfareData.EnsureAsync(db);
            (Own, Other) = await WelfareCommands.DemoDistrictsAsync(db, CancellationToken.None);
        }
        _app = await StartAsync(Database, Clock, Logs, loginPermitsPerMinute: 100_000);
        BaseUrl = Address(_app);
    }

    /// <summary>Starts a server on a free loopback port over <paramref name="database"/>.</summary>
    /// <remarks>The shared host allows as many failed sign-ins per address as its rate limit (every test signs in from 127.0.0.1).</remarks>
    public static async Task<WebApplication> StartAsync(TestDatabase database, TimeProvider clock, ILoggerProvider? logs, int loginPermitsPerMinute,
        int? freeFailuresPerAddress = null)
    {
        var app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = database.ConnectionString;
            builder.Configuration["FukushiMap:DataPath"] = database.DataPath;
            builder.Configuration["FukushiMap:LoadReferenceData"] = "false";
            builder.Configuration["FukushiMap:Welfare:LoginPermitsPerMinute"] = loginPermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["FukushiMap:Welfare:FreeFailuresPerAddress"] = (freeFailuresPerAddress ?? loginPermitsPerMinute).ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton(clock);
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.AddFilter<CapturedLogs>(null, LogLevel.Debug);
            }
        });
        await app.StartAsync();
        return app;
    }

    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public sealed record TestUser(string Id, string UserName, string Password, string Role, List<int> GrantIds);

    /// <summary>The roles that work in the field (民生委員, 町内会, 協力員): neither planners nor administrators.</summary>
    public static TheoryData<string> FieldRoles => new(WelfareRoles.Minsei, WelfareRoles.Chonaikai, WelfareRoles.Kyoryokuin);

    /// <summary>A new user with <paramref name="role"/> and a one-year grant for each district.</summary>
    public Task<TestUser> CreateUserAsync(string role, params int[] districts) => CreateUserAsync(role, TimeSpan.FromDays(365), districts);

    public async Task<TestUser> CreateUserAsync(string role, TimeSpan grantFor, params int[] districts)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var name = $"t-{Guid.NewGuid():N}"[..14];
        var password = WelfareAccounts.GeneratePassword();
        var created = await WelfareAccounts.CreateAsync(users, name, $"テスト {role} {name[2..6]}", role, password, Clock.GetUtcNow(), demo: false);
        Assert.True(created.User is not null, string.Join(" ", created.Errors));
        var grants = new List<int>();
        foreach (var d in districts)
        {
            var g = new DistrictGrant { UserId = created.User!.Id, DistrictId = d, Name = $"テスト {role}", GrantedAt = Clock.GetUtcNow(), ExpiresAt = Clock.GetUtcNow() + grantFor };
            db.DistrictGrants.Add(g);
            await db.SaveChangesAsync();
            grants.Add(g.Id);
        }
        return new TestUser(created.User!.Id, name, password, role, grants);
    }

    /// <summary>A fictitious household inside <paramref name="districtId"/> with every sensitive field filled.</summary>
    /// <summary>How the households tests add are named (never the demo's).</summary>
    public const string TestHouseholdPrefix = "（架空）テスト世帯";

    public async Task<Household> CreateHouseholdAsync(int districtId, string consent = ConsentStates.Agreed, string status = HouseholdStatuses.Active,
        string? marker = null)
    {
        await using var db = Database.CreateContext();
        var district = await db.Districts.AsNoTracking().FirstAsync(d => d.Id == districtId);
        var at = (Point)district.Geometry.InteriorPoint;
        var h = new Household
        {
            MunicipalityCode = district.MunicipalityCode,
            DistrictId = districtId,
            Label = $"{TestHouseholdPrefix} {marker ?? Guid.NewGuid().ToString("N")[..6]}",
            Address = $"（架空の住所）{marker}",
            Location = new Point(at.X, at.Y) { SRID = 6668 },
            Categories = [HouseholdCategories.LivingAlone, HouseholdCategories.Disability, HouseholdCategories.Care],
            DisabilityDetail = $"（架空）視覚障害 {marker}",
            CareLevel = "要介護2",
            Notes = $"（架空）メモ {marker}",
            ConsentState = consent,
            ConsentDate = consent == ConsentStates.Unconfirmed ? null : new DateOnly(2026, 4, 1),
            ConsentMethod = "書面",
            LegalBasis = "本人同意",
            Status = status,
            IsFictitious = true,
            CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(),
        };
        db.Households.Add(h);
        await db.SaveChangesAsync();
        return h;
    }

    /// <summary>
    /// Lets 計画担当 <paramref name="userId"/> change <paramref name="municipalities"/> through <see cref="PlannerCities.GrantAsync"/>,
    /// the call behind the administration page and <c>./fukushimap planner-cities</c>.
    /// </summary>
    public async Task GiveCitiesAsync(string userId, params string[] municipalities)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        foreach (var code in municipalities)
        {
            await PlannerCities.GrantAsync(db, userId, code, CancellationToken.None);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>A new 計画担当 holding <paramref name="municipalities"/>.</summary>
    public async Task<TestUser> CreatePlannerAsync(params string[] municipalities)
    {
        var user = await CreateUserAsync(WelfareRoles.Planner);
        await GiveCitiesAsync(user.Id, municipalities);
        return user;
    }

    /// <summary>A client signed in as a new 計画担当 holding <paramref name="municipalities"/>.</summary>
    public async Task<WelfareClient> SignInAsPlannerAsync(params string[] municipalities) => await SignInAsync(await CreatePlannerAsync(municipalities));

    /// <summary>A client signed in as a new user with <paramref name="role"/> and a one-year grant for each district.</summary>
    public async Task<WelfareClient> SignInAsNewUserAsync(string role, params int[] districts) => await SignInAsync(await CreateUserAsync(role, districts));

    public async Task<WelfareClient> SignInAsync(TestUser user)
    {
        var client = new WelfareClient(BaseUrl);
        var response = await client.LoginAsync(user.UserName, user.Password);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class WelfareCollection : ICollectionFixture<WelfareFixture>
{
    public const string Name = "welfare";
}

/// <summary>A browser-like client: cookies, the antiforgery token from /api/auth/session, JSON.</summary>
public sealed class WelfareClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public WelfareClient(string baseUrl)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseUrl + "/"),
        };
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }
    public string? CsrfToken { get; private set; }

    public async Task<JsonElement> RefreshSessionAsync()
    {
        var session = await Http.GetFromJsonAsync<JsonElement>("api/auth/session");
        CsrfToken = session.GetProperty("csrfToken").GetString();
        return session;
    }

    public async Task<HttpResponseMessage> LoginAsync(string userName, string password)
    {
        await RefreshSessionAsync();
        var response = await SendAsync(HttpMethod.Post, "api/auth/login", new { userName, password });
        if (response.IsSuccessStatusCode)
        {
            // The token is bound to the signed-in user: fetch a new one.
            await RefreshSessionAsync();
        }
        return response;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null, string? ifMatch = null, bool withCsrf = true)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        if (withCsrf && CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-TOKEN", CsrfToken);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string? ETag(HttpResponseMessage response) => response.Headers.ETag?.ToString();

    public void Dispose() => Http.Dispose();
}
