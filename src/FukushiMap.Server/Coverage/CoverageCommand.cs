using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using FukushiMap.Analysis;
using System.Diagnostics;
using System.Text.Json;
using FukushiMap.Data;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Network;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Coverage;

/// <summary>
/// <c>./fukushimap coverage --municipality 35202 --minutes 10 --pace 80 [--hub-types …] [--hub-ids …] [--by &lt;layer&gt;]
/// [--format csv|geojson|gpkg] [--gaps] [--all-columns] [--max-residents-per-hub N] [--output file]</c>.
/// Progress goes to stderr; the table to stdout or --output.
/// </summary>
public static class CoverageCommand
{
    public const string Usage =
        "使い方: ./fukushimap coverage --municipality 35202 --minutes 10 --pace 80 [--hub-types fureai-center] [--hub-ids 1,2] " +
        "[--by <区域レイヤーのキー>] [--format csv|geojson|gpkg] [--gaps] [--all-columns] [--max-residents-per-hub 20000] [--output ファイル]";

    public static async Task<int> RunAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct, TextWriter? progressOutput = null)
    {
        var log = progressOutput ?? Console.Error;
        if (args.Positional.Count > 0 || args.Has("help"))
        {
            throw new CliException(Usage);
        }
        var format = (args.Get("format") ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "geojson" or "gpkg"))
        {
            throw new CliException("--format は csv・geojson・gpkg のどれかです。");
        }
        var outputPath = args.Get("output");
        if (format == "gpkg" && string.IsNullOrEmpty(outputPath))
        {
            throw new CliException("GeoPackage は --output でファイルを指定してください。");
        }

        var request = AnalysisCommand.Parameters(() => CoverageApi.Request(new CoverageApi.CoverageQuery
        {
            Municipality = args.Get("municipality") ?? throw new CliException("--municipality を指定してください（例: 35202）。"),
            Minutes = args.GetDouble("minutes") ?? 10,
            Pace = args.GetDouble("pace") ?? 80,
            HubTypes = args.Get("hub-types"),
            HubIds = args.Get("hub-ids"),
            By = args.Get("by"),
            Format = format,
            MaxResidentsPerHub = args.GetDouble("max-residents-per-hub"),
            Move = args.Get("move"),
            Add = args.Get("add"),
            Close = args.Get("close"),
            StraightRadius = args.GetDouble("straight-radius"),
        }));

        var progress = new ProgressLines(log);
        var clock = Stopwatch.StartNew();
        var run = await AnalysisCommand.RunAsync(services, log, ct,
            db => CoverageAnalysis.RunAsync(db, services.GetRequiredService<CoverageService>(), request, ct, progress));
        if (run is null)
        {
            return 1;
        }
        progress.Report($"徒歩 {request.Minutes:0.#} 分（{request.Pace.SpeedMetresPerMinute:0.#} m/分、{request.WalkMetres:N0} m）、拠点 {run.Hubs.Count} か所、" +
            $"区域「{run.Layer.Name}」{run.Layer.Districts.Length:N0} 件を集計しました（分析 {run.Elapsed.TotalMilliseconds:N1} ms、準備を含め {clock.ElapsedMilliseconds:N0} ms）。");
        var t = run.Summary.Total;
        progress.Report(run.City.Network.IsStraightLine
            ? $"人口 {t.Population:N0} 人（{CityNetwork.StraightLineLabel}、半径 {run.Request.StraightMetres:N0} m）：届く {t.NoNetworkStraightCovered:N0}、届かない {t.NoNetworkStraightUncovered:N0}"
            : $"人口 {t.Population:N0} 人：歩いて届く {t.Covered:N0}、届かない {t.Uncovered:N0}、道路データなし {t.NoNetwork:N0}" +
              (t.NoNetwork > 0 ? $"（うち{CityNetwork.StraightLineLabel}・半径 {run.Request.StraightMetres:N0} m で届く {t.NoNetworkStraightCovered:N0}）" : ""));
        if (args.Has("gaps"))
        {
            progress.Report($"空白地域 {run.Gaps.Count:N0} か所を書き出します。");
        }

        byte[] bytes = (format, args.Has("gaps")) switch
        {
            ("csv", false) => Csv.Document(CoverageDocuments.DistrictColumnNames(run, args.Has("all-columns")),
                CoverageDocuments.DistrictRows(run, args.Has("all-columns"))),
            ("csv", true) => Csv.Document(CoverageDocuments.GapColumnNames(run), CoverageDocuments.GapRows(run)),
            ("geojson", false) => JsonSerializer.SerializeToUtf8Bytes(CoverageDocuments.DistrictFeatures(run), CoverageDocuments.JsonOptions),
            ("geojson", true) => JsonSerializer.SerializeToUtf8Bytes(CoverageDocuments.GapFeatures(run), CoverageDocuments.JsonOptions),
            _ => CoverageDocuments.GeoPackage(run, withDistricts: !args.Has("gaps")),
        };
        if (!string.IsNullOrEmpty(outputPath))
        {
            await File.WriteAllBytesAsync(outputPath, bytes, ct);
            progress.Report($"{Path.GetFullPath(outputPath)} に書き出しました（{bytes.Length:N0} バイト）。");
        }
        else
        {
            // The bytes as they are (UTF-8 with BOM and CRLF for CSV), so a redirected file opens in Excel.
            await output.FlushAsync(ct);
            if (output == Console.Out)
            {
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(bytes, ct);
            }
            else
            {
                await output.WriteAsync(System.Text.Encoding.UTF8.GetString(bytes));
            }
        }
        return 0;
    }
}
