using FukushiMap.Core;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FukushiMap.Core.Siting;
using FukushiMap.Data;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Network;
using FukushiMap.Siting;

namespace FukushiMap.Server.Siting;

/// <summary>
/// <c>./fukushimap site</c>: where the next hubs should go.
/// <list type="bullet">
/// <item><c>--municipality 35202 --add 6 --minutes 10 --pace 80 [--model mclp|lscp|pmedian] [--solver greedy|exact] [--format text|json|csv|geojson]</c>
/// and the candidate options: the chosen sites and the coverage before and after.</item>
/// <item><c>--orlib pmed1.txt [--solver exact|greedy] [--format json|text]</c>: an OR-Library p-median instance (Beasley 1990).</item>
/// </list>
/// Progress goes to stderr; the answer to stdout (or <c>--output</c>).
/// </summary>
public static class SiteCommand
{
    public const string Usage =
        "使い方: ./fukushimap site --municipality 35202 --add 6 --minutes 10 --pace 80 [--model mclp|lscp|pmedian] [--solver greedy|exact] " +
        "[--format text|json|csv|geojson] [--spacing 60] [--no-shelters] [--facilities care-service] [--candidates 候補地.geojson] [--exclude 除外範囲.geojson] " +
        "[--straight-radius 800] [--target 0.5] [--capacity 20000] [--older-weight 1] [--max-minutes 20] [--time-limit 60] [--hub-types fureai-center] [--output ファイル]\n" +
        "       ./fukushimap site --orlib pmed1.txt [--solver exact|greedy] [--format json|text] [--time-limit 60]";

