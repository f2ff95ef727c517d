using FukushiMap.Core.Geodesy;
using System.ComponentModel;
using System.Globalization;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.WelfareMap;

/// <summary>
/// Households that need support, under /api/households only (never an OGC collection). Every query is filtered to the
/// caller's granted districts on the server; another district's household answers 404; every read, change and export is
/// written to the audit log.
/// </summary>
public static partial class HouseholdsApi
{
    public const int MaxList = 5000;
    public const int MaxTextLength = 2000;

    public static RouteGroupBuilder MapHouseholds(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/households").WithTags("福祉マップ（世帯）").RequireAuthorization(WelfarePolicies.Welfare);
        api.MapGet("", ListAsync).WithName("ListHouseholds").WithSummary("担当区域の世帯（district・bbox で絞り込み）");
        api.MapGet("/{id:int}", GetAsync).WithName("GetHousehold").WithSummary("世帯 1 件（ETag 付き）");
        api.MapPost("", CreateAsync).WithName("CreateHousehold").WithSummary("世帯を登録する");
        api.MapPatch("/{id:int}", UpdateAsync).WithName("UpdateHousehold").WithSummary("世帯を変更する（If-Match 必須）");
        api.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteHousehold").WithSummary("世帯を削除する（If-Match 必須）");
        api.MapGet("/districts", GetDistrictsAsync).WithName("GetMyDistricts").WithSummary("自分が担当する区域（範囲つき）");
        api.MapGet("/watchers", ListWatchersAsync).WithName("ListWatchers").WithSummary("見守り担当と受け持ち世帯数");
        api.MapPost("/watchers", CreateWatcherAsync).WithName("CreateWatcher").WithSummary("見守り担当を登録する");
        api.MapPatch("/watchers/{id:int}", UpdateWatcherAsync).WithName("UpdateWatcher").WithSummary("見守り担当を変更する（If-Match 必須）");
        api.MapDelete("/watchers/{id:int}", DeleteWatcherAsync).WithName("DeleteWatcher").WithSummary("見守り担当を削除する（If-Match 必須。受け持ちの割り当ても消える）");
        api.MapGet("/geocode", Hubs.HubAdminApi.GeocodeAsync).WithName("GeocodeHouseholdAddress")
            .WithSummary("住所から町丁・字の代表点を探す（世帯の位置の目安。オフライン、町丁単位）");
        return api;
    }

    // ---------- queries ----------

    /// <summary>Households the caller may see: granted districts; community roles only consented, active ones.</summary>
    internal static IQueryable<Household> Visible(FukushiMapDbContext db, WelfareCaller caller, bool includeInactive)
    {
        var districts = caller.DistrictIds.ToList();
        var q = db.Households.Where(h => districts.Contains(h.DistrictId));
        if (!caller.SeesRegister)
        {
            q = q.Where(h => h.ConsentState == ConsentStates.Agreed && h.Status == HouseholdStatuses.Active);
        }
        else if (!includeInactive)
        {
            q = q.Where(h => h.Status == HouseholdStatuses.Active);
        }
        return q;
    }

    public sealed record ListQuery
    {
        [Description("区域 id（省略時は担当区域すべて）")]
        public int? District { get; init; }

        [Description("範囲 西,南,東,北（経緯度）")]
        public string? Bbox { get; init; }

        [Description("転出・死亡も含める（民生委員・管理者のみ）")] [FromQuery(Name = "include_inactive")]
        public bool? IncludeInactive { get; init; }
    }

    public sealed record HouseholdList(string Notice, int Count, List<object> Items);

