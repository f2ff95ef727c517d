// Coverage bench (issue 4 targets): a whole-municipality coverage by district on 宇部市.
//   first computation after start, placement included  ≤ 2 s
//   warm, placement prepared once                       ≤ 50 ms
// Usage: dotnet run -c Release --project bench/coverage -- [--municipality 35202] [--minutes 10] [--pace 80] [--by units] [--runs 30]
//        [--network-first: load the walking network through /api/isochrones before the first coverage request]
// Reads FUKUSHIMAP_DB (the database must hold the reference data: run ./fukushimap serve once).
using System.Diagnostics;
using System.Globalization;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using FukushiMap.Data.Network;
using Microsoft.EntityFrameworkCore;

string? Arg(string name) { var k = Array.IndexOf(args, "--" + name); return k >= 0 && k + 1 < args.Length ? args[k + 1] : null; }
double? Number(string name) => Arg(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
var code = Arg("municipality") ?? "35202";
var minutes = Number("minutes") ?? 10;
var pace = Number("pace") ?? 80;
var by = Arg("by") ?? "units";
var runs = (int)(Number("runs") ?? 30);
var connection = Environment.GetEnvironmentVariable("FUKUSHIMAP_DB")
    ?? throw new InvalidOperationException("FUKUSHIMAP_DB を設定してください。");
var inv = CultureInfo.InvariantCulture;
Console.WriteLine($"coverage bench: {code}, {minutes} min at {pace} m/min, by={by}, {runs} warm runs, {Environment.ProcessorCount} cores");

// 1. The server as a planner meets it: its own process started as ./fukushimap serve starts it, first request, then warm requests.
using var server = ServerProcess.Start(connection);
var baseUrl = await server.ReadyAsync();
using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
var url = string.Create(inv, $"api/coverage?municipality={code}&minutes={minutes}&pace={pace}&by={by}&format=json");
var clock = Stopwatch.StartNew();
var coldOnly = args.Contains("--network-first");
double networkFirst = 0;
if (coldOnly)
{
    // The walking network loaded by another page first (e.g. the isochrones of the map).
    (await http.GetAsync(string.Create(inv, $"api/isochrones?municipality={code}&minutes=1"))).EnsureSuccessStatusCode();
    networkFirst = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
}
(await http.GetAsync(url)).EnsureSuccessStatusCode();
var first = clock.Elapsed.TotalMilliseconds;
var warm = new List<double>();
for (var i = 0; i < runs; i++)
{
    clock.Restart();
    var response = await http.GetAsync(url);
    await response.Content.ReadAsByteArrayAsync();
    response.EnsureSuccessStatusCode();
    warm.Add(clock.Elapsed.TotalMilliseconds);
}
var gapsUrl = url.Replace("api/coverage?", "api/coverage/gaps?", StringComparison.Ordinal).Replace("format=json", "format=geojson", StringComparison.Ordinal);
var gaps = new List<double>();
for (var i = 0; i < Math.Max(3, runs / 5); i++)
{
    clock.Restart();
    (await http.GetAsync(gapsUrl)).EnsureSuccessStatusCode();
    gaps.Add(clock.Elapsed.TotalMilliseconds);
}
server.Stop();

// 2. The same work in phases, without HTTP (fresh objects; the process is warm by now).
await using var db = FukushiMapDb.CreateContext(connection);
clock.Restart();
var networkName = await db.RoadNetworks.Where(n => n.MunicipalityCode == code).OrderByDescending(n => n.ImportedAt).Select(n => n.Name).FirstAsync();
var loaded = await NetworkLoader.LoadAsync(db, networkName);
var snapper = new NetworkSnapper(loaded.Graph);
var tNetwork = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var inputs = await CoverageInputLoader.LoadAsync(db, code, loaded.Projector);
var tInputs = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var cells = PopulationCells.Build(inputs.Units, inputs.Boundary, loaded.Projector.PlaneFactory);
var tCells = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var placement = PopulationPlacer.Place(snapper, inputs.Units, cells);
var tPlace = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var graph = CoverageGraph.WithPlaneLengthFloor(loaded.Graph);
var analyzer = new CoverageAnalyzer(graph, placement);
var tGraph = clock.Elapsed.TotalMilliseconds;
var hubs = await db.Hubs.Where(h => h.MunicipalityCode == code && h.RetiredAt == null).Select(h => new { h.Location.X, h.Location.Y }).ToListAsync();
var coverageHubs = hubs.Select(h =>
{
    var (x, y) = loaded.Projector.ToPlane(h.X, h.Y);
    return new CoverageHub(new NetTopologySuite.Geometries.Coordinate(x, y), snapper.Snap(x, y));
}).ToList();
var budget = new WalkingPace(pace).MinutesToMetres(minutes);
var units = Enumerable.Range(0, placement.Count).Select(placement.Unit).ToArray();
var hubUnits = new int[coverageHubs.Count];
var core = new List<double>();
CoverageResult? result = null;
for (var i = 0; i < runs; i++)
{
    clock.Restart();
    result = analyzer.Analyze(coverageHubs, budget);
    CoverageSummary.Summarise(result, units, inputs.Units.Length, hubUnits);
    core.Add(clock.Elapsed.TotalMilliseconds);
}
clock.Restart();
var gapList = GapFinder.Find(result!, factory: loaded.Projector.PlaneFactory,
    districts: new GapDistricts(units, placement.Cells.Select(c => c.Area).ToList()));
var tGaps = clock.Elapsed.TotalMilliseconds;

static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
static double P95(List<double> xs) { var s = xs.Order().ToList(); return s[(int)Math.Ceiling(0.95 * s.Count) - 1]; }
Console.WriteLine(string.Create(inv, $"""

    HTTP (server process, loopback)
      {(coldOnly ? $"first GET /api/isochrones after start (loads the network): {networkFirst:F0} ms; then " : "")}first GET /api/coverage after start ({(coldOnly ? "" : "network load + ")}placement + analysis): {first:F0} ms   target ≤ 2000 ms   ratio {first / 2000:F2}
      warm GET /api/coverage (json, {inputs.Units.Length} districts):   median {Median(warm),8:F1} ms, p95 {P95(warm):F1} ms   target ≤ 50 ms   ratio {Median(warm) / 50:F2}
      warm GET /api/coverage/gaps (geojson):                 median {Median(gaps),8:F1} ms
    phases (warm process)
      load network {networkName} ({loaded.Graph.NodeCount:N0} nodes, {loaded.Graph.EdgeCount:N0} edges) + snapper: {tNetwork,8:F0} ms
      load {inputs.Units.Length} population units:                         {tInputs,8:F0} ms
      cells (Voronoi ∩ area circle ∩ boundary):              {tCells,8:F0} ms
      placement ({placement.Count:N0} placements, {placement.TotalPeople:N0} people):        {tPlace,8:F0} ms
      coverage graph + analyzer:                             {tGraph,8:F0} ms
      analyze + summarise ({coverageHubs.Count} hubs, {budget:F0} m):  median {Median(core),8:F1} ms, p95 {P95(core):F1} ms
      gaps cut by 町丁 ({gapList.Count} polygons):                            {tGaps,8:F0} ms
    """));

/// <summary>The built server binary (dotnet FukushiMap.Server.dll serve) on a free loopback port: the bench references no web project.</summary>
sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _url;

    private ServerProcess(Process process, string url) => (_process, _url) = (process, url);

    public static ServerProcess Start(string connection)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "FukushiMap.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        var dll = Path.Combine(root, "src", "FukushiMap.Server", "bin", "Release", "net10.0", "FukushiMap.Server.dll");
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "serve", "--urls", url }) start.ArgumentList.Add(a);
        start.Environment["FUKUSHIMAP_DB"] = connection;
        start.Environment["FukushiMap__LoadReferenceData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, url);
    }

    /// <summary>Waits until the server answers its map page; returns its base address.</summary>
    public async Task<string> ReadyAsync()
    {
        using var probe = new HttpClient();
        for (var i = 0; i < 1200; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"サーバーが終了しました（終了コード {_process.ExitCode}）。");
            try
            {
                if ((await probe.GetAsync(_url + "/")).IsSuccessStatusCode) return _url;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("サーバーが 60 秒たっても応答しません。");
    }

    public void Stop()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
