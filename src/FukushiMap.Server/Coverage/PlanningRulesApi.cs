using System.ComponentModel;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Coverage;

/// <summary>
/// The planning rules of each municipality, checked against its hubs and people now (anyone may read them, as the coverage
/// figures), and defined by its planners without code (計画担当・管理者). The seed cities' own rules are built in.
/// </summary>
public static class PlanningRulesApi
{
    public static IEndpointRouteBuilder MapPlanningRules(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/coverage").WithTags("計画の目安").AllowAnonymous()
            .MapGet("/rules", ListAsync).WithName("CheckPlanningRules")
            .WithSummary("市区町村の計画の目安（区域ごとの拠点の数・拠点あたりの住民）と、いまの拠点がそれを満たすか");
        var edit = app.MapGroup("/api/coverage/rules").WithTags("計画の目安").RequireAuthorization(WelfarePolicies.Planner);
        edit.MapPost("", CreateAsync).WithName("CreatePlanningRule").WithSummary("計画の目安を加える（計画担当）");
        edit.MapPut("/{id:int}", UpdateAsync).WithName("UpdatePlanningRule").WithSummary("加えた目安を変える（計画担当）");
        edit.MapDelete("/{id:int}", DeleteAsync).WithName("DeletePlanningRule").WithSummary("加えた目安を消す（計画担当）");
        return app;
    }

    public sealed record RuleView(int Id, string MunicipalityCode, string Name, string? Source, string DistrictKind, int? ExpectedDistricts,
        string[] HubTypes, bool EachType, int? MinHubsPerDistrict, double? MaxResidentsPerHub, bool BuiltIn, string? CreatedBy);

    public sealed record RuleDistrictView(string Code, string Name, long Population, int Hubs, IReadOnlyDictionary<string, int> HubsByType,
        bool Met, string? Shortfall);

    /// <param name="Status">met, not-met, count-only (the count is enough; where they stand needs boundaries) or unknown.</param>
    public sealed record RuleCheckView(RuleView Rule, string Status, string Summary, string? LayerKey, string? LayerName, int Hubs,
        long Population, IReadOnlyDictionary<string, int> HubsByType, IReadOnlyList<string> MissingTypes, List<RuleDistrictView> Districts);