    public static async Task<int> RunAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct,
        TextWriter? progressOutput = null)
    {
        var log = progressOutput ?? Console.Error;
        if (args.Positional.Count > 0 || args.Has("help"))
        {
            throw new CliException(Usage);
        }
        return args.Get("orlib") is { } file
            ? await OrLibraryAsync(file, args, output, log, ct)
            : await CityAsync(args, services, output, log, ct);
    }

    // ---------- OR-Library ----------

    private static async Task<int> OrLibraryAsync(string file, CliArgs args, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var solver = Solver(args);
        var format = Format(args, "json", "json", "text");
        var limit = TimeLimit(args);
        if (!File.Exists(file))
        {
            throw new CliException($"ファイルがありません: {file}");
        }
        OrLibraryPMedian library;
        try
        {
            library = OrLibraryPMedian.Read(file);
        }
        catch (FormatException e)
        {
            throw new CliException($"OR-Library の p-median の形式ではありません（{e.Message}）");
        }
        var instance = library.ToInstance();
        var request = library.ToRequest();
        await log.WriteLineAsync($"==> {Path.GetFileName(file)}: 頂点 {library.VertexCount}、辺 {library.EdgeCount}、p = {library.MedianCount}");
        var clock = Stopwatch.StartNew();
        var solution = solver == "exact"
            ? ExactSiting.Solve(instance, request, new ExactOptions { TimeLimit = limit, Log = m => log.WriteLine("==> " + m) }, ct)
            : LazyGreedy.Solve(instance, request, ct);
        clock.Stop();
        if (format == "text")
        {
            await output.WriteLineAsync($"目的関数（最寄りの中央点までの距離の合計）: {Number(solution.Objective)}");
            await output.WriteLineAsync($"下界: {(solution.Bound is { } b ? Number(b) : "なし")}、ギャップ: {(solution.Gap is { } g ? g.ToString("P4", CultureInfo.InvariantCulture) : "なし")}" +
                $"（{StatusText(solution.Status)}）");
            await output.WriteLineAsync($"中央点（頂点番号）: {string.Join(' ', solution.Facilities.Order().Select(f => f + 1))}");
            await output.WriteLineAsync($"時間: {clock.Elapsed.TotalSeconds:F2} 秒");
            return 0;
        }
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", "pmedian");
            json.WriteString("solver", solver);
            json.WriteString("instance", Path.GetFileName(file));
            json.WriteNumber("n", library.VertexCount);
            json.WriteNumber("p", library.MedianCount);
            json.WriteNumber("objective", solution.Objective);
            if (solution.Bound is { } bound) json.WriteNumber("bound", bound); else json.WriteNull("bound");
            if (solution.Gap is { } gap) json.WriteNumber("gap", gap); else json.WriteNull("gap");
            json.WriteString("status", StatusName(solution.Status));
            json.WriteNumber("seconds", Math.Round(clock.Elapsed.TotalSeconds, 3));
            json.WriteStartArray("sites");
            foreach (var site in solution.Sites)
            {
                json.WriteStartObject();
                json.WriteNumber("vertex", site.Facility + 1);
                json.WriteNumber("marginal_gain", site.MarginalGain);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await output.WriteLineAsync(Encoding.UTF8.GetString(stream.ToArray()));
        return 0;
    }

    // ---------- a municipality ----------

    private static async Task<int> CityAsync(CliArgs args, IServiceProvider services, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var format = Format(args, "text", "text", "json", "csv", "geojson");
        var parameters = AnalysisCommand.Parameters(() => Parameters(args));
        var progress = new ProgressLines(log);
        var clock = Stopwatch.StartNew();
        var run = await AnalysisCommand.RunAsync(services, log, ct, db => services.GetRequiredService<SitingService>().RunAsync(db, parameters, ct, progress));
        if (run is null)
        {
            return 1;
        }
        progress.Report($"候補地 {run.Candidates.Candidates.Count:N0} か所（距離の表 {run.InstanceTime.TotalMilliseconds:N0} ms）、" +
            $"{SolverText(run.Solution)} {run.Solution.Elapsed.TotalMilliseconds:N0} ms、合計 {clock.ElapsedMilliseconds:N0} ms");

        string text = format switch
        {
            "json" => SitingDocuments.CliJson(run),
            "csv" => SitingDocuments.SitesCsv(run),
            "geojson" => JsonSerializer.Serialize(SitingDocuments.SiteFeatures(run, withCatchments: true), CoverageDocuments.JsonOptions),
            _ => SitingDocuments.Text(run),
        };
        if (args.Get("output") is { Length: > 0 } path)
        {
            var bytes = format == "csv" ? Csv.WithBom(text) : Encoding.UTF8.GetBytes(text);
            await File.WriteAllBytesAsync(path, bytes, ct);
            progress.Report($"{Path.GetFullPath(path)} に書き出しました（{bytes.Length:N0} バイト）。");
        }
        else
        {
            await output.WriteAsync(text);
            if (!text.EndsWith('\n')) await output.WriteLineAsync();
        }
        return 0;
    }

    internal static SitingParameters Parameters(CliArgs args)
    {
        var minutes = args.GetDouble("minutes") ?? 10;
        var candidates = args.Get("candidates") is { Length: > 0 } c ? SitingGeoJson.ReadCandidates(ReadFile(c)) : [];
        var exclusions = args.Get("exclude") is { Length: > 0 } x ? SitingGeoJson.ReadExclusions(ReadFile(x)) : [];
        var add = args.GetDouble("add") ?? 6;
        if (add != Math.Floor(add)) throw new CliException("--add は整数で指定してください。");
        return new SitingParameters
        {
            Municipality = Parse.Municipality(args.Get("municipality") ?? throw new CliException("--municipality を指定してください（例: 35202）。")),
            Model = SitingParameters.ParseModel(args.Get("model")),
            Solver = Solver(args),
            Add = (int)Math.Clamp(add, -1, 1_000_000),
            Minutes = minutes,
            Pace = SitingParameters.ParsePace(args.GetDouble("pace")),
            SpacingMetres = args.GetDouble("spacing") ?? 60,
            Shelters = !args.Has("no-shelters"),
            Facilities = args.Get("facilities"),
            UserCandidates = candidates,
            Exclusions = exclusions,
            HubTypes = args.Get("hub-types"),
            TargetShare = args.GetDouble("target") ?? 0.5,
            Capacity = args.GetDouble("capacity"),
            OlderWeight = args.GetDouble("older-weight") ?? 0,
            PMedianMaxMinutes = args.GetDouble("max-minutes"),
            StraightRadius = Parse.StraightRadius(args.GetDouble("straight-radius")),
            TimeLimit = TimeLimit(args),
        }.Validate();
    }

    private static string ReadFile(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new CliException($"ファイルがありません: {path}");

    private static string Solver(CliArgs args) => (args.Get("solver") ?? "greedy").ToLowerInvariant() switch
    {
        "greedy" => "greedy",
        "exact" => "exact",
        var s => throw new CliException($"--solver は greedy か exact です（「{s}」）。"),
    };

    private static string Format(CliArgs args, string fallback, params string[] allowed)
    {
        var f = (args.Get("format") ?? fallback).ToLowerInvariant();
        return allowed.Contains(f) ? f : throw new CliException($"--format は {string.Join("・", allowed)} のどれかです。");
    }

    private static TimeSpan TimeLimit(CliArgs args)
    {
        var seconds = args.GetDouble("time-limit") ?? 60;
        return seconds is > 0 and <= 3600 ? TimeSpan.FromSeconds(seconds) : throw new CliException("--time-limit は 1〜3600 秒で指定してください。");
    }

    internal static string StatusName(SitingStatus status) => status switch
    {
        SitingStatus.Optimal => "optimal",
        SitingStatus.Feasible => "feasible",
        SitingStatus.Infeasible => "infeasible",
        _ => "heuristic",
    };

    internal static string StatusText(SitingStatus status) => status switch
    {
        SitingStatus.Optimal => "最適であることを証明",
        SitingStatus.Feasible => "時間内に最適性は証明できず",
        SitingStatus.Infeasible => "目標に届かない",
        _ => "近似解",
    };

    private static string SolverText(SitingSolution s) => s.Solver == "exact" ? "厳密解法" : "貪欲法";

    private static string Number(double v) => v.ToString(v == Math.Floor(v) ? "0" : "0.###", CultureInfo.InvariantCulture);
}
