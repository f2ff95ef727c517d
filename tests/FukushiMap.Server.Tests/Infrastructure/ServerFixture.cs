using FukushiMap.Server;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>
/// The real server on a free loopback port, over this assembly's PostGIS database with the reference data loaded.
/// Shared by every test in the <see cref="ServerCollection"/> (one start per test run).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>Base address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The running server's services (e.g. to watch its heavy-analysis queue).</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("server", withReferenceData: true);
        _app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = Database.ConnectionString;
            builder.Configuration["FukushiMap:DataPath"] = Database.DataPath;
            builder.Configuration["FukushiMap:LoadReferenceData"] = "false";
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = addresses.Addresses.First().TrimEnd('/');
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