    internal static async Task<Results<Ok<HouseholdList>, ProblemHttpResult>> ListAsync([AsParameters] ListQuery query, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        if (query.District is { } d && !caller.HasDistrict(d))
        {
            await audit.WriteAsync(caller, "list", "household", [], d, "not-found", ct: ct);
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        var q = Visible(db, caller, query.IncludeInactive == true).AsNoTracking();
        if (query.District is { } district)
        {
            q = q.Where(h => h.DistrictId == district);
        }
        if (query.Bbox is { Length: > 0 })
        {
            var box = ParseBbox(query.Bbox);
            q = q.Where(h => h.Location.Intersects(box));
        }
        var rows = await q.Include(h => h.Watchers).OrderBy(h => h.Id).Take(MaxList).ToListAsync(ct);
        await audit.WriteAsync(caller, "list", "household", rows.Select(r => r.Id), query.District, "success", ct: ct);
        return TypedResults.Ok(new HouseholdList(HouseholdShapes.FictitiousNotice, rows.Count, rows.Select(h => HouseholdShapes.ViewFor(caller, h)).ToList()));
    }

    internal static async Task<Results<Ok<object>, ProblemHttpResult>> GetAsync(int id, WelfareCaller caller, FukushiMapDbContext db,
        WelfareAudit audit, HttpContext context, CancellationToken ct)
    {
        var h = await Visible(db, caller, includeInactive: true).AsNoTracking().Include(x => x.Watchers).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null)
        {
            await audit.WriteAsync(caller, "read", "household", [id], null, "not-found", ct: ct);
            return NotFoundProblem();
        }
        await audit.WriteAsync(caller, "read", "household", [id], h.DistrictId, "success", ct: ct);
        context.Response.Headers.ETag = HouseholdShapes.ETag(h.Version);
        return TypedResults.Ok(HouseholdShapes.ViewFor(caller, h));
    }

    // ---------- changes ----------

    internal static async Task<Results<Created<object>, ProblemHttpResult>> CreateAsync(HouseholdInput input, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        if (input.DistrictId is not { } districtId || !caller.HasDistrict(districtId))
        {
            await audit.WriteAsync(caller, "create", "household", [], input.DistrictId, "not-found", ct: ct);
            return Problems.NotFound("not-found", "その区域は見つかりません（担当区域を指定してください）。");
        }
        if (!caller.CanCreate)
        {
            await audit.WriteAsync(caller, "create", "household", [], districtId, "denied", ct: ct);
            return Problems.Forbidden("forbidden", "この役割では世帯を登録できません。");
        }
        var district = await db.Districts.AsNoTracking().Where(x => x.Id == districtId).Select(x => new { x.MunicipalityCode }).FirstAsync(ct);
        if (string.IsNullOrWhiteSpace(input.Label) || input.Lon is null || input.Lat is null)
        {
            return Problems.Invalid("invalid-household", "呼び名（label）と位置（lon, lat）は必須です。");
        }
        var now = clock.GetUtcNow();
        var h = new Household
        {
            MunicipalityCode = district.MunicipalityCode,
            DistrictId = districtId,
            Label = "",
            Location = new Point(0, 0) { SRID = 6668 },
            CreatedAt = now,
            CreatedBy = caller.DisplayName,
            IsFictitious = true,
        };
        var problem = await ApplyAsync(db, caller, h, input with { DistrictId = null }, now, isNew: true, ct);
        if (problem is not null)
        {
            return problem;
        }
        db.Households.Add(h);
        await db.SaveChangesAsync(ct);
        db.HouseholdChanges.Add(Change(caller, h, "create", ["*"], now));
        audit.Add(db, caller, "create", "household", [h.Id], h.DistrictId, "success");
        await db.SaveChangesAsync(ct);
        await db.Entry(h).ReloadAsync(ct);
        await db.Entry(h).Collection(x => x.Watchers).LoadAsync(ct);
        context.Response.Headers.ETag = HouseholdShapes.ETag(h.Version);
        return TypedResults.Created($"/api/households/{h.Id}", HouseholdShapes.ViewFor(caller, h));
    }

    /// <summary>The 412/409 answer: the version on the server and the changes the client sent, so nothing is lost.</summary>
    public sealed record ConflictBody(string Type, string Title, int Status, string Detail, object Current, HouseholdInput Yours, string CurrentVersion);

