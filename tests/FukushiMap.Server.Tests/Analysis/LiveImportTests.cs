using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Analysis;

/// <summary>
/// A running server follows what another process does to the database: hubs imported with <c>./fukushimap import</c> while the
/// server runs show in the OGC API, the finder and coverage within 5 s, without a restart.
/// </summary>
public sealed class LiveImportTests : IAsyncLifetime
{
    private const string Ube = "35202";
    private const string NamePrefix = "ライブ取り込み確認の居場所 ";
    // Beside 宇部新川駅, on the street network.
    private const double Lon = 131.2476, Lat = 33.9479;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private RunningServer _server = null!;
    private TestDatabase _database = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.GetAsync("liveimport", withReferenceData: true);
        _server = await RunningServer.StartAsync(_database);
        _client = _server.Client;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task HubsImportedByTheCommandLineWhileServingShowInTheLayersTheFinderAndCoverageWithinFiveSeconds()
    {
        var name = $"{NamePrefix}{Guid.NewGuid():N}"[..24];
        await using (var db = _database.CreateContext())
        {
            // This database outlives the run: hubs of earlier runs go first.
            await db.Hubs.Where(h => h.Name.StartsWith(NamePrefix)).ExecuteDeleteAsync();
        }
        // Warm every cache first: what the server answers now was built before the import.
        Assert.DoesNotContain(name, await HubNamesAsync());
        Assert.DoesNotContain(name, await NearestHubNamesAsync());
        var hubsBefore = await CoverageHubCountAsync();

        var file = Path.Combine(Path.GetTempPath(), $"fukushimap-live-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            features = new[] { new { type = "Feature", properties = new { name }, geometry = new { type = "Point", coordinates = new[] { Lon, Lat } } } },
        }));
        try
        {
            // Another process, as a planner would run it beside the server.
            var (code, _, error) = await ServerProcess.RunAsync(["import", "hubs", file, "--municipality", Ube, "--type", "ibasho",
                "--attribution", "ライブ取り込みのテスト"], _database.ConnectionString);
            Assert.True(code == 0, error);
        }
        finally
        {
            File.Delete(file);
        }

        var clock = Stopwatch.StartNew();
        await SoonAsync(async () => (await HubNamesAsync()).Contains(name), "OGC API /collections/hubs/items", clock);
        await SoonAsync(async () => (await NearestHubNamesAsync()).FirstOrDefault() == name, "/api/nearest-hubs", clock);
        await SoonAsync(async () => await CoverageHubCountAsync() == hubsBefore + 1, "/api/coverage", clock);
    }

    private static async Task SoonAsync(Func<Task<bool>> seen, string where, Stopwatch clock)
    {
        while (!await seen())
        {
            Assert.True(clock.Elapsed < Deadline, $"{where} は {Deadline.TotalSeconds:0} 秒たっても取り込んだ拠点を示しません。");
            await Task.Delay(100);
        }
    }

    private async Task<List<string>> HubNamesAsync()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>($"collections/hubs/items?municipality_code={Ube}&limit=1000");
        return [.. page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("name").GetString()!)];
    }

    private async Task<List<string?>> NearestHubNamesAsync()
    {
        var hubs = await _client.GetFromJsonAsync<JsonElement>($"api/nearest-hubs?lat={Lat}&lon={Lon}&limit=3");
        return [.. hubs.EnumerateArray().Select(h => h.GetProperty("name").GetString())];
    }

    private async Task<int> CoverageHubCountAsync()
    {
        var report = await _client.GetFromJsonAsync<JsonElement>($"api/coverage?municipality={Ube}&minutes=10&pace=80");
        return report.GetProperty("hubs").GetArrayLength();
    }
}