    private static RuleView View(PlanningRule r) => new(r.Id, r.MunicipalityCode, r.Name, r.Source, r.DistrictKind, r.ExpectedDistricts,
        r.HubTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), r.EachType, r.MinHubsPerDistrict,
        r.MaxResidentsPerHub, r.BuiltIn, r.CreatedBy);

    internal static async Task<Ok<List<RuleCheckView>>> ListAsync([Description("市区町村コード（5桁）")] string? municipality,
        FukushiMapDbContext db, PlanningRuleChecker checker, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        var rules = await db.PlanningRules.AsNoTracking().Where(r => r.MunicipalityCode == code).OrderByDescending(r => r.BuiltIn).ThenBy(r => r.Id)
            .ToListAsync(ct);
        var checks = await checker.CheckAsync(db, code, rules, ct);
        return TypedResults.Ok(checks.Select(c => new RuleCheckView(View(c.Rule), c.Status, c.Summary, c.Layer?.Key, c.Layer?.Name, c.HubCount,
            c.Population, c.HubsByType, c.MissingTypes,
            [.. c.Districts.Select(d => new RuleDistrictView(d.Code, d.Name, d.Population, d.Hubs, d.HubsByType, d.Met, d.Shortfall))])).ToList());
    }

    public sealed record RuleInput(string? MunicipalityCode, string? Name, string? Source, string? DistrictKind, int? ExpectedDistricts,
        string? HubTypes, bool? EachType, int? MinHubsPerDistrict, double? MaxResidentsPerHub);

    internal static async Task<Results<Created<RuleView>, ProblemHttpResult>> CreateAsync(RuleInput input, WelfareCaller caller,
        FukushiMapDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var rule = new PlanningRule { MunicipalityCode = "", Name = "", DistrictKind = "", HubTypes = "", CreatedBy = caller.UserName };
        if (await ApplyAsync(db, caller, rule, input, ct) is { } problem)
        {
            return problem;
        }
        rule.CreatedAt = rule.UpdatedAt = clock.GetUtcNow();
        db.PlanningRules.Add(rule);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/coverage/rules?municipality={rule.MunicipalityCode}", View(rule));
    }

    internal static async Task<Results<Ok<RuleView>, ProblemHttpResult>> UpdateAsync(int id, RuleInput input, WelfareCaller caller,
        FukushiMapDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (rule, refused) = await EditableAsync(id, caller, db, "変えられません。同じ区域で別の目安を加えてください", ct);
        if (refused is not null)
        {
            return refused;
        }
        if (await ApplyAsync(db, caller, rule!, input, ct) is { } problem)
        {
            return problem;
        }
        rule!.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(rule));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, WelfareCaller caller, FukushiMapDbContext db,
        CancellationToken ct)
    {
        var (rule, refused) = await EditableAsync(id, caller, db, "消せません", ct);
        if (refused is not null)
        {
            return refused;
        }
        db.PlanningRules.Remove(rule!);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Checks the input and copies it into <paramref name="rule"/>; a problem naming the field when it is wrong.</summary>
    /// <summary>A rule this caller may change: it exists, is not built in, and belongs to a city the caller holds.</summary>
    private static async Task<(PlanningRule? Rule, ProblemHttpResult? Refused)> EditableAsync(int id, WelfareCaller caller, FukushiMapDbContext db,
        string builtInRefusal, CancellationToken ct)
    {
        var rule = await db.PlanningRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return (null, Problems.NotFound("not-found", $"目安 {id} はありません。"));
        }
        if (rule.BuiltIn)
        {
            return (null, Problems.Invalid("built-in-rule", $"組み込みの目安は{builtInRefusal}。"));
        }
        return await PlannerCities.HoldsAsync(caller, db, rule.MunicipalityCode, ct) ? (rule, null) : (null, Forbidden(rule.MunicipalityCode));
    }

    private static ProblemHttpResult Forbidden(string code) => Problems.Forbidden("rule-forbidden",
        $"市区町村 {code} の目安を変える権限がありません（管理者に担当の市区町村を登録してもらってください）。");

    private static async Task<ProblemHttpResult?> ApplyAsync(FukushiMapDbContext db, WelfareCaller caller, PlanningRule rule, RuleInput input,
        CancellationToken ct)
    {
        ProblemHttpResult Bad(string detail) => Problems.Invalid("invalid-rule", detail);
        string code;
        try
        {
            code = Parse.Municipality(input.MunicipalityCode);
        }
        catch (FukushiMapError)
        {
            return Bad("市区町村コード（municipalityCode、5 桁）を指定してください。");
        }
        if (!await db.Municipalities.AnyAsync(m => m.Code == code, ct))
        {
            return Problems.NotFound("not-found", $"市区町村 {code} はありません。");
        }
        if (!await PlannerCities.HoldsAsync(caller, db, code, ct))
        {
            return Forbidden(code);
        }
        var name = input.Name?.Trim() ?? "";
        var kind = input.DistrictKind?.Trim() ?? "";
        var source = string.IsNullOrWhiteSpace(input.Source) ? null : input.Source.Trim();
        var types = (input.HubTypes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (name.Length is 0 or > 200)
        {
            return Bad("目安の名前（name）を 1〜200 文字で書いてください。");
        }
        if (kind.Length is 0 or > 100)
        {
            return Bad("数える区域の種類（districtKind、例: 小学校区・日常生活圏域・地区）を 1〜100 文字で書いてください。");
        }
        if (source is { Length: > 300 })
        {
            return Bad("出典（source）は 300 文字までです。");
        }
        if (types.Length == 0 || string.Join(',', types).Length > 500)
        {
            return Bad("数える拠点の種類のキー（hubTypes、カンマ区切り）を指定してください。");
        }
        var knownTypes = await db.HubTypes.Where(t => types.Contains(t.Key)).Select(t => t.Key).ToListAsync(ct);
        if (types.Except(knownTypes).ToList() is { Count: > 0 } unknown)
        {
            return Bad($"拠点の種類「{string.Join("」「", unknown)}」はありません（/api/hub-types に一覧があります）。");
        }
        if (input.MinHubsPerDistrict is null && input.MaxResidentsPerHub is null)
        {
            return Bad("区域ごとの拠点の最少数（minHubsPerDistrict）か、拠点 1 か所あたりの住民の上限（maxResidentsPerHub）のどちらかを指定してください。");
        }
        if (input.MinHubsPerDistrict is < 1 or > 100)
        {
            return Bad("区域ごとの拠点の最少数（minHubsPerDistrict）は 1〜100 です。");
        }
        if (input.MaxResidentsPerHub is { } max && !(double.IsFinite(max) && max is >= 1 and <= 10_000_000))
        {
            return Bad("拠点 1 か所あたりの住民の上限（maxResidentsPerHub）は 1〜10,000,000 人です。");
        }
        if (input.ExpectedDistricts is < 1 or > 10_000)
        {
            return Bad("区域の数（expectedDistricts）は 1〜10,000 です。");
        }
        rule.MunicipalityCode = code;
        rule.Name = name;
        rule.Source = source;
        rule.DistrictKind = kind;
        rule.ExpectedDistricts = input.ExpectedDistricts;
        rule.HubTypes = string.Join(',', types);
        rule.EachType = input.EachType ?? false;
        rule.MinHubsPerDistrict = input.MinHubsPerDistrict;
        rule.MaxResidentsPerHub = input.MaxResidentsPerHub;
        return null;
    }
}
