using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Data.Network;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Network;

/// <summary>
/// Its own database and server, because these tests change 宇部市's live network. The server follows the database's change
/// notifications, so activations made here (another "process" as far as it knows) reach it.
/// </summary>
public sealed class ActivationServerFixture : IAsyncLifetime
{
    private RunningServer? _server;

    public TestDatabase Database { get; private set; } = null!;
    public HttpClient Client => _server!.Client;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.GetAsync("activation", withReferenceData: true);
        _server = await RunningServer.StartAsync(Database, builder => builder.Configuration["FukushiMap:HeavyAnalyses:MaxIsochroneWork"] = "100");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public class NetworkActivationTests(ActivationServerFixture server) : IClassFixture<ActivationServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fukushimap-activation").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TheReferenceNetworkIsLiveAfterTheFirstLoad()
    {
        await using var db = server.Database.CreateContext();
        var live = await NetworkActivation.LiveAsync(db, "35202");

        Assert.Equal("ube-walk", live?.Network?.Name);
        Assert.Contains("最大の連結部分", live!.Checks);
    }

    [Fact]
    public async Task AOneEdgeNetworkWithADanglingNodeIsRefusedAndUbeKeepsItsNetwork()
    {
        var network = await ImportOneEdgeAsync("one-edge-dangling");
        await using (var db = server.Database.CreateContext())
        {
            // An edge to a node that is not in the node list, as another tool writing the pgRouting table might leave it.
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO network_edges (network_id, source, target, cost, reverse_cost, length_m, geom)
                SELECT network_id, source, 999999, cost, reverse_cost, length_m, geom FROM network_edges WHERE network_id = {0}
                """, network.Id);

            var result = await NetworkActivation.ActivateAsync(db, network.Name, "35202", confirm: true);

            Assert.Equal(ActivationOutcome.Refused, result.Outcome);
            Assert.Contains("ノード一覧にないノード（例: 999999）", result.Message);
            Assert.Contains("道路 1 本が", result.Message);
            Assert.Contains("今のネットワーク「ube-walk」を使い続けます", result.Message);
            Assert.Equal("ube-walk", (await NetworkActivation.LiveAsync(db, "35202"))?.Network?.Name);
        }
        using var host = TestCommandHost.For(server.Database);
        var exit = await NetworkCommands.ActivateAsync(CliArgs.Parse(["--name", network.Name, "--municipality", "35202", "--confirm"]),
            host.Services, TextWriter.Null, CancellationToken.None);
        Assert.Equal(1, exit);

        await Task.Delay(500);
        Assert.Equal("ube-walk", await IsochroneNetworkAsync());
        using var finder = await server.Client.GetAsync(await FinderUrlAsync());
        Assert.Equal(HttpStatusCode.OK, finder.StatusCode);
    }

    [Fact]
    public async Task AWorseNetworkNeedsConfirmAndActivationSwitchesWhatTheApiUses()
    {
        var network = await ImportOneEdgeAsync("one-edge-sound");
        await using var db = server.Database.CreateContext();

        var refused = await NetworkActivation.ActivateAsync(db, network.Name, "35202", confirm: false);
        Assert.Equal(ActivationOutcome.NeedsConfirmation, refused.Outcome);
        Assert.Contains("道路から 500 m 以内の拠点が減ります", refused.Message);
        Assert.Contains("--confirm", refused.Message);
        Assert.Equal("ube-walk", await IsochroneNetworkAsync());

        try
        {
            var confirmed = await NetworkActivation.ActivateAsync(db, network.Name, "35202", confirm: true);
            Assert.Equal(ActivationOutcome.Activated, confirmed.Outcome);
            Assert.Equal(network.Name, await WaitForNetworkAsync(network.Name));

            // The credits name the live network and its date.
            var datasets = await server.Client.GetFromJsonAsync<JsonElement>("/api/datasets?municipality_code=35202");
            var live = datasets.EnumerateArray().Single(d => d.TryGetProperty("network", out var n) && n.ValueKind == JsonValueKind.Object)
                .GetProperty("network");
            Assert.Equal(network.Name, live.GetProperty("name").GetString());
            Assert.True(live.GetProperty("activatedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        }
        finally
        {
            // Back to the reference network: it reaches more, so no confirmation is needed.
            var back = await NetworkActivation.ActivateAsync(db, "ube-walk", "35202", confirm: false);
            Assert.Equal(ActivationOutcome.Activated, back.Outcome);
        }
        Assert.Equal("ube-walk", await WaitForNetworkAsync("ube-walk"));
    }

    [Fact]
    public async Task ImportingWhileANetworkIsLiveSaysHowToActivateAndChangesNothing()
    {
        var network = await ImportOneEdgeAsync("one-edge-later");
        await using var db = server.Database.CreateContext();

        var result = await NetworkActivation.ActivateIfNoneLiveAsync(db, network);

        Assert.Equal(ActivationOutcome.NotActivated, result?.Outcome);
        Assert.Contains($"./fukushimap network activate --name {network.Name} --municipality 35202", result!.Message);
        Assert.Equal("ube-walk", (await NetworkActivation.LiveAsync(db, "35202"))?.Network?.Name);
    }

    [Fact]
    public async Task AnIsochroneRequestOverTheWorkBudgetIsRefusedWith422NamingTheLimit()
    {
        using var response = await server.Client.GetAsync("/api/isochrones?municipality=35202&minutes=60&pace=150&grouping=per-hub");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/over-budget", problem.GetProperty("type").GetString());
        Assert.Contains("上限 100 拠点・km²", problem.GetProperty("detail").GetString());
    }

    /// <summary>
    /// Situation: one 100 m street beside 宇部市's first hub, and a third node that no street uses.
    /// <code>
    ///   1 ──────── 2        3 (dangling)
    ///   ● hub
    /// </code>
    /// </summary>
    private async Task<Data.Entities.RoadNetwork> ImportOneEdgeAsync(string name)
    {
        await using var db = server.Database.CreateContext();
        var hub = await db.Hubs.Where(h => h.MunicipalityCode == "35202").OrderBy(h => h.Id).Select(h => h.Location).FirstAsync();
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var (x, y) = (hub.X, hub.Y);
        var edges = Path.Combine(_folder, $"{name}_edges.geojson");
        var nodes = Path.Combine(_folder, $"{name}_nodes.csv");
        await File.WriteAllTextAsync(nodes, $"osm_node_id,lon,lat\n1,{F(x)},{F(y)}\n2,{F(x + 0.001)},{F(y)}\n3,{F(x + 0.01)},{F(y + 0.01)}\n");
        string Edge(long u, long v, string from, string to) =>
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" + from + "," + to + "]},\"properties\":{\"u\":" + u + ",\"v\":" + v + ",\"length\":92.5}}";
        var (a, b) = ($"[{F(x)},{F(y)}]", $"[{F(x + 0.001)},{F(y)}]");
        await File.WriteAllTextAsync(edges, "{\"type\":\"FeatureCollection\",\"features\":[" + Edge(1, 2, a, b) + "," + Edge(2, 1, b, a) + "]}");
        return await NetworkImporter.ImportAsync(db, new NetworkImportRequest(edges, name) { NodesPath = nodes, MunicipalityCode = "35202", Replace = true });
    }

    private async Task<string?> IsochroneNetworkAsync()
    {
        var hub = await FirstHubIdAsync();
        var fc = await server.Client.GetFromJsonAsync<JsonElement>($"/api/isochrones?municipality=35202&minutes=10&hub_ids={hub}");
        return fc.GetProperty("network").GetString();
    }

    private async Task<string?> WaitForNetworkAsync(string name)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? seen;
        do
        {
            seen = await IsochroneNetworkAsync();
            if (seen == name)
            {
                break;
            }
            await Task.Delay(100);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(30));
        return seen;
    }

    private async Task<int> FirstHubIdAsync()
    {
        await using var db = server.Database.CreateContext();
        return await db.Hubs.Where(h => h.MunicipalityCode == "35202").OrderBy(h => h.Id).Select(h => h.Id).FirstAsync();
    }

    private async Task<string> FinderUrlAsync()
    {
        await using var db = server.Database.CreateContext();
        var p = await db.PopulationUnits.Where(u => u.MunicipalityCode == "35202" && u.Name == "則貞２丁目").Select(u => u.Point).SingleAsync();
        return $"/api/nearest-hubs?lat={p.Y.ToString(CultureInfo.InvariantCulture)}&lon={p.X.ToString(CultureInfo.InvariantCulture)}&pace=60&limit=3";
    }
}
