using FukushiMap.Data.Entities;
using FukushiMap.Data.Network;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Tests.Network;

/// <summary>A database of its own for network tests, with the 宇部市 network imported once.</summary>
public sealed class NetworkDatabaseFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.GetAsync("network", withReferenceData: false);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The 宇部市 osmnx network, imported on first use as <c>test-ube</c>.</summary>
    public async Task<RoadNetwork> EnsureUbeAsync(FukushiMapDbContext db)
    {
        await _gate.WaitAsync();
        try
        {
            var existing = await db.RoadNetworks.SingleOrDefaultAsync(n => n.Name == "test-ube");
            if (existing is not null)
            {
                return existing;
            }
            var path = Path.Combine(TestDatabase.RequireDataPath(), "ube-osm-walk-network", "ube_walk_edges.geojson");
            return await NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-ube") { MunicipalityCode = "35202" });
        }
        finally
        {
            _gate.Release();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NetworkDatabaseCollection : ICollectionFixture<NetworkDatabaseFixture>
{
    public const string Name = "network-db";
}
