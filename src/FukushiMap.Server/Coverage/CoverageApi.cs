using FukushiMap.Analysis.Parameters;
using System.ComponentModel;
using System.Globalization;
using FukushiMap.Core.Coverage;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Coverage;

/// <summary>Coverage of the population by walking hubs, per district, with gaps, planning rules and exports.</summary>
public static class CoverageApi
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string GeoJsonType = "application/geo+json";
    public const string GeoPackageType = "application/geopackage+sqlite3";


    public static IEndpointRouteBuilder MapCoverage(this IEndpointRouteBuilder app)
    {
        // Public, read-only figures over public data (census, hubs): anyone may ask, as with the OGC layers.
        var api = app.MapGroup("/api/coverage").WithTags("徒歩圏の人口カバー").AllowAnonymous();
        api.MapGet("", GetCoverageAsync).WithName("GetCoverage")
            .WithSummary("拠点から歩いて○分に住む人・住まない人を区域ごとに数える（json・csv・geojson・gpkg）")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/gaps", GetGapsAsync).WithName("GetCoverageGaps")
            .WithSummary("歩いて○分で拠点に届かない人のいる地域（空白地域）を人数の多い順に返す（geojson・csv・gpkg）")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/layers", GetLayersAsync).WithName("GetCoverageLayers")
            .WithSummary("集計に使える区域レイヤー（町丁・字と、取り込んだ校区など）")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public sealed record CoverageQuery
    {
        [Description("市区町村コード（5桁）")] [DefaultValue("35202")]
        public string? Municipality { get; init; }

        [Description("歩く時間（分、0より大きく60以下）")] [DefaultValue(10.0)]
        public double? Minutes { get; init; }

        [Description("歩く速さ（m/分）: 80 ふつう, 60 ゆっくり, 48 休み休み")] [DefaultValue(80.0)]
        public double? Pace { get; init; }

        [Description("拠点の種類のキー（カンマ区切り）。省略時はすべて")] [FromQuery(Name = "hub_types")]
        public string? HubTypes { get; init; }

        [Description("拠点 id（カンマ区切り）。省略時は種類で選んだすべて")] [FromQuery(Name = "hub_ids")]
        public string? HubIds { get; init; }

        [Description("集計する区域レイヤーのキー（/api/coverage/layers）。省略時は町丁・字（units）")]
        public string? By { get; init; }

        [Description("json, csv, geojson, gpkg")] [DefaultValue("json")]
        public string? Format { get; init; }

        [Description("江戸川区の目安：拠点1か所あたりの住民の上限")] [DefaultValue(20000.0)] [FromQuery(Name = "max_residents_per_hub")]
        public double? MaxResidentsPerHub { get; init; }

        [Description("もしも：拠点を動かす。id:経度,緯度 を ; で区切る（例 7:131.2501,33.9512）")]
        public string? Move { get; init; }

        [Description("もしも：拠点を加える。経度,緯度 を ; で区切る")]
        public string? Add { get; init; }

        [Description("もしも：拠点を閉じる。id をカンマで区切る")]
        public string? Close { get; init; }

        [Description("csv の列：base（既定）または all（直線距離・目安の列も）")]
        public string? Columns { get; init; }

        [Description("空白地域の件数の上限（gaps のみ）")]
        public int? Limit { get; init; }

        [Description("道路データのない所の直線距離の半径（m）。省略時は歩く時間×速さ。目安：800（徒歩圏）、500（高齢者の徒歩圏）")] [FromQuery(Name = "straight_radius")]
        public double? StraightRadius { get; init; }
    }

    internal static async Task<Results<Ok<CoverageReportView>, JsonHttpResult<CoverageFeatureCollection>, FileContentHttpResult>> GetCoverageAsync(
        [AsParameters] CoverageQuery query, FukushiMapDbContext db, CoverageService service, CancellationToken ct)
    {
        var format = Format(query.Format, "json", "csv", "geojson", "gpkg");
        var run = await CoverageAnalysis.RunAsync(db, service, Request(query), ct);
        var all = ColumnsAll(query.Columns);
        return format switch
        {
            "csv" => TypedResults.File(Csv.Document(CoverageDocuments.DistrictColumnNames(run, all), CoverageDocuments.DistrictRows(run, all)),
                CsvType, FileName(run, "csv")),
            "geojson" => TypedResults.Json(CoverageDocuments.DistrictFeatures(run), contentType: GeoJsonType),
            "gpkg" => TypedResults.File(CoverageDocuments.GeoPackage(run), GeoPackageType, FileName(run, "gpkg")),
            _ => TypedResults.Ok(CoverageDocuments.Report(run)),
        };
    }

    internal static async Task<Results<JsonHttpResult<CoverageFeatureCollection>, FileContentHttpResult>> GetGapsAsync(
        [AsParameters] CoverageQuery query, FukushiMapDbContext db, CoverageService service, CancellationToken ct)
    {
        var format = Format(query.Format, "geojson", "json", "csv", "gpkg");
        if (query.Limit is < 1 or > Limits.MaxGaps)
        {
            throw FukushiMapError.Invalid("invalid-limit", $"limit は 1〜{Limits.MaxGaps} で指定してください。");
        }
        var run = await CoverageAnalysis.RunAsync(db, service, Request(query), ct);
        return format switch
        {
            "csv" => TypedResults.File(Csv.Document(CoverageDocuments.GapColumnNames(run), CoverageDocuments.GapRows(run, query.Limit)),
                CsvType, FileName(run, "csv", "gaps")),
            "gpkg" => TypedResults.File(CoverageDocuments.GeoPackage(run, withDistricts: false), GeoPackageType, FileName(run, "gpkg", "gaps")),
            _ => TypedResults.Json(CoverageDocuments.GapFeatures(run, query.Limit), contentType: GeoJsonType),
        };
    }

    public sealed record LayerOption(string Key, string Kind, string Name, int Districts, bool IsUnitCells);

    internal static async Task<Ok<List<LayerOption>>> GetLayersAsync(
        [Description("市区町村コード（5桁）")] string? municipality, FukushiMapDbContext db, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        var units = await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == code, ct);
        var withPolygons = await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == code && p.Polygon != null, ct);
        var list = new List<LayerOption>();
        if (units > 0)
        {
            list.Add(new(CoverageLayer.UnitsKey, "町丁・字", withPolygons == units ? "町丁・字" : "町丁・字（代表点からの推定範囲）", units, withPolygons < units));
        }
        list.AddRange((await CoverageInputLoader.LayersAsync(db, code, ct)).Where(l => l.Districts > 0)
            .Select(l => new LayerOption(l.Key, l.Kind, l.Name, l.Districts, false)));
        return TypedResults.Ok(list);
    }

    // ---------- parameters ----------

    internal static CoverageRequest Request(CoverageQuery q)
    {
        var municipality = Parse.Municipality(q.Municipality);
        var minutes = Parse.Minutes(q.Minutes);
        var threshold = q.MaxResidentsPerHub ?? CoverageSummary.DefaultResidentsPerHub;
        if (!double.IsFinite(threshold) || threshold < 1 || threshold > 10_000_000)
        {
            throw FukushiMapError.Invalid("invalid-threshold", "max_residents_per_hub は 1 以上の数で指定してください。");
        }
        var by = string.IsNullOrWhiteSpace(q.By) ? null : q.By.Trim();
        if (by is { Length: > 100 })
        {
            throw FukushiMapError.Invalid("invalid-district-layer", "by（区域レイヤーのキー）が長すぎます。");
        }
        var request = new CoverageRequest(municipality, minutes, Parse.Pace(q.Pace), q.HubTypes, Parse.Ids(q.HubIds, "hub_ids"), by, threshold)
        {
            Moves = Moves(q.Move),
            Additions = Additions(q.Add),
            Closed = Parse.Ids(q.Close, "close") ?? [],
            StraightRadius = Parse.StraightRadius(q.StraightRadius),
        };
        if (request.Moves.Count + request.Additions.Count + request.Closed.Count > Limits.MaxWhatIf)
        {
            throw FukushiMapError.Invalid("too-many-what-ifs", $"もしもの変更（move・add・close）は合わせて {Limits.MaxWhatIf} 件までです。");
        }
        return request;
    }

    private static string Format(string? format, string fallback, params string[] allowed)
    {
        var f = string.IsNullOrWhiteSpace(format) ? fallback : format.Trim().ToLowerInvariant();
        return f == fallback || allowed.Contains(f)
            ? f
            : throw FukushiMapError.Invalid("invalid-format", $"format は {string.Join("・", allowed.Prepend(fallback).Distinct())} のどれかです。");
    }

    private static bool ColumnsAll(string? columns) => columns switch
    {
        null or "" or "base" => false,
        "all" => true,
        _ => throw FukushiMapError.Invalid("invalid-columns", "columns は base か all です。"),
    };

    private static List<HubMove> Moves(string? text)
    {
        var moves = new List<HubMove>();
        foreach (var part in Parts(text))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0 || !int.TryParse(part[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                || LonLat(part[(colon + 1)..]) is not var (lon, lat))
            {
                throw FukushiMapError.Invalid("invalid-move", $"move は id:経度,緯度 を ; で区切って指定してください（「{part}」）。");
            }
            moves.Add(new HubMove(id, lon, lat));
        }
        return moves;
    }

    private static List<HubAddition> Additions(string? text)
    {
        var list = new List<HubAddition>();
        foreach (var part in Parts(text))
        {
            if (LonLat(part) is not var (lon, lat))
            {
                throw FukushiMapError.Invalid("invalid-add", $"add は 経度,緯度 を ; で区切って指定してください（「{part}」）。");
            }
            list.Add(new HubAddition(lon, lat));
        }
        return list;
    }

    private static IEnumerable<string> Parts(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (double Lon, double Lat)? LonLat(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            && double.IsFinite(lon) && double.IsFinite(lat) && lon is >= 120 and <= 155 && lat is >= 20 and <= 46
            ? (lon, lat)
            : null;
    }

    internal static string FileName(CoverageRun run, string extension, string what = "coverage") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what}-{run.City.Inputs.MunicipalityCode}-{run.Request.Minutes:0.#}min-{run.Request.Pace.SpeedMetresPerMinute:0.#}m-{run.Layer.Key}.{extension}");
}
