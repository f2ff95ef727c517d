using FukushiMap.Analysis.Parameters;
using System.ComponentModel;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using FukushiMap.Core.Siting;
using FukushiMap.Data;
using FukushiMap.Data.Siting;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Siting;

/// <summary>
/// Where the next hubs should go: analyses (anonymous, read-only, like the coverage API) and saved scenarios
/// (計画担当・管理者 only; saving is a state change, so it also needs the antiforgery token).
/// </summary>
public static class SitingApi
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string GeoJsonType = "application/geo+json";
    public const int MaxBodyBytes = 2_000_000;


    public static IEndpointRouteBuilder MapSiting(this IEndpointRouteBuilder app)
    {
        // Analyses read public data (census, hubs, shelters, streets) and store nothing: anyone may ask, as with /api/coverage.
        // Server-side limits (minutes, sites, candidates, time limit) and one exact solve at a time keep the cost bounded.
        var api = app.MapGroup("/api/siting").WithTags("拠点の配置（どこに置くか）");
        api.MapGet("", GetAsync).AllowAnonymous().WithName("GetSiting")
            .WithSummary("いまの拠点を残して、新しい拠点をどこに置くとよいかを求める（json・csv・geojson）")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/analyses", PostAsync).AllowAnonymous().WithName("PostSitingAnalysis")
            .WithSummary("候補地の一覧や除外する範囲（GeoJSON）を付けて求める（保存はしない）")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        // Scenarios are the planners' working drafts: read and written by 計画担当 and 管理者 only.
        var scenarios = api.MapGroup("/scenarios").RequireAuthorization(WelfarePolicies.Planner);
        scenarios.MapGet("", ListScenariosAsync).WithName("ListSitingScenarios").WithSummary("保存した案の一覧");
        scenarios.MapGet("/{id:int}", GetScenarioAsync).WithName("GetSitingScenario").WithSummary("保存した案を開く（保存したときの結果のまま）");
        scenarios.MapGet("/compare", CompareAsync).WithName("CompareSitingScenarios").WithSummary("保存した案を並べて比べる（ids=1,2）");
        scenarios.MapPost("", SaveScenarioAsync).WithName("SaveSitingScenario")
            .WithSummary("案を計算し直して保存する（antiforgery トークンが必要）")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        scenarios.MapDelete("/{id:int}", DeleteScenarioAsync).WithName("DeleteSitingScenario").WithSummary("保存した案を消す");
        return app;
    }

    public sealed record SitingQuery
    {
        [Description("市区町村コード（5桁）")] [DefaultValue("35202")]
        public string? Municipality { get; init; }

        [Description("mclp（届く人を増やす）, lscp（目標の割合に要る最小数）, pmedian（平均の歩く時間を縮める）")] [DefaultValue("mclp")]
        public string? Model { get; init; }

        [Description("greedy（貪欲法）か exact（厳密解法）")] [DefaultValue("greedy")]
        public string? Solver { get; init; }

        [Description("加える拠点の数（1〜50）")] [DefaultValue(6)]
        public int? Add { get; init; }

        [Description("歩く時間（分）")] [DefaultValue(10.0)]
        public double? Minutes { get; init; }

        [Description("歩く速さ（m/分）: 80 ふつう, 60 ゆっくり, 48 休み休み")] [DefaultValue(80.0)]
        public double? Pace { get; init; }

        [Description("道路の点を候補地にする間隔（m、20〜5000。0 で使わない）")] [DefaultValue(60.0)]
        public double? Spacing { get; init; }

        [Description("指定避難所などを候補地にする")] [DefaultValue(true)]
        public bool? Shelters { get; init; }

        [Description("既存の施設を候補地にする分類のキー（カンマ区切り、例: care-service＝介護サービス事業所）")]
        public string? Facilities { get; init; }

        [Description("残す拠点の種類のキー（カンマ区切り）。省略時はすべて")] [FromQuery(Name = "hub_types")]
        public string? HubTypes { get; init; }

        [Description("lscp：届く人の割合の目標（0〜1）")] [DefaultValue(0.5)]
        public double? Target { get; init; }

        [Description("拠点 1 か所あたりの住民の上限（exact のみ）")]
        public double? Capacity { get; init; }

        [Description("65歳以上の人の追加の重み（0〜10）")] [FromQuery(Name = "older_weight")]
        public double? OlderWeight { get; init; }

        [Description("pmedian：数える最長の歩く時間（分）")] [FromQuery(Name = "max_minutes")]
        public double? MaxMinutes { get; init; }

        [Description("exact の時間の上限（秒、1〜120）")] [FromQuery(Name = "time_limit")]
        public double? TimeLimit { get; init; }

        [Description("json, csv（選んだ場所）, geojson（場所と徒歩圏）")] [DefaultValue("json")]
        public string? Format { get; init; }

        [Description("json に徒歩圏と新たに届く範囲の形を含める")] [DefaultValue(true)]
        public bool? Areas { get; init; }

        [Description("歩行ネットワークのない市区町村で「届く」とする直線距離の半径（m、50〜5000。例 800、高齢者 500）。省略時は歩く時間 × 速さ")] [FromQuery(Name = "straight_radius")]
        public double? StraightRadius { get; init; }
    }

    /// <summary>The same as <see cref="SitingQuery"/>, as a JSON body, with GeoJSON candidates and exclusion areas.</summary>
    public sealed record SitingBody(string? Municipality, string? Model, string? Solver, int? Add, double? Minutes, double? Pace, double? Spacing,
        bool? Shelters, string? HubTypes, double? Target, double? Capacity, double? OlderWeight, double? MaxMinutes, double? TimeLimit,
        JsonElement? Candidates, JsonElement? Exclusions, bool? Areas, string? Facilities = null, double? StraightRadius = null);

    internal static async Task<Results<Ok<SitingReportView>, JsonHttpResult<object>, FileContentHttpResult>> GetAsync(
        [AsParameters] SitingQuery q, FukushiMapDbContext db, SitingService service, CancellationToken ct)
    {
        var format = (q.Format ?? "json").Trim().ToLowerInvariant();
        if (format is not ("json" or "csv" or "geojson"))
            throw FukushiMapError.Invalid("invalid-format", "format は json・csv・geojson のどれかです。");
        var body = new SitingBody(q.Municipality, q.Model, q.Solver, q.Add, q.Minutes, q.Pace, q.Spacing, q.Shelters, q.HubTypes, q.Target,
            q.Capacity, q.OlderWeight, q.MaxMinutes, q.TimeLimit, null, null, q.Areas, q.Facilities, q.StraightRadius);
        var run = await service.RunAsync(db, Parameters(body), ct);
        return format switch
        {
            "csv" => TypedResults.File(Csv.WithBom(SitingDocuments.SitesCsv(run)), CsvType,
                $"siting-{run.Parameters.Municipality}-{SitingParameters.ModelName(run.Parameters.Model)}.csv"),
            "geojson" => TypedResults.Json(SitingDocuments.SiteFeatures(run, withCatchments: true), contentType: GeoJsonType),
            _ => TypedResults.Ok(SitingDocuments.Report(run, q.Areas ?? true)),
        };
    }

    internal static async Task<Ok<SitingReportView>> PostAsync(SitingBody body, FukushiMapDbContext db, SitingService service, CancellationToken ct)
    {
        var run = await service.RunAsync(db, Parameters(body ?? throw Missing()), ct);
        return TypedResults.Ok(SitingDocuments.Report(run, body.Areas ?? true));
    }

    // ---------- scenarios ----------

    public sealed record ScenarioSave(string? Name, string? Note, SitingBody? Parameters);

    public sealed record ScenarioSummary(int Id, string Name, string? Note, string Municipality, string Model, string Solver, int AddedSites,
        long CoveredBefore, long CoveredAfter, long Population, string CreatedBy, DateTimeOffset CreatedAt);

    public sealed record ScenarioView(ScenarioSummary Scenario, JsonElement Parameters, JsonElement Report);

    public sealed record ComparedDistrict(string Code, string Name, long Population, long CoveredBefore, List<long> CoveredAfter);

    public sealed record ComparedScenario(ScenarioSummary Scenario, JsonElement Sites, JsonElement Solver, JsonElement Parameters);

    public sealed record ScenarioComparison(List<ComparedScenario> Scenarios, List<ComparedDistrict> Districts);

    internal static async Task<Ok<List<ScenarioSummary>>> ListScenariosAsync(
        [Description("市区町村コード（5桁）")] string? municipality, FukushiMapDbContext db, CancellationToken ct)
    {
        var code = FukushiMap.Analysis.Parameters.Parse.Municipality(municipality);
        var rows = await db.SitingScenarios.AsNoTracking().Where(s => s.MunicipalityCode == code).OrderByDescending(s => s.CreatedAt)
            .ThenByDescending(s => s.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(Summary).ToList());
    }

    internal static async Task<Results<Ok<ScenarioView>, ProblemHttpResult>> GetScenarioAsync(int id, FukushiMapDbContext db, CancellationToken ct)
    {
        var s = await db.SitingScenarios.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return s is null ? UnknownScenario([id]) : TypedResults.Ok(new ScenarioView(Summary(s), Parse(s.Parameters), Parse(s.Report)));
    }

    private static ProblemHttpResult UnknownScenario(IEnumerable<int> ids) =>
        Problems.NotFound("unknown-scenario", $"案 {string.Join("、", ids)} はありません。");

    internal static async Task<Results<Ok<ScenarioComparison>, ProblemHttpResult>> CompareAsync([Description("比べる案の id（カンマ区切り、2〜6 件）")] string? ids,
        FukushiMapDbContext db, CancellationToken ct)
    {
        var list = new List<int>();
        foreach (var part in (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw FukushiMapError.Invalid("invalid-ids", $"ids は案の id をカンマで区切って指定してください（「{part}」）。");
            if (!list.Contains(id)) list.Add(id);
        }
        if (list.Count is < 1 or > Limits.MaxComparedScenarios)
            throw FukushiMapError.Invalid("invalid-ids", $"比べる案は 1〜{Limits.MaxComparedScenarios} 件です。");
        var rows = await db.SitingScenarios.AsNoTracking().Where(s => list.Contains(s.Id)).ToListAsync(ct);
        var missing = list.Except(rows.Select(r => r.Id)).ToList();
        if (missing.Count > 0)
            return UnknownScenario(missing);
        var ordered = list.Select(id => rows.Single(r => r.Id == id)).ToList();
        var reports = ordered.Select(r => Parse(r.Report)).ToList();

        // Districts by code, in the first scenario's order; a district missing from a report counts as not covered there.
        var districts = new List<ComparedDistrict>();
        var byScenario = reports.Select(r => r.GetProperty("districts").EnumerateArray()
            .ToDictionary(d => d.GetProperty("code").GetString()!, d => d)).ToList();
        foreach (var d in reports[0].GetProperty("districts").EnumerateArray())
        {
            var code = d.GetProperty("code").GetString()!;
            districts.Add(new ComparedDistrict(code, d.GetProperty("name").GetString()!, d.GetProperty("population").GetInt64(),
                d.GetProperty("coveredBefore").GetInt64(),
                byScenario.Select(m => m.TryGetValue(code, out var row) ? row.GetProperty("coveredAfter").GetInt64() : 0).ToList()));
        }
        var compared = ordered.Select((r, i) => new ComparedScenario(Summary(r), Strip(reports[i].GetProperty("sites")),
            reports[i].GetProperty("solver"), reports[i].GetProperty("parameters"))).ToList();
        return TypedResults.Ok(new ScenarioComparison(compared, districts));
    }

    internal static async Task<Created<ScenarioView>> SaveScenarioAsync(ScenarioSave save, ClaimsPrincipal user, FukushiMapDbContext db,
        SitingService service, CancellationToken ct)
    {
        var name = (save?.Name ?? "").Trim();
        if (name.Length is 0 or > 200)
            throw FukushiMapError.Invalid("invalid-name", "案の名前を 1〜200 文字で付けてください。");
        var note = string.IsNullOrWhiteSpace(save!.Note) ? null : save.Note.Trim();
        if (note is { Length: > 2000 })
            throw FukushiMapError.Invalid("invalid-note", "メモは 2000 文字までです。");
        var body = save.Parameters ?? throw Missing();
        var parameters = Parameters(body);
        // The answer is computed here, never taken from the client, so a saved scenario is what the method gives.
        var run = await service.RunAsync(db, parameters, ct);
        var report = SitingDocuments.Report(run, withAreas: true);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = CoverageDocuments.JsonOptions.Encoder,
            Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() },
        };
        var scenario = new SitingScenario
        {
            MunicipalityCode = parameters.Municipality,
            Name = name,
            Note = note,
            Model = SitingParameters.ModelName(parameters.Model),
            Solver = parameters.Solver,
            Parameters = JsonSerializer.Serialize(body with { Areas = null }, options),
            Report = JsonSerializer.Serialize(report, options),
            AddedSites = run.Sites.Count,
            CoveredBefore = report.Before.Covered,
            CoveredAfter = report.After.Covered,
            Population = report.Before.Population,
            CreatedBy = user.Identity?.Name ?? "?",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.SitingScenarios.Add(scenario);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/siting/scenarios/{scenario.Id}",
            new ScenarioView(Summary(scenario), Parse(scenario.Parameters), Parse(scenario.Report)));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteScenarioAsync(int id, FukushiMapDbContext db, CancellationToken ct)
    {
        var deleted = await db.SitingScenarios.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? UnknownScenario([id]) : TypedResults.NoContent();
    }

    // ---------- parameters ----------

    internal static SitingParameters Parameters(SitingBody b)
    {
        var minutes = b.Minutes ?? 10;
        var limit = b.TimeLimit ?? 60;
        if (!double.IsFinite(limit) || limit < 1 || limit > Limits.MaxSolverTime.TotalSeconds)
            throw FukushiMapError.Invalid("invalid-time-limit", $"time_limit は 1〜{Limits.MaxSolverTime.TotalSeconds:N0} 秒です。");
        var candidates = b.Candidates is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } c ? SitingGeoJson.ReadCandidates(c.GetRawText()) : [];
        var exclusions = b.Exclusions is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } x ? SitingGeoJson.ReadExclusions(x.GetRawText()) : [];
        return new SitingParameters
        {
            Municipality = FukushiMap.Analysis.Parameters.Parse.Municipality(b.Municipality),
            Model = SitingParameters.ParseModel(b.Model),
            Solver = (b.Solver ?? "greedy").Trim().ToLowerInvariant(),
            Add = b.Add ?? 6,
            Minutes = minutes,
            Pace = SitingParameters.ParsePace(b.Pace),
            SpacingMetres = b.Spacing ?? 60,
            Shelters = b.Shelters ?? true,
            Facilities = string.IsNullOrWhiteSpace(b.Facilities) ? null : b.Facilities,
            UserCandidates = candidates,
            Exclusions = exclusions,
            HubTypes = string.IsNullOrWhiteSpace(b.HubTypes) ? null : b.HubTypes,
            TargetShare = b.Target ?? 0.5,
            Capacity = b.Capacity,
            OlderWeight = b.OlderWeight ?? 0,
            PMedianMaxMinutes = b.MaxMinutes,
            StraightRadius = FukushiMap.Analysis.Parameters.Parse.StraightRadius(b.StraightRadius),
            TimeLimit = TimeSpan.FromSeconds(limit),
        }.Validate();
    }

    private static FukushiMapError Missing() =>
        FukushiMapError.Invalid("missing-body", "条件（JSON）を送ってください。");

    private static ScenarioSummary Summary(SitingScenario s) => new(s.Id, s.Name, s.Note, s.MunicipalityCode, s.Model, s.Solver, s.AddedSites,
        s.CoveredBefore, s.CoveredAfter, s.Population, s.CreatedBy, s.CreatedAt);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    // Sites without their catchment polygons (comparison tables need only the figures).
    private static JsonElement Strip(JsonElement sites)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var site in sites.EnumerateArray())
            {
                writer.WriteStartObject();
                foreach (var property in site.EnumerateObject())
                {
                    if (property.NameEquals("catchment")) continue;
                    property.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
