using FukushiMap.Analysis;
// Siting bench: the OR-Library p-median instances against their published optima, and the 宇部市 targets
// (≥ 5,000 candidates; greedy K = 6 within 2 s; exact to a proven gap ≤ 1 % within 60 s). Prints Markdown.
//
//   dotnet run -c Release --project bench/siting -- [--orlib-only | --city-only] [--time-limit 60] [--reps 5]
//
// The city part needs FUKUSHIMAP_DB (a database with the reference data loaded, e.g. after ./fukushimap serve once).
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FukushiMap.Core.Siting;
using FukushiMap.Data;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Siting;
using FukushiMap.Siting;
using Microsoft.Extensions.DependencyInjection;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var argList = args.ToList();
double timeLimit = Option("--time-limit") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 60;
int reps = Option("--reps") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
var data = Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/gis-data"));

Console.WriteLine($"# 拠点の配置（siting）ベンチ　{DateTime.Now:yyyy-MM-dd HH:mm}");
Console.WriteLine();
Console.WriteLine($"CPU {Environment.ProcessorCount} 個、.NET {Environment.Version}、ロードアベレージ {LoadAverage()}。時間は経過時間（壁時計）です。");
Console.WriteLine();
if (argList.Contains("--debug")) { await DebugAsync(); return 0; }
if (!argList.Contains("--city-only")) OrLibrary();
if (!argList.Contains("--orlib-only")) await CityAsync();
return 0;

