using System.Net;
using System.Text.Json;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FukushiMap.Server.Tests.Faults;

/// <summary>
/// The server over a database of its own that the tests take away (connections refused and every backend
/// terminated) and give back, without touching any other test's database.
/// </summary>
public sealed class OutageFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    private string DatabaseName => new NpgsqlConnectionStringBuilder(Database.ConnectionString).Database!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("outage", withReferenceData: false);
        _app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = Database.ConnectionString;
            builder.Configuration["FukushiMap:LoadReferenceData"] = "false";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
    }

    /// <summary>Refuses new connections to the test database (when <paramref name="refuse"/>) and ends every open one.</summary>
    public async Task TakeAwayAsync(bool refuse)
    {
        await using var admin = await AdminSql.OpenAsync(Database.ConnectionString, "postgres");
        if (refuse)
        {
            await AdminSql.ExecuteAsync(admin, $"ALTER DATABASE \"{DatabaseName}\" ALLOW_CONNECTIONS false");
        }
        await AdminSql.ExecuteAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DatabaseName}'");
    }

    public async Task GiveBackAsync()
    {
        await using var admin = await AdminSql.OpenAsync(Database.ConnectionString, "postgres");
        await AdminSql.ExecuteAsync(admin, $"ALTER DATABASE \"{DatabaseName}\" ALLOW_CONNECTIONS true");
    }

    public async Task DisposeAsync()
    {
        await GiveBackAsync();
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

public class DatabaseOutageTests(OutageFixture outage) : IClassFixture<OutageFixture>
{
    // An EF Core query and a raw Npgsql query (the OGC catalogue), each on a connection from the pool.
    private static readonly string[] s_paths = ["collections", "collections/hubs/items?limit=5", "api/municipalities", "api/hub-types"];

    [Fact]
    public async Task AnOutageAnswers503WithRetryAfterInJapaneseAndEveryRequestSucceedsOnceTheDatabaseIsBack()
    {
        await AllSucceedAsync(parallel: 8);
        await outage.TakeAwayAsync(refuse: true);
        try
        {
            foreach (var path in s_paths)
            {
                var response = await outage.Client.GetAsync(path);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.True(response.Headers.RetryAfter!.Delta > TimeSpan.Zero);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
                Assert.EndsWith("/database-unavailable", problem.RootElement.GetProperty("type").GetString());
                Assert.Contains("データベースに接続できません", problem.RootElement.GetProperty("detail").GetString());
                Assert.DoesNotContain("予期しない", problem.RootElement.GetProperty("detail").GetString());
            }
        }
        finally
        {
            await outage.GiveBackAsync();
        }
        await AllSucceedAsync(parallel: 8);
    }

    [Fact]
    public async Task PooledConnectionsTheServerClosedAreNotFatalToTheNextRequests()
    {
        // Fill the pool with several connections, then end them all on the server while no request is running.
        await AllSucceedAsync(parallel: 8);
        await outage.TakeAwayAsync(refuse: false);
        await AllSucceedAsync(parallel: 1);
        await AllSucceedAsync(parallel: 8);
    }

    private async Task AllSucceedAsync(int parallel)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, parallel).SelectMany(_ => s_paths).Select(p => outage.Client.GetAsync(p)));
        foreach (var response in responses)
        {
            Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage!.RequestUri} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
