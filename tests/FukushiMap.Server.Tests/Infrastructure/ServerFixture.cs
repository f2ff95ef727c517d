using FukushiMap.Testing;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>
/// The real server on a free loopback port, over this assembly's PostGIS database with the reference data loaded.
/// Shared by every test in the <see cref="ServerCollection"/> (one start per test run).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private RunningServer? _server;

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>Base address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl => _server!.BaseUrl;

    public HttpClient Client => _server!.Client;

    /// <summary>The running server's services (e.g. to watch its heavy-analysis queue).</summary>
    public IServiceProvider Services => _server!.App.Services;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("server", withReferenceData: true);
        _server = await RunningServer.StartAsync(Database);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
