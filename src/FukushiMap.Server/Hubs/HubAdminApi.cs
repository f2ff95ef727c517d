using FukushiMap.Core.Geodesy;
using FukushiMap.Analysis.Parameters;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FukushiMap.Analysis.Versions;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.WelfareMap;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Hubs;

/// <summary>
/// Hub management for 計画担当 (and 管理者): add by map click or address, edit type, functions, target groups and opening
/// hours, retire and reopen — a planner only in the municipalities they hold (<see cref="PlannerCities"/>; a refusal is
/// audited). Every change is kept in hub_changes with who and when. The public layers, isochrones and
/// coverage read hubs through the hub catalogue, which follows every change.
/// </summary>
public static class HubAdminApi
{
    public static IEndpointRouteBuilder MapHubAdmin(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/hub-admin").WithTags("拠点の管理").RequireAuthorization(WelfarePolicies.Planner);
        // A hub change is seen by this process's next request at once (other processes follow the notification within seconds).
        api.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (!HttpMethods.IsGet(context.HttpContext.Request.Method))
            {
                await context.HttpContext.RequestServices.GetRequiredService<DataVersions>().RefreshAsync(context.HttpContext.RequestAborted);
            }
            return result;
        });
        api.MapGet("/hubs", ListAsync).WithName("ListManagedHubs").WithSummary("拠点の一覧（閉鎖したものも含む）");
        api.MapPost("/hubs", CreateAsync).WithName("CreateHub").WithSummary("拠点を追加する");
        api.MapPatch("/hubs/{id:int}", UpdateAsync).WithName("UpdateHub").WithSummary("拠点を変更する（If-Match 必須）");
        api.MapPost("/hubs/{id:int}/retire", RetireAsync).WithName("RetireHub").WithSummary("拠点を閉鎖する（公開レイヤーから外れる）");
        api.MapPost("/hubs/{id:int}/reopen", ReopenAsync).WithName("ReopenHub").WithSummary("閉鎖した拠点を再開する");
        api.MapGet("/hubs/{id:int}/history", HistoryAsync).WithName("GetHubHistory").WithSummary("拠点の変更履歴（誰が・いつ）");
        api.MapGet("/geocode", GeocodeAsync).WithName("GeocodeAddress").WithSummary("住所から町丁・字の代表点を探す（オフライン、町丁単位）");
        return app;
    }

    public sealed record OpeningPeriodView(int[] Days, string Opens, string Closes);

    public sealed record ManagedHub(int Id, string MunicipalityCode, string TypeKey, string TypeName, string Name, string? Address, double Lon, double Lat,
        string? Operator, string[] Functions, string[] TargetGroups, OpeningPeriodView[] OpeningHours, string? OpeningNote, string? Phone,
        string? Website, string? AccessibilityNotes, DateTimeOffset? RetiredAt, DateTimeOffset UpdatedAt, string Version);

    // PostgreSQL keeps microseconds.
    private static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>The row's xmin (PostgreSQL's row version), read without mapping it on the shared Hub entity; FOR UPDATE locks the row until commit.</summary>
    private static async Task<string?> VersionAsync(FukushiMapDbContext db, int id, bool forUpdate, CancellationToken ct)
    {
        var rows = forUpdate
            ? await db.Database.SqlQuery<long>($"SELECT xmin::text::bigint AS \"Value\" FROM hubs WHERE id = {id} FOR UPDATE").ToListAsync(ct)
            : await db.Database.SqlQuery<long>($"SELECT xmin::text::bigint AS \"Value\" FROM hubs WHERE id = {id}").ToListAsync(ct);
        return rows.Count == 0 ? null : $"\"{rows[0]}\"";
    }

    private static ManagedHub View(Hub h, string version) => new(h.Id, h.MunicipalityCode, h.HubType!.Key, h.HubType.Name, h.Name, h.Address, h.Location.X, h.Location.Y,
        h.Operator, [.. h.Functions], [.. h.TargetGroups],
        [.. h.OpeningHours.Select(o => new OpeningPeriodView([.. o.Days], o.Opens.ToString("HH:mm", CultureInfo.InvariantCulture), o.Closes.ToString("HH:mm", CultureInfo.InvariantCulture)))],
        h.OpeningNote, h.Phone, h.Website, h.AccessibilityNotes, h.RetiredAt, h.UpdatedAt, version);

    internal static async Task<Ok<List<ManagedHub>>> ListAsync(string? municipality, FukushiMapDbContext db, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.HubType).Where(h => h.MunicipalityCode == code).OrderBy(h => h.Id).ToListAsync(ct);
        var versions = (await db.Database.SqlQuery<HubVersion>($"SELECT id AS \"Id\", xmin::text::bigint AS \"Xmin\" FROM hubs WHERE municipality_code = {code}").ToListAsync(ct))
            .ToDictionary(v => v.Id, v => $"\"{v.Xmin}\"");
        return TypedResults.Ok(hubs.Select(h => View(h, versions.GetValueOrDefault(h.Id, ""))).ToList());
    }

    public sealed record HubVersion(int Id, long Xmin);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record HubInput(string? MunicipalityCode, string? TypeKey, string? Name, string? Address, double? Lon, double? Lat, string? Operator,
        string[]? Functions, string[]? TargetGroups, OpeningPeriodView[]? OpeningHours, string? OpeningNote, string? Phone, string? Website,
        string? AccessibilityNotes);

    internal static async Task<Results<Created<ManagedHub>, ProblemHttpResult>> CreateAsync(HubInput input, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var code = Parse.Municipality(input.MunicipalityCode);
        if (!await db.Municipalities.AnyAsync(m => m.Code == code, ct))
        {
            return Problems.NotFound("not-found", $"市区町村 {code} はありません。");
        }
        if (await DenyAsync(caller, code, "create", null, db, audit, ct) is { } denied)
        {
            return denied;
        }
        if (string.IsNullOrWhiteSpace(input.Name) || string.IsNullOrWhiteSpace(input.TypeKey) || input.Lon is null || input.Lat is null)
        {
            return Problems.Invalid("invalid-hub", "名前・種類（typeKey）・位置（地図をクリックするか住所から）は必須です。");
        }
        var now = Microseconds(clock.GetUtcNow());
        var hub = new Hub { MunicipalityCode = code, Name = "", Location = new Point(0, 0) { SRID = 6668 }, CreatedAt = now, UpdatedAt = now };
        var problem = await ApplyAsync(db, hub, input, ct);
        if (problem is not null)
        {
            return problem;
        }
        await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Hubs.Add(hub);
        await db.SaveChangesAsync(ct);
        await RecordAsync(db, caller, hub, "create", now, ct);
        await tx.CommitAsync(ct);
        var version = await VersionAsync(db, hub.Id, false, ct) ?? "";
        context.Response.Headers.ETag = version;
        return TypedResults.Created($"/api/hub-admin/hubs/{hub.Id}", View(hub, version));
    }

    internal static Task<Results<Ok<ManagedHub>, ProblemHttpResult>> UpdateAsync(int id, HubInput input, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, HttpContext context, CancellationToken ct) =>
        EditAsync(id, "update", caller, db, audit, clock, context, async (hub, _) =>
            input.MunicipalityCode is { } m && m != hub.MunicipalityCode
                ? Problems.Invalid("invalid-hub", "拠点の市区町村は変えられません。")
                : await ApplyAsync(db, hub, input, ct), ct);

    internal static Task<Results<Ok<ManagedHub>, ProblemHttpResult>> RetireAsync(int id, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        TimeProvider clock, HttpContext context, CancellationToken ct) =>
        EditAsync(id, "retire", caller, db, audit, clock, context, (hub, now) => { hub.RetiredAt = now; return Task.FromResult<ProblemHttpResult?>(null); }, ct);

    internal static Task<Results<Ok<ManagedHub>, ProblemHttpResult>> ReopenAsync(int id, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        TimeProvider clock, HttpContext context, CancellationToken ct) =>
        EditAsync(id, "reopen", caller, db, audit, clock, context, (hub, _) => { hub.RetiredAt = null; return Task.FromResult<ProblemHttpResult?>(null); }, ct);

    /// <summary>
    /// One edit of a hub: the row locked, the caller's hold on its municipality checked (a refusal audited and nothing
    /// changed), the caller's If-Match checked against its version, <paramref name="change"/> applied
    /// (a problem from it changes nothing), the change recorded in the hub's history, the new version returned as the ETag.
    /// </summary>
    private static async Task<Results<Ok<ManagedHub>, ProblemHttpResult>> EditAsync(int id, string action, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, HttpContext context, Func<Hub, DateTimeOffset, Task<ProblemHttpResult?>> change,
        CancellationToken ct)
    {
        await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var current = await VersionAsync(db, id, true, ct);
        var hub = await db.Hubs.Include(h => h.HubType).FirstOrDefaultAsync(h => h.Id == id, ct);
        if (hub is null || current is null)
        {
            return Problems.NotFound("not-found", "その拠点は見つかりません。");
        }
        if (await DenyAsync(caller, hub.MunicipalityCode, action, hub.Id, db, audit, ct) is { } denied)
        {
            return denied;
        }
        if (CheckIfMatch(current, context) is { } precondition)
        {
            return precondition;
        }
        var now = Microseconds(clock.GetUtcNow());
        if (await change(hub, now) is { } problem)
        {
            return problem;
        }
        hub.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await RecordAsync(db, caller, hub, action, now, ct);
        await tx.CommitAsync(ct);
        var version = await VersionAsync(db, id, false, ct) ?? "";
        context.Response.Headers.ETag = version;
        return TypedResults.Ok(View(hub, version));
    }

    /// <summary>
    /// Null when the caller may change hubs of municipality <paramref name="code"/> (a 計画担当 holding it, or a 管理者);
    /// otherwise the refusal, written to the audit log at once (action <c>hub-…</c>, outcome denied, the code as purpose).
    /// </summary>
    private static async Task<ProblemHttpResult?> DenyAsync(WelfareCaller caller, string code, string action, int? hubId, FukushiMapDbContext db,
        WelfareAudit audit, CancellationToken ct)
    {
        if (await PlannerCities.HoldsAsync(caller, db, code, ct))
        {
            return null;
        }
        await audit.WriteAsync(caller, $"hub-{action}", "hub", hubId is { } id ? [id] : [], null, "denied", code, ct);
        var name = await db.Municipalities.Where(m => m.Code == code).Select(m => m.Name).FirstOrDefaultAsync(ct) ?? code;
        return Problems.Forbidden("hub-forbidden",
            $"{name}（{code}）の拠点を変える権限がありません。担当の市区町村の拠点だけを変えられます（担当は管理者が管理の画面で登録します）。");
    }

    private static ProblemHttpResult? CheckIfMatch(string current, HttpContext context)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            return Problems.VersionRequired("if-match-required", "変更するには、読み込んだときの版（ETag）を If-Match で送ってください。");
        }
        return ifMatch == current ? null : Problems.StaleVersion("edit-conflict", "この拠点は、読み込んだ後にほかの人が変更しました。読み込み直してから変更してください。");
    }

    public sealed record HubChangeView(long Id, DateTimeOffset At, string UserName, string Action, JsonElement Snapshot);

    internal static async Task<Results<Ok<List<HubChangeView>>, ProblemHttpResult>> HistoryAsync(int id, FukushiMapDbContext db, CancellationToken ct)
    {
        if (!await db.Hubs.AnyAsync(h => h.Id == id, ct))
        {
            return Problems.NotFound("not-found", "その拠点は見つかりません。");
        }
        var rows = await db.HubChanges.AsNoTracking().Where(c => c.HubId == id).OrderByDescending(c => c.At).ThenByDescending(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(c => new HubChangeView(c.Id, c.At, c.UserName, c.Action, JsonDocument.Parse(c.Snapshot).RootElement.Clone())).ToList());
    }

    private static async Task RecordAsync(FukushiMapDbContext db, WelfareCaller caller, Hub hub, string action, DateTimeOffset now, CancellationToken ct)
    {
        await db.Entry(hub).Reference(h => h.HubType).LoadAsync(ct);
        db.HubChanges.Add(new HubChange
        {
            HubId = hub.Id,
            At = now,
            UserId = caller.UserId,
            UserName = caller.DisplayName,
            Action = action,
            Snapshot = JsonSerializer.Serialize(View(hub, ""), SnapshotJson),
        });
        await db.SaveChangesAsync(ct);
    }

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    private static async Task<ProblemHttpResult?> ApplyAsync(FukushiMapDbContext db, Hub hub, HubInput input, CancellationToken ct)
    {
        var errors = new List<string>();
        string? Text(string? v, string name, int max)
        {
            if (v is null) return null;
            v = v.Trim();
            if (v.Length > max) errors.Add($"{name} は {max} 文字以内です。");
            return v;
        }
        if (Text(input.Name, "name", 100) is { } name)
        {
            if (name.Length == 0) errors.Add("名前は空にできません。");
            hub.Name = name;
        }
        if (input.TypeKey is { } typeKey)
        {
            var type = await db.HubTypes.FirstOrDefaultAsync(t => t.Key == typeKey, ct);
            if (type is null) errors.Add($"拠点の種類「{typeKey}」はありません。");
            else
            {
                hub.HubTypeId = type.Id;
                hub.HubType = type;
            }
        }
        if (Text(input.Address, "address", 200) is { } address) hub.Address = address.Length == 0 ? null : address;
        if (Text(input.Operator, "operator", 100) is { } op) hub.Operator = op.Length == 0 ? null : op;
        if (Text(input.OpeningNote, "openingNote", 200) is { } note) hub.OpeningNote = note.Length == 0 ? null : note;
        if (Text(input.Phone, "phone", 30) is { } phone) hub.Phone = phone.Length == 0 ? null : phone;
        if (Text(input.AccessibilityNotes, "accessibilityNotes", 500) is { } acc) hub.AccessibilityNotes = acc.Length == 0 ? null : acc;
        if (Text(input.Website, "website", 300) is { } web)
        {
            if (web.Length > 0 && !(Uri.TryCreate(web, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            {
                errors.Add("website は http(s):// で始まる URL です。");
            }
            hub.Website = web.Length == 0 ? null : web;
        }
        if (input.Functions is { } functions)
        {
            if (functions.Length > 20 || functions.Any(f => string.IsNullOrWhiteSpace(f) || f.Length > 30)) errors.Add("functions は 30 文字以内の語を 20 個までです。");
            hub.Functions = functions.Select(f => f.Trim()).Distinct().ToList();
        }
        if (input.TargetGroups is { } groups)
        {
            if (groups.Length > 20 || groups.Any(g => string.IsNullOrWhiteSpace(g) || g.Length > 30)) errors.Add("targetGroups は 30 文字以内の語を 20 個までです。");
            hub.TargetGroups = groups.Select(g => g.Trim()).Distinct().ToList();
        }
        if (input.OpeningHours is { } hours)
        {
            var periods = new List<OpeningPeriod>();
            foreach (var p in hours.Take(21))
            {
                if (p.Days is null || p.Days.Length == 0 || p.Days.Any(d => d is < 1 or > 7)
                    || !TimeOnly.TryParseExact(p.Opens, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens)
                    || !TimeOnly.TryParseExact(p.Closes, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes) || closes <= opens)
                {
                    errors.Add("openingHours は 曜日（1=月〜7=日）と 開始・終了（HH:mm、終了が後）で指定してください。");
                    break;
                }
                periods.Add(new OpeningPeriod { Days = p.Days.Distinct().Order().ToList(), Opens = opens, Closes = closes });
            }
            hub.OpeningHours = periods;
        }
        if ((input.Lon is not null || input.Lat is not null) && Parse.EditedLocation(input.Lon, input.Lat, hub.Location, errors) is { } location)
        {
            hub.Location = location;
        }
        if (hub.HubTypeId == 0 && input.TypeKey is null)
        {
            errors.Add("種類（typeKey）を指定してください。");
        }
        return errors.Count > 0 ? Problems.Invalid("invalid-hub", string.Join(" ", errors.Distinct())) : null;
    }

    public sealed record GeocodeMatch(string Name, string Matched, double Lon, double Lat, string Precision);

    /// <summary>
    /// The finder's offline geocoder (<see cref="GazetteerProvider"/>: Geolonia 住所データ, then the census 町丁 points) limited to
    /// <paramref name="municipality"/>: the 町丁・字 the address names, best first. An address without its municipality is read
    /// as one in it.
    /// </summary>
    internal static async Task<Results<Ok<List<GeocodeMatch>>, ProblemHttpResult>> GeocodeAsync(string? q, string? municipality, FukushiMapDbContext db,
        GazetteerProvider gazetteers, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        if (string.IsNullOrWhiteSpace(q) || q.Length > 200)
        {
            return Problems.Invalid("invalid-address", "住所を 200 文字以内で入力してください。");
        }
        var city = await db.Municipalities.Where(m => m.Code == code).Select(m => new { m.Name, m.Prefecture }).FirstOrDefaultAsync(ct);
        if (city is null)
        {
            return Problems.NotFound("not-found", $"市区町村 {code} はありません。");
        }
        var gazetteer = await gazetteers.GetAsync(ct);
        return TypedResults.Ok(Matches(gazetteer, code, city.Name, q, 10));
    }

    /// <summary>The 町丁・字 of <paramref name="municipalityCode"/> that <paramref name="address"/> names, best first (read as in the city when it does not name it).</summary>
    internal static List<GeocodeMatch> Matches(Gazetteer gazetteer, string municipalityCode, string cityName, string address, int limit)
    {
        var text = address.Trim();
        var namesCity = text.Contains(cityName, StringComparison.Ordinal);
        return gazetteer.Search(namesCity ? text : cityName + text, limit)
            .Where(m => m.Entry.MunicipalityCode == municipalityCode)
            .Select(m => new GeocodeMatch(m.Entry.Label, m.Entry.Town + (string.IsNullOrEmpty(m.Entry.Koaza) ? "" : " " + m.Entry.Koaza),
                m.Entry.Lon, m.Entry.Lat, m.Entry.Source == GazetteerSources.Geolonia ? "町丁・字（住所データ）" : "町丁・字の代表点"))
            .ToList();
    }
}