    internal static async Task<IResult> UpdateAsync(int id, HouseholdInput input, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var h = await Visible(db, caller, includeInactive: true).Include(x => x.Watchers).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null)
        {
            await audit.WriteAsync(caller, "update", "household", [id], null, "not-found", ct: ct);
            return NotFoundProblem();
        }
        if (!caller.CanUpdate)
        {
            await audit.WriteAsync(caller, "update", "household", [id], h.DistrictId, "denied", ct: ct);
            return Problems.Forbidden("forbidden", "この役割では世帯の情報を変更できません。");
        }
        var precondition = await CheckIfMatchAsync(h, input, caller, audit, context, "update", ct);
        if (precondition is not null)
        {
            return precondition;
        }
        var now = clock.GetUtcNow();
        var before = Snapshot(h);
        var problem = await ApplyAsync(db, caller, h, input, now, isNew: false, ct);
        if (problem is not null)
        {
            await audit.WriteAsync(caller, "update", "household", [id], h.DistrictId, problem.ProblemDetails.Status == 403 ? "denied" : "invalid", ct: ct);
            return problem;
        }
        var changed = ChangedFields(before, Snapshot(h));
        if (changed.Count == 0)
        {
            context.Response.Headers.ETag = HouseholdShapes.ETag(h.Version);
            await audit.WriteAsync(caller, "update", "household", [id], h.DistrictId, "unchanged", ct: ct);
            return TypedResults.Ok(HouseholdShapes.ViewFor(caller, h));
        }
        h.UpdatedAt = now;
        h.UpdatedBy = caller.DisplayName;
        db.HouseholdChanges.Add(Change(caller, h, "update", changed, now));
        audit.Add(db, caller, "update", "household", [id], h.DistrictId, "success");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone saved between our read and our write: answer with both versions.
            db.ChangeTracker.Clear();
            var current = await db.Households.AsNoTracking().Include(x => x.Watchers).FirstOrDefaultAsync(x => x.Id == id, ct);
            await audit.WriteAsync(caller, "update", "household", [id], h.DistrictId, "conflict", ct: ct);
            return current is null ? NotFoundProblem() : Conflict(409, caller, current, input);
        }
        await db.Entry(h).ReloadAsync(ct);
        context.Response.Headers.ETag = HouseholdShapes.ETag(h.Version);
        return TypedResults.Ok(HouseholdShapes.ViewFor(caller, h));
    }

    internal static async Task<IResult> DeleteAsync(int id, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock,
        HttpContext context, CancellationToken ct)
    {
        var h = await Visible(db, caller, includeInactive: true).Include(x => x.Watchers).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null)
        {
            await audit.WriteAsync(caller, "delete", "household", [id], null, "not-found", ct: ct);
            return NotFoundProblem();
        }
        if (!caller.CanDelete)
        {
            await audit.WriteAsync(caller, "delete", "household", [id], h.DistrictId, "denied", ct: ct);
            return Problems.Forbidden("forbidden", "この役割では世帯を削除できません。");
        }
        var precondition = await CheckIfMatchAsync(h, null, caller, audit, context, "delete", ct);
        if (precondition is not null)
        {
            return precondition;
        }
        var now = clock.GetUtcNow();
        db.Households.Remove(h);
        db.HouseholdChanges.Add(Change(caller, h, "delete", ["*"], now));
        audit.Add(db, caller, "delete", "household", [id], h.DistrictId, "success");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Households.AsNoTracking().Include(x => x.Watchers).FirstOrDefaultAsync(x => x.Id == id, ct);
            await audit.WriteAsync(caller, "delete", "household", [id], h.DistrictId, "conflict", ct: ct);
            return current is null ? NotFoundProblem() : Conflict(409, caller, current, null);
        }
        return TypedResults.NoContent();
    }

    /// <summary>428 without If-Match, 412 (with both versions) when it names an older version; null when it matches.</summary>
    private static async Task<IResult?> CheckIfMatchAsync(Household h, HouseholdInput? input, WelfareCaller caller, WelfareAudit audit,
        HttpContext context, string action, CancellationToken ct)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            await audit.WriteAsync(caller, action, "household", [h.Id], h.DistrictId, "invalid", ct: ct);
            return Problems.VersionRequired("if-match-required", "変更するには、読み込んだときの版（ETag）を If-Match で送ってください。");
        }
        var text = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
        if (!uint.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version != h.Version)
        {
            await audit.WriteAsync(caller, action, "household", [h.Id], h.DistrictId, "conflict", ct: ct);
            return Conflict(412, caller, h, input);
        }
        // The UPDATE's WHERE xmin = … uses the version the client saw.
        return null;
    }

    private static IResult Conflict(int status, WelfareCaller caller, Household current, HouseholdInput? yours) =>
        TypedResults.Json(new ConflictBody(
            Problems.TypeOf("edit-conflict"), Problems.TitleOf(ErrorKind.Conflict), status,
            "この世帯は、あなたが読み込んだ後にほかの人が変更しました。あなたの変更はまだ保存していません（失われてはいません）。今の内容と見比べてから、もう一度保存してください。",
            HouseholdShapes.ViewFor(caller, current), yours ?? new HouseholdInput(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
            HouseholdShapes.ETag(current.Version)),
            statusCode: status, contentType: "application/problem+json");

    private static ProblemHttpResult NotFoundProblem() => Problems.NotFound("not-found", "その世帯は見つかりません。");

    /// <summary>Checks entitlement per field, validates and applies the input. Returns a problem, or null when applied.</summary>
    private static async Task<ProblemHttpResult?> ApplyAsync(FukushiMapDbContext db, WelfareCaller caller, Household h, HouseholdInput input,
        DateTimeOffset now, bool isNew, CancellationToken ct)
    {
        // Field level: a client may not set what its role is not entitled to (sending the current value is harmless).
        var forbidden = new List<string>();
        if (input.DistrictId is { } newDistrict && newDistrict != h.DistrictId && !caller.CanSetDistrict)
        {
            forbidden.Add("districtId");
        }
        if (!caller.CanSetConsent)
        {
            if (input.ConsentState is { } cs && cs != h.ConsentState) forbidden.Add("consentState");
            if (input.ConsentDate is { } cd && cd != h.ConsentDate) forbidden.Add("consentDate");
            if (input.ConsentMethod is { } cm && cm != (h.ConsentMethod ?? "")) forbidden.Add("consentMethod");
            if (input.LegalBasis is { } lb && lb != (h.LegalBasis ?? "")) forbidden.Add("legalBasis");
        }
        if (!caller.SeesSensitive)
        {
            if (input.DisabilityDetail is not null) forbidden.Add("disabilityDetail");
            if (input.CareLevel is not null) forbidden.Add("careLevel");
            if (input.Notes is not null) forbidden.Add("notes");
            if (input.Categories?.Any(HouseholdCategories.Sensitive.Contains) == true) forbidden.Add("categories");
        }
        if (forbidden.Count > 0)
        {
            return Problems.Forbidden("field-not-permitted", $"この役割では次の項目を変更できません: {string.Join(", ", forbidden)}");
        }

        string? Text(string? value, string name, int max, List<string> errors)
        {
            if (value is null) return null;
            var t = value.Trim();
            if (t.Length > max) errors.Add($"{name} は {max} 文字以内です。");
            return t;
        }
        var errors = new List<string>();
        if (Text(input.Label, "label", 100, errors) is { } label)
        {
            if (label.Length == 0) errors.Add("label（呼び名）は空にできません。");
            h.Label = label;
        }
        if (Text(input.Address, "address", 200, errors) is { } address) h.Address = address.Length == 0 ? null : address;
        if (Text(input.DisabilityDetail, "disabilityDetail", MaxTextLength, errors) is { } dd) h.DisabilityDetail = dd.Length == 0 ? null : dd;
        if (Text(input.CareLevel, "careLevel", 50, errors) is { } cl) h.CareLevel = cl.Length == 0 ? null : cl;
        if (Text(input.Notes, "notes", MaxTextLength, errors) is { } notes) h.Notes = notes.Length == 0 ? null : notes;
        if (input.Categories is { } categories)
        {
            var unknown = categories.Where(c => !HouseholdCategories.All.Contains(c)).ToList();
            if (unknown.Count > 0) errors.Add($"categories に使えるのは {string.Join("・", HouseholdCategories.All)} です。");
            h.Categories = HouseholdCategories.All.Where(categories.Contains).ToList();
        }
        if (input.ConsentState is { } consent)
        {
            if (!ConsentStates.All.Contains(consent)) errors.Add("consentState は 同意・不同意・未確認 のどれかです。");
            h.ConsentState = consent;
        }
        if (input.ConsentDate is { } date) h.ConsentDate = date;
        if (Text(input.ConsentMethod, "consentMethod", 100, errors) is { } method) h.ConsentMethod = method.Length == 0 ? null : method;
        if (Text(input.LegalBasis, "legalBasis", 200, errors) is { } basis) h.LegalBasis = basis.Length == 0 ? null : basis;
        if (input.Status is { } status)
        {
            if (!HouseholdStatuses.All.Contains(status)) errors.Add("status は active・moved・deceased のどれかです。");
            else if (status != h.Status)
            {
                h.Status = status;
                h.StatusChangedAt = now;
            }
        }
        if (input.DistrictId is { } targetDistrict && targetDistrict != h.DistrictId)
        {
            if (!caller.HasDistrict(targetDistrict))
            {
                return Problems.NotFound("not-found", "移す先の区域は見つかりません。");
            }
            h.DistrictId = targetDistrict;
        }
        if ((input.Lon is not null || input.Lat is not null) && Parse.EditedLocation(input.Lon, input.Lat, h.Location, errors) is { } moved)
        {
            h.Location = moved;
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid("invalid-household", string.Join(" ", errors));
        }
        if (isNew || input.Lon is not null || input.Lat is not null || input.DistrictId is not null)
        {
            var location = h.Location;
            var inside = await db.Districts.AnyAsync(d => d.Id == h.DistrictId && d.Geometry.Covers(location), ct);
            if (!inside)
            {
                return Problems.Invalid("outside-district", "位置が区域の外です。区域の中の地点を指定してください。");
            }
        }
        if (input.WatcherIds is { } watcherIds)
        {
            var ids = watcherIds.Distinct().ToList();
            var valid = await db.Watchers.Where(w => ids.Contains(w.Id) && w.DistrictId == h.DistrictId).Select(w => w.Id).ToListAsync(ct);
            if (valid.Count != ids.Count)
            {
                return Problems.Invalid("invalid-watchers", "同じ区域の見守り担当だけを割り当てられます。");
            }
            h.Watchers.RemoveAll(a => !ids.Contains(a.WatcherId));
            foreach (var w in ids.Where(w => h.Watchers.All(a => a.WatcherId != w)))
            {
                h.Watchers.Add(new WatcherAssignment { WatcherId = w, AssignedAt = now });
            }
        }
        if (isNew)
        {
            h.UpdatedAt = now;
            h.UpdatedBy = caller.DisplayName;
        }
        return null;
    }

    private static Dictionary<string, string> Snapshot(Household h) => new()
    {
        ["districtId"] = h.DistrictId.ToString(CultureInfo.InvariantCulture),
        ["label"] = h.Label,
        ["address"] = h.Address ?? "",
        ["location"] = $"{h.Location.X.ToString("R", CultureInfo.InvariantCulture)},{h.Location.Y.ToString("R", CultureInfo.InvariantCulture)}",
        ["categories"] = string.Join(",", h.Categories),
        ["disabilityDetail"] = h.DisabilityDetail ?? "",
        ["careLevel"] = h.CareLevel ?? "",
        ["notes"] = h.Notes ?? "",
        ["consentState"] = h.ConsentState,
        ["consentDate"] = h.ConsentDate?.ToString("O", CultureInfo.InvariantCulture) ?? "",
        ["consentMethod"] = h.ConsentMethod ?? "",
        ["legalBasis"] = h.LegalBasis ?? "",
        ["status"] = h.Status,
        ["watcherIds"] = string.Join(",", h.Watchers.Select(w => w.WatcherId).Order()),
    };

    private static List<string> ChangedFields(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Where(kv => after[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();

    internal static HouseholdChange Change(WelfareCaller caller, Household h, string action, List<string> fields, DateTimeOffset now) => new()
    {
        HouseholdId = h.Id,
        DistrictId = h.DistrictId,
        At = now,
        UserId = caller.UserId,
        UserName = caller.DisplayName,
        Action = action,
        Fields = fields,
    };

    internal static Polygon ParseBbox(string text)
    {
        var parts = text.Split(',');
        var values = new double[4];
        if (parts.Length != 4 || parts.Where((p, i) => !double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any()
            || values.Any(v => !double.IsFinite(v)) || values[0] >= values[2] || values[1] >= values[3]
            || values[2] - values[0] > 1 || values[3] - values[1] > 1)
        {
            throw FukushiMapError.Invalid("invalid-bbox", "bbox は 西,南,東,北 の経緯度で、1 度四方以内で指定してください。");
        }
        var f = new GeometryFactory(new PrecisionModel(), 6668);
        return (Polygon)f.ToGeometry(new Envelope(values[0], values[2], values[1], values[3]));
    }

    // ---------- districts and watchers ----------

    public sealed record MyDistrict(int Id, string Name, string LayerKey, string LayerKind, string LayerName, string MunicipalityCode,
        DateTimeOffset GrantExpiresAt, Geometry Geometry, double[] Bbox);

    internal static async Task<Ok<List<MyDistrict>>> GetDistrictsAsync(WelfareCaller caller, FukushiMapDbContext db, CancellationToken ct)
    {
        var ids = caller.DistrictIds.ToList();
        var rows = await db.Districts.AsNoTracking().Where(d => ids.Contains(d.Id))
            .Select(d => new { d.Id, d.Name, d.Layer!.Key, d.Layer.Kind, LayerName = d.Layer.Name, d.MunicipalityCode, d.Geometry })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(r => r.Id).Select(r =>
        {
            var e = r.Geometry.EnvelopeInternal;
            return new MyDistrict(r.Id, r.Name, r.Key, r.Kind, r.LayerName, r.MunicipalityCode,
                caller.Grants.Where(g => g.DistrictId == r.Id).Max(g => g.ExpiresAt), r.Geometry, [e.MinX, e.MinY, e.MaxX, e.MaxY]);
        }).ToList());
    }

    public sealed record WatcherView(int Id, int DistrictId, string Name, string? Role, double Lon, double Lat, int Workload, bool Fictitious, string Version);

    internal static async Task<Results<Ok<List<WatcherView>>, ProblemHttpResult>> ListWatchersAsync(int? district, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        if (district is { } d && !caller.HasDistrict(d))
        {
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        var ids = district is { } one ? [one] : caller.DistrictIds.ToList();
        var visible = Visible(db, caller, includeInactive: false);
        var rows = (await db.Watchers.AsNoTracking().Where(w => ids.Contains(w.DistrictId)).OrderBy(w => w.Id)
            .Select(w => new { Watcher = w, Workload = w.Households.Count(a => visible.Any(h => h.Id == a.HouseholdId)) })
            .ToListAsync(ct)).Select(x => WatcherShape(x.Watcher, x.Workload)).ToList();
        await audit.WriteAsync(caller, "list", "watcher", rows.Select(r => r.Id), district, "success", ct: ct);
        return TypedResults.Ok(rows);
    }

    private static WatcherView WatcherShape(Watcher w, int workload) =>
        new(w.Id, w.DistrictId, w.Name, w.Role, w.Location.X, w.Location.Y, workload, w.IsFictitious, HouseholdShapes.ETag(w.Version));

    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    public sealed record WatcherInput(int? DistrictId, string? Name, string? Role, double? Lon, double? Lat);

    /// <summary>
    /// Validates and applies a watcher's fields (all of them for a new watcher, those sent for a change): name 1–100
    /// characters, role up to 50, a position inside the district's municipality. Null when applied, else the problem.
    /// </summary>
    private static async Task<ProblemHttpResult?> ApplyWatcherAsync(FukushiMapDbContext db, Watcher w, WatcherInput input, bool isNew, CancellationToken ct)
    {
        var errors = new List<string>();
        if (input.Name is not null || isNew)
        {
            var name = input.Name?.Trim() ?? "";
            if (name.Length is 0 or > 100) errors.Add("name（名前）は 1〜100 文字で指定してください。");
            else w.Name = name;
        }
        if (input.Role is { } role)
        {
            var r = role.Trim();
            if (r.Length > 50) errors.Add("role（役割）は 50 文字以内です。");
            else w.Role = r.Length == 0 ? null : r;
        }
        if (input.Lon is not null || input.Lat is not null || isNew)
        {
            // A new watcher has no location yet: both lon and lat are needed.
            if (Parse.EditedLocation(input.Lon, input.Lat, isNew ? null : w.Location, errors) is { } point)
            {
                var districtId = w.DistrictId;
                var municipality = await db.Districts.Where(d => d.Id == districtId).Select(d => d.MunicipalityCode).FirstAsync(ct);
                if (!await db.Municipalities.AnyAsync(m => m.Code == municipality && (m.Boundary == null || m.Boundary.Covers(point)), ct))
                {
                    errors.Add("lon・lat（位置）が区域の市区町村の外です。市区町村の中の地点を指定してください。");
                }
                w.Location = point;
            }
        }
        return errors.Count > 0 ? Problems.Invalid("invalid-watcher", string.Join(" ", errors)) : null;
    }

    internal static async Task<Results<Created<WatcherView>, ProblemHttpResult>> CreateWatcherAsync(WatcherInput input, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, HttpContext context, CancellationToken ct)
    {
        if (input.DistrictId is not { } districtId || !caller.HasDistrict(districtId))
        {
            await audit.WriteAsync(caller, "create", "watcher", [], input.DistrictId, "not-found", ct: ct);
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        if (!caller.CanCreate)
        {
            await audit.WriteAsync(caller, "create", "watcher", [], districtId, "denied", ct: ct);
            return Problems.Forbidden("forbidden", "この役割では見守り担当を登録できません。");
        }
        var w = new Watcher { DistrictId = districtId, Name = "", Location = new Point(0, 0) { SRID = 6668 } };
        if (await ApplyWatcherAsync(db, w, input, isNew: true, ct) is { } problem)
        {
            await audit.WriteAsync(caller, "create", "watcher", [], districtId, "invalid", ct: ct);
            return problem;
        }
        db.Watchers.Add(w);
        await db.SaveChangesAsync(ct);
        audit.Add(db, caller, "create", "watcher", [w.Id], districtId, "success");
        await db.SaveChangesAsync(ct);
        await db.Entry(w).ReloadAsync(ct);
        context.Response.Headers.ETag = HouseholdShapes.ETag(w.Version);
        return TypedResults.Created($"/api/households/watchers/{w.Id}", WatcherShape(w, 0));
    }

    /// <summary>The watcher in one of the caller's districts (404 otherwise), the role's right (403), and If-Match (428/412).</summary>
    private static async Task<(Watcher? Watcher, IResult? Problem)> WatcherForChangeAsync(int id, string action, bool allowed, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, HttpContext context, CancellationToken ct)
    {
        var districts = caller.DistrictIds.ToList();
        var w = await db.Watchers.FirstOrDefaultAsync(x => x.Id == id && districts.Contains(x.DistrictId), ct);
        if (w is null)
        {
            await audit.WriteAsync(caller, action, "watcher", [id], null, "not-found", ct: ct);
            return (null, Problems.NotFound("not-found", "その見守り担当は見つかりません。"));
        }
        if (!allowed)
        {
            await audit.WriteAsync(caller, action, "watcher", [id], w.DistrictId, "denied", ct: ct);
            return (null, Problems.Forbidden("forbidden", action == "delete" ? "この役割では見守り担当を削除できません。" : "この役割では見守り担当を変更できません。"));
        }
        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            await audit.WriteAsync(caller, action, "watcher", [id], w.DistrictId, "invalid", ct: ct);
            return (null, Problems.VersionRequired("if-match-required", "変更するには、読み込んだときの版（version）を If-Match で送ってください。"));
        }
        var text = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
        if (!uint.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version != w.Version)
        {
            await audit.WriteAsync(caller, action, "watcher", [id], w.DistrictId, "conflict", ct: ct);
            return (null, WatcherConflict(412, w));
        }
        return (w, null);
    }

    private static IResult WatcherConflict(int status, Watcher current) =>
        TypedResults.Json(new
        {
            type = Problems.TypeOf("edit-conflict"),
            title = Problems.TitleOf(ErrorKind.Conflict),
            status,
            detail = "この見守り担当は、あなたが読み込んだ後にほかの人が変更しました。あなたの変更はまだ保存していません。今の内容を読み込み直してから、もう一度操作してください。",
            current = WatcherShape(current, 0),
            currentVersion = HouseholdShapes.ETag(current.Version),
        }, statusCode: status, contentType: "application/problem+json");

    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    public sealed record WatcherChange(string? Name, string? Role, double? Lon, double? Lat);

    internal static async Task<IResult> UpdateWatcherAsync(int id, WatcherChange input, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        HttpContext context, CancellationToken ct)
    {
        var (w, refused) = await WatcherForChangeAsync(id, "update", caller.CanUpdate, caller, db, audit, context, ct);
        if (w is null)
        {
            return refused!;
        }
        if (await ApplyWatcherAsync(db, w, new WatcherInput(null, input.Name, input.Role, input.Lon, input.Lat), isNew: false, ct) is { } problem)
        {
            await audit.WriteAsync(caller, "update", "watcher", [id], w.DistrictId, "invalid", ct: ct);
            return problem;
        }
        audit.Add(db, caller, "update", "watcher", [id], w.DistrictId, "success");
        return await SaveWatcherAsync(db, caller, audit, w, "update", ct) ?? await ChangedWatcherAsync(db, caller, w, context, ct);
    }

    internal static async Task<IResult> DeleteWatcherAsync(int id, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        HttpContext context, CancellationToken ct)
    {
        var (w, refused) = await WatcherForChangeAsync(id, "delete", caller.CanDelete, caller, db, audit, context, ct);
        if (w is null)
        {
            return refused!;
        }
        db.Watchers.Remove(w);
        audit.Add(db, caller, "delete", "watcher", [id], w.DistrictId, "success");
        return await SaveWatcherAsync(db, caller, audit, w, "delete", ct) ?? TypedResults.NoContent();
    }

    /// <summary>Saves; a race lost at save answers 409 with the saved version (the change and its audit row are not written).</summary>
    private static async Task<IResult?> SaveWatcherAsync(FukushiMapDbContext db, WelfareCaller caller, WelfareAudit audit, Watcher w, string action, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Watchers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == w.Id, ct);
            await audit.WriteAsync(caller, action, "watcher", [w.Id], w.DistrictId, "conflict", ct: ct);
            return current is null ? Problems.NotFound("not-found", "その見守り担当は見つかりません。") : WatcherConflict(409, current);
        }
    }

    private static async Task<IResult> ChangedWatcherAsync(FukushiMapDbContext db, WelfareCaller caller, Watcher w, HttpContext context, CancellationToken ct)
    {
        await db.Entry(w).ReloadAsync(ct);
        var visible = Visible(db, caller, includeInactive: false);
        var workload = await db.WatcherAssignments.CountAsync(a => a.WatcherId == w.Id && visible.Any(h => h.Id == a.HouseholdId), ct);
        context.Response.Headers.ETag = HouseholdShapes.ETag(w.Version);
        return TypedResults.Ok(WatcherShape(w, workload));
    }
}
