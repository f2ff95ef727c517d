using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FukushiMap.Bench;

// The walking engine side by side with pgRouting (same process, same PostGIS), then the engine alone on generated grids.
// ./fukushimap bench [--quick] builds Release and runs this against the provisioned database.

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchException e)
{
    Console.Error.WriteLine($"エラー: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

if (options.PinToOneCore && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
{
    // The searches are single-threaded anyway; this also keeps the JIT and the GC on the same CPU.
    Process.GetCurrentProcess().ProcessorAffinity = 1;
}

var report = new Report();
var targets = new Targets();
var started = DateTimeOffset.Now;
var startLoad = LoadAverage();
report.AddHeading(1, $"FukushiMap bench, {started:yyyy-MM-dd HH:mm zzz}{(options.Quick ? " (--quick)" : "")}");
report.AddBullets(
    $"Machine: {CpuModel()}, {Environment.ProcessorCount} logical CPUs{(options.PinToOneCore ? "; this process pinned to one CPU" : "")}; " +
    $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}",
    $"Load average (1/5/15 min) at start: {startLoad}",
    $"Repetitions: {options.Repetitions} timed runs per workload after at least {Measure.MinWarmupRuns} warm-up runs and " +
    $"{Measure.MinWarmupSeconds.ToString(CultureInfo.InvariantCulture)} s of warm-up");

try
{
    if (!options.SkipCity)
    {
        var connection = Environment.GetEnvironmentVariable("FUKUSHIMAP_DB");
        if (string.IsNullOrEmpty(connection))
        {
            throw new BenchException("FUKUSHIMAP_DB が設定されていません。./fukushimap bench から実行するか、接続文字列を設定してください（--skip-city で格子だけ実行できます）。");
        }
        await new CityBench(options, report, targets).RunAsync(connection, cts.Token);
    }
    new ScalingBench(options, report, targets).Run();
}
catch (BenchException e)
{
    Console.Error.WriteLine($"エラー: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("中断しました。");
    return 130;
}

targets.WriteTo(report, $"load average at start {startLoad}, at end {LoadAverage()}");
report.AddParagraph($"Load average at end: {LoadAverage()}. Total bench time: {(DateTimeOffset.Now - started).TotalSeconds:0} s. Network data © OpenStreetMap contributors (ODbL 1.0).");
Console.WriteLine();
Console.Write(report.ToPlainText());
var outPath = options.OutputPath ?? Path.Combine(RepositoryRoot(), "bench", "results", "latest.md");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, report.ToMarkdown());
Log.Say($"結果を書き出しました: {outPath}");
return 0;

static string CpuModel()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
    }
    catch (IOException)
    {
    }
    return RuntimeInformation.ProcessArchitecture.ToString();
}

static string LoadAverage()
{
    try
    {
        return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "unknown";
    }
}

// The folder holding FukushiMap.sln above the binary (bench/FukushiMap.Bench/bin/Release/net10.0), else the current folder.
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "FukushiMap.sln"))) return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}