string? Option(string name)
{
    int i = argList.IndexOf(name);
    return i >= 0 && i + 1 < argList.Count ? argList[i + 1] : null;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

void OrLibrary()
{
    var folder = Path.Combine(data, "or-library-pmed");
    // The published optima, read from the table in SOURCES.md (the acceptance figures).
    var published = new Dictionary<string, double>();
    foreach (Match m in Regex.Matches(File.ReadAllText(Path.Combine(folder, "SOURCES.md")), @"^\|\s*(pmed\d+\.txt)\s*\|\s*\d+\s*\|\s*\d+\s*\|\s*\d+\s*\|\s*(\d+)\s*\|", RegexOptions.Multiline))
        published[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
    Console.WriteLine($"## OR-Library p-median（Beasley 1990）：厳密解法（上限 {timeLimit:0} 秒）");
    Console.WriteLine();
    Console.WriteLine("| 問題 | n | p | 公表の最適値 | 厳密解法 | 下界 | ギャップ | 時間 (s) | 一致 | 貪欲法 | 貪欲＋入れ替え |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|");
    foreach (var (file, optimum) in published.OrderBy(p => int.Parse(p.Key[4..^4], CultureInfo.InvariantCulture)))
    {
        var library = OrLibraryPMedian.Read(Path.Combine(folder, file));
        var instance = library.ToInstance();
        var request = library.ToRequest();
        var clock = Stopwatch.StartNew();
        var exact = ExactSiting.Solve(instance, request, new ExactOptions { TimeLimit = TimeSpan.FromSeconds(timeLimit) });
        double seconds = clock.Elapsed.TotalSeconds;
        var greedy = LazyGreedy.Solve(instance, request);
        var improved = VertexInterchange.Improve(instance, request, greedy.Facilities.ToArray());
        double interchange = SitingEvaluation.Evaluate(instance, improved, double.PositiveInfinity).TotalCost;
        Console.WriteLine($"| {file[..^4]} | {library.VertexCount} | {library.MedianCount} | {optimum:0} | {exact.Objective:0} | {exact.Bound:0.#} | " +
            $"{exact.Gap:P2} | {seconds:F2} | {(exact.Objective == optimum && exact.Status == SitingStatus.Optimal ? "✓" : "✗")} | {greedy.Objective:0} | {interchange:0} |");
    }
    Console.WriteLine();
}

async Task CityAsync()
{
    var connection = Environment.GetEnvironmentVariable("FUKUSHIMAP_DB");
    if (string.IsNullOrEmpty(connection))
    {
        Console.WriteLine("（宇部市：FUKUSHIMAP_DB が未設定のため省略）");
        return;
    }
    var services = new ServiceCollection();
    services.AddDbContext<FukushiMapDbContext>(o => FukushiMapDb.Configure(o, connection));
    services.AddAnalysis(_ => new AnalysisSettings(DataPaths.Resolve()));
    await using var provider = services.BuildServiceProvider();
    using var scope = provider.CreateScope();
    var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
    var siting = provider.GetRequiredService<SitingService>();
    var coverage = provider.GetRequiredService<CoverageService>();

    var clock = Stopwatch.StartNew();
    var city = await coverage.GetCityAsync("35202") ?? throw new InvalidOperationException("宇部市の歩行ネットワークがありません。");
    double prepare = clock.Elapsed.TotalSeconds;
    Console.WriteLine("## 宇部市（35202）：いまの拠点 24 か所を残して加える");
    Console.WriteLine();
    Console.WriteLine($"人口の配置（人口カバーと共通、初回のみ）：{prepare:F2} 秒、配置 {city.Placement.Count:N0} か所。");
    Console.WriteLine();
    Console.WriteLine("| 問い | 徒歩 | 候補地 | 距離の表 (s) | 需要点 × 候補の組 | 解き方 | 解く時間 (s)（中央値） | 届く人 いま → 案 | 目的関数 | ギャップ | 状態 |");
    Console.WriteLine("|---|---|---:|---:|---:|---|---:|---|---:|---:|---|");
    var cases = new (SitingModel Model, double Pace, string Solver)[]
    {
        (SitingModel.Mclp, 80, "greedy"), (SitingModel.Mclp, 80, "exact"), (SitingModel.Mclp, 60, "greedy"), (SitingModel.Mclp, 60, "exact"),
        (SitingModel.Lscp, 80, "greedy"), (SitingModel.Lscp, 80, "exact"), (SitingModel.PMedian, 80, "greedy"), (SitingModel.PMedian, 80, "exact"),
    };
    foreach (var (model, pace, solver) in cases)
    {
        var parameters = new SitingParameters
        {
            Municipality = "35202", Model = model, Solver = solver, Add = 6, Minutes = 10, Pace = new(pace), TargetShare = 0.4,
            TimeLimit = TimeSpan.FromSeconds(timeLimit),
        };
        // First run builds the distances (timed); the solver is then timed on its own over the same instance.
        var run = await siting.RunAsync(db, parameters, CancellationToken.None);
        var instance = run.Network.Instance;
        var request = parameters.ToRequest() with { TargetShare = run.Parameters.Model == SitingModel.Lscp ? Math.Min(1, 0.4 * run.Population / instance.TotalWeight) : 1 };
        var times = new List<double>();
        SitingSolution solution = run.Solution;
        for (int i = 0; i < (solver == "greedy" ? reps : 1); i++)
        {
            var sw = Stopwatch.StartNew();
            solution = solver == "greedy"
                ? LazyGreedy.Solve(instance, request)
                : ExactSiting.Solve(instance, request, new ExactOptions { TimeLimit = TimeSpan.FromSeconds(timeLimit) });
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        long coveredBefore = (long)Math.Round(run.Before.CoveredPeople), coveredAfter = (long)Math.Round(run.After.CoveredPeople);
        string build = run.InstanceCached ? "（再利用）" : $"{run.InstanceTime.TotalSeconds:F2}";
        Console.WriteLine($"| {SitingParameters.ModelName(model)}{(model == SitingModel.Lscp ? " 40%" : " K=6")} | 10 分・{pace} m/分 | {run.Candidates.Candidates.Count:N0} | {build} | " +
            $"{instance.PairCount:N0} | {solver} | {times[times.Count / 2]:F3} | {coveredBefore:N0} → {coveredAfter:N0} | {solution.Objective:0.##} | " +
            $"{(solution.Gap is { } g ? g.ToString("P2", CultureInfo.InvariantCulture) : "―")} | {solution.Status} |");
    }
    Console.WriteLine();
    Console.WriteLine("目標：候補地 5,000 か所以上で、貪欲法 K=6 が 2 秒以内、厳密解法がギャップ 1% 以内を 60 秒以内に証明。");
}

async Task DebugAsync()
{
    var connection = Environment.GetEnvironmentVariable("FUKUSHIMAP_DB")!;
    var services = new ServiceCollection();
    services.AddDbContext<FukushiMapDbContext>(o => FukushiMapDb.Configure(o, connection));
    services.AddAnalysis(_ => new AnalysisSettings(DataPaths.Resolve()));
    await using var provider = services.BuildServiceProvider();
    using var scope = provider.CreateScope();
    var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
    var parameters = new SitingParameters { Municipality = "35202", Model = SitingModel.PMedian, Solver = "greedy", Add = 6 };
    var run = await provider.GetRequiredService<SitingService>().RunAsync(db, parameters, CancellationToken.None);
    var instance = run.Network.Instance;
    var request = parameters.ToRequest();
    var g = LazyGreedy.Solve(instance, request);
    var sw = Stopwatch.StartNew();
    var i = VertexInterchange.Improve(instance, request, g.Facilities.ToArray());
    Console.WriteLine($"greedy {g.Objective} interchange {SitingEvaluation.Evaluate(instance, i, 800).TotalCost} in {sw.Elapsed.TotalSeconds:F1} s; same {g.Facilities.Order().SequenceEqual(i.Order())}");
    var e = ExactSiting.Solve(instance, request, new ExactOptions { Log = Console.WriteLine });
    Console.WriteLine($"exact {e.Objective} {e.Status} {e.Gap}");
}
