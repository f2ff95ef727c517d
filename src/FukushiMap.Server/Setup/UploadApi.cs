using System.Text.Json;
using FukushiMap.Analysis.Finder;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis.Versions;
using FukushiMap.Data;
using FukushiMap.Data.Import;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Hubs;
using FukushiMap.Server.WelfareMap;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using FeatureCollection = NetTopologySuite.Features.FeatureCollection;
using NetTopologySuite.Simplify;

namespace FukushiMap.Server.Setup;

/// <summary>
/// A 計画担当 sets up their city in the browser: upload a file of hubs, districts, population or shelters (CSV, .xlsx,
/// GeoJSON, Shapefile zip, GeoPackage) → a preview kept on the server (features, columns used, every problem by row and
/// field, addresses placed and not placed) → change the column mapping → commit all or nothing as a new version (the
/// previous one kept and restorable). Every file goes through the one <see cref="Importer"/>; every step is audited.
/// </summary>
public static class UploadApi
{
    /// <summary>The user claim naming a municipality whose data a 計画担当 may replace (管理者 may for every one).</summary>
    public const string MunicipalityClaim = PlannerCities.Claim;

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/setup").WithTags("市区町村のデータの取り込み").RequireAuthorization(WelfarePolicies.Planner);
        api.MapGet("/options", OptionsAsync).WithName("GetUploadOptions").WithSummary("取り込める市区町村・拠点の種類・区域のレイヤー");
        api.MapPost("/uploads", UploadAsync).WithName("UploadFile").WithSummary("ファイルを送ってプレビューを作る（まだ書き込まない）")
            .DisableAntiforgery(); // the welfare middleware checks the token for every state change (WelfareAuth.AntiforgeryAsync)
        api.MapPost("/uploads/{id}/mapping", RemapAsync).WithName("RemapUpload").WithSummary("列の対応づけを変えてプレビューし直す");
        api.MapPost("/uploads/{id}/commit", CommitAsync).WithName("CommitUpload").WithSummary("すべて取り込むか、何も変えないか（新しい版として）");
        api.MapGet("/uploads/{id}/progress", ProgressOf).WithName("GetUploadProgress").WithSummary("取り込みの進み具合");
        api.MapGet("/versions", VersionsAsync).WithName("ListUploadVersions").WithSummary("取り込んだ版の一覧");
        api.MapPost("/versions/{id:int}/restore", RestoreAsync).WithName("RestoreUploadVersion").WithSummary("前の版に戻す");
        return app;
    }

    public sealed record Named(string Key, string Name);

    public sealed record LayerView(string MunicipalityCode, string Key, string Kind, string Name);

    public sealed record UploadOptions(List<Named> Municipalities, List<Named> HubTypes, List<LayerView> Layers, string[] Kinds, string[] Formats, long MaxBytes);

    public sealed record UploadProblem(int? Row, string? Field, string Reason);

    public sealed record GeocodeView(int Row, string Field, string Address, string? Matched, double? Lon, double? Lat, string? Precision);

    public sealed record UploadPreview(Guid Id, string FileName, string? Encoding, UploadMapping Mapping, IReadOnlyList<string> Fields,
        IReadOnlyDictionary<string, string> Columns, int Rows, int Valid, List<UploadProblem> Problems, List<GeocodeView> Geocoded,
        List<GeocodeView> Unmatched, IReadOnlyList<string> Notes, bool Tabular, bool CanCommit, FeatureCollection Features, int FeaturesShown,
        int HeaderLine = 1);

    public sealed record CommitResult(int Version, string DatasetKey, IReadOnlyDictionary<string, int> Written, IReadOnlyList<string> Notes);

    public sealed record ProgressView(int Step, int Steps, string Message, bool Done);

    /// <summary>
    /// One version of a (municipality, kind, target). <paramref name="Label"/> names the data a first upload replaced
    /// (「取り込み前のデータ（…）」), whose <paramref name="Attribution"/> is that of its original datasets; both null for an uploaded file.
    /// </summary>
    public sealed record VersionView(int Id, string MunicipalityCode, string Kind, string Target, string FileName, int FeatureCount,
        string? CreatedByName, DateTimeOffset CreatedAt, bool IsCurrent, DateTimeOffset? RestoredAt, string? Label, string? Attribution);

    /// <summary>The credit and dataset keys of the data a first upload replaced (<c>upload_versions.origin</c>).</summary>
    public sealed record VersionOrigin(DatasetInfo Credit, IReadOnlyList<string> DatasetKeys);

    private static readonly string[] Kinds = ["hubs", "districts", "population", "shelters"];

    private static readonly JsonSerializerOptions MappingJson = new(JsonSerializerDefaults.Web);

    internal static async Task<Ok<UploadOptions>> OptionsAsync(WelfareCaller caller, FukushiMapDbContext db, CancellationToken ct)
    {
        var allowed = await PlannerCities.HeldAsync(caller, db, ct);
        var cities = await db.Municipalities.AsNoTracking().Where(m => allowed == null || allowed.Contains(m.Code)).OrderBy(m => m.Code)
            .Select(m => new Named(m.Code, m.Name)).ToListAsync(ct);
        var types = await db.HubTypes.AsNoTracking().OrderBy(t => t.Id).Select(t => new Named(t.Key, t.Name)).ToListAsync(ct);
        var codes = cities.Select(c => c.Key).ToList();
        var layers = await db.DistrictLayers.AsNoTracking().Where(l => codes.Contains(l.MunicipalityCode)).OrderBy(l => l.Id)
            .Select(l => new LayerView(l.MunicipalityCode, l.Key, l.Kind, l.Name)).ToListAsync(ct);
        return TypedResults.Ok(new UploadOptions(cities, types, layers, Kinds, FukushiMap.Data.Import.Formats.FeatureFileReader.Formats, Limits.MaxUploadBytes));
    }

    internal static async Task<Results<Created<UploadPreview>, ProblemHttpResult>> UploadAsync(HttpContext context, WelfareCaller caller,
        FukushiMapDbContext db, UploadStaging staging, GazetteerProvider gazetteers, WelfareAudit audit, CancellationToken ct)
    {
        if (context.Request.ContentLength > Limits.MaxUploadBytes + 64 * 1024)
        {
            return Problems.Result(Core.ErrorKind.TooLarge, "upload-too-large", $"ファイルが大きすぎます（上限 {Limits.MaxUploadBytes / 1024 / 1024} MB）。");
        }
        if (!context.Request.HasFormContentType)
        {
            return Problems.Invalid("invalid-upload", "ファイルを multipart/form-data の file で送ってください。");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = Limits.MaxUploadBytes + 64 * 1024;
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = Limits.MaxUploadBytes }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Problems.Result(Core.ErrorKind.TooLarge, "upload-too-large", $"ファイルが大きすぎるか、送り方が正しくありません（上限 {Limits.MaxUploadBytes / 1024 / 1024} MB）。");
        }
        if (form.Files.GetFile("file") is not { Length: > 0 } file)
        {
            return Problems.Invalid("invalid-upload", "ファイルを選んでください（空のファイルは取り込めません）。");
        }
        var mapping = new UploadMapping
        {
            Kind = form["kind"], Municipality = form["municipality"], HubType = Blank(form["hubType"]), LayerKey = Blank(form["layerKey"]),
            LayerKind = Blank(form["layerKind"]), LayerName = Blank(form["layerName"]), ShelterKind = Blank(form["shelterKind"]),
            NameField = Blank(form["nameField"]), LonField = Blank(form["lonField"]), LatField = Blank(form["latField"]),
            AddressField = Blank(form["addressField"]), CodeField = Blank(form["codeField"]), Encoding = Blank(form["encoding"]),
        };
        if (string.IsNullOrWhiteSpace(mapping.Municipality))
        {
            return Problems.Invalid("invalid-upload", "市区町村を選んでください。");
        }
        var code = Parse.Municipality(mapping.Municipality);
        if (await DenyAsync(caller, code, "upload", db, audit, file.FileName, ct) is { } denied)
        {
            return denied;
        }
        byte[] bytes;
        await using (var stream = file.OpenReadStream())
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        var fileName = Path.GetFileName(file.FileName);
        var upload = staging.Add(caller.UserId, string.IsNullOrWhiteSpace(fileName) ? "upload" : fileName, bytes, mapping);
        var preview = await PreviewAsync(upload, db, gazetteers, ct);
        await audit.WriteAsync(caller, "upload-preview", "upload", [], null, preview.CanCommit ? "ok" : "problems", Purpose(mapping, upload.FileName), ct);
        return TypedResults.Created($"/api/setup/uploads/{upload.Id}", preview);
    }

    internal static async Task<Results<Ok<UploadPreview>, ProblemHttpResult>> RemapAsync(Guid id, UploadMapping mapping, WelfareCaller caller,
        FukushiMapDbContext db, UploadStaging staging, GazetteerProvider gazetteers, WelfareAudit audit, CancellationToken ct)
    {
        if (staging.Get(id, caller.UserId) is not { } upload)
        {
            return Problems.NotFound("upload-not-found", "そのファイルは見つかりません（1 時間たつと消えます）。もう一度ファイルを選んでください。");
        }
        if (string.IsNullOrWhiteSpace(mapping.Municipality))
        {
            return Problems.Invalid("invalid-upload", "市区町村を選んでください。");
        }
        var code = Parse.Municipality(mapping.Municipality);
        if (await DenyAsync(caller, code, "upload-remap", db, audit, upload.FileName, ct) is { } denied)
        {
            return denied;
        }
        upload.Mapping = mapping;
        var preview = await PreviewAsync(upload, db, gazetteers, ct);
        await audit.WriteAsync(caller, "upload-remap", "upload", [], null, preview.CanCommit ? "ok" : "problems", Purpose(mapping, upload.FileName), ct);
        return TypedResults.Ok(preview);
    }

    internal static Results<Ok<ProgressView>, ProblemHttpResult> ProgressOf(Guid id, WelfareCaller caller, UploadStaging staging) =>
        staging.Get(id, caller.UserId) is not { } upload
            ? Problems.NotFound("upload-not-found", "そのファイルは見つかりません。")
            : upload.Progress is { } p
                ? TypedResults.Ok(new ProgressView(p.Step, p.Steps, p.Message, p.Step == p.Steps && p.Steps > 0))
                : TypedResults.Ok(new ProgressView(0, 0, "まだ取り込みを始めていません。", false));

    internal static async Task<Results<Ok<CommitResult>, ProblemHttpResult>> CommitAsync(Guid id, WelfareCaller caller, FukushiMapDbContext db,
        UploadStaging staging, GazetteerProvider gazetteers, WelfareAudit audit, DataVersions versions, TimeProvider clock, CancellationToken ct)
    {
        if (staging.Get(id, caller.UserId) is not { } upload)
        {
            return Problems.NotFound("upload-not-found", "そのファイルは見つかりません（1 時間たつと消えます）。もう一度ファイルを選んでください。");
        }
        var code = Parse.Municipality(upload.Mapping.Municipality);
        if (await DenyAsync(caller, code, "upload-commit", db, audit, upload.FileName, ct) is { } denied)
        {
            return denied;
        }
        await upload.CommitLock.WaitAsync(ct);
        try
        {
            var progress = new StagedProgress(upload);
            var mapping = upload.Mapping;
            var versionId = await NextVersionIdAsync(db, ct);
            var outcome = await ImportVersionAsync(db, caller, gazetteers, audit, clock, versionId, mapping, upload.FileName, upload.Content,
                restoring: false, progress, ct);
            if (outcome.Result is { } result)
            {
                progress.Report(new ImportProgress(4, 4, $"取り込みました（{result.Written.Where(w => w.Key != "datasets").Sum(w => w.Value):N0} 件、版 {versionId}）。"));
                await versions.RefreshAsync(ct);
                return TypedResults.Ok(new CommitResult(versionId, result.DatasetKey, result.Written, result.Notes));
            }
            upload.Progress = null;
            return outcome.Problem!;
        }
        finally
        {
            upload.CommitLock.Release();
        }
    }

    internal static async Task<Results<Ok<List<VersionView>>, ProblemHttpResult>> VersionsAsync(string? municipality, string? kind, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        if (await DenyAsync(caller, code, "upload-versions", db, audit, null, ct) is { } denied)
        {
            return denied;
        }
        var k = kind ?? "";
        var rows = await db.Database.SqlQuery<VersionView>($"""
            SELECT id, municipality_code, kind, target, file_name, feature_count, created_by_name, created_at, is_current, restored_at,
                label, origin->'credit'->>'attribution' AS attribution
            FROM upload_versions WHERE municipality_code = {code} AND ({k} = '' OR kind = {k}) ORDER BY created_at DESC, id DESC LIMIT 200
            """).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    internal static async Task<Results<Ok<CommitResult>, ProblemHttpResult>> RestoreAsync(int id, WelfareCaller caller, FukushiMapDbContext db,
        GazetteerProvider gazetteers, WelfareAudit audit, DataVersions versions, TimeProvider clock, CancellationToken ct)
    {
        var stored = await db.Database.SqlQuery<StoredVersion>($"""
            SELECT municipality_code, file_name, content, request::text AS request, is_current, origin::text AS origin
            FROM upload_versions WHERE id = {id}
            """).FirstOrDefaultAsync(ct);
        if (stored is null)
        {
            return Problems.NotFound("version-not-found", "その版は見つかりません。");
        }
        if (await DenyAsync(caller, stored.MunicipalityCode, "upload-restore", db, audit, stored.FileName, ct) is { } denied)
        {
            return denied;
        }
        if (stored.IsCurrent)
        {
            return Problems.Result(Core.ErrorKind.Conflict, "version-current", "その版はいま使われている版です。");
        }
        var mapping = JsonSerializer.Deserialize<UploadMapping>(stored.Request, MappingJson)!;
        // The data a first upload replaced comes back with its own credit (a restored census credits e-Stat, not the city).
        var credit = stored.Origin is null ? null : JsonSerializer.Deserialize<VersionOrigin>(stored.Origin, MappingJson)?.Credit;
        var outcome = await ImportVersionAsync(db, caller, gazetteers, audit, clock, id, mapping, stored.FileName, stored.Content, restoring: true, null, ct, credit);
        if (outcome.Result is { } result)
        {
            await versions.RefreshAsync(ct);
            return TypedResults.Ok(new CommitResult(id, result.DatasetKey, result.Written, result.Notes));
        }
        return outcome.Problem!;
    }

    public sealed record StoredVersion(string MunicipalityCode, string FileName, byte[] Content, string Request, bool IsCurrent, string? Origin);

    private sealed record Outcome(ImportResult? Result, ProblemHttpResult? Problem);

    /// <summary>
    /// Imports a version's file as the current one of its (municipality, kind, target): read and checked again against the
    /// data as it is now; the slot's rows that belong to no version (the census, reference hubs, a CLI import) first kept as
    /// a version of their own (<see cref="UploadSlot.SnapshotAsync"/>, 「取り込み前のデータ」, with their credit); every row of
    /// the slot deleted, the new rows written, the version marked current and the audit entries added — one transaction, so a
    /// failure anywhere leaves the previous version in place. <paramref name="credit"/> is the credit to write (a restored
    /// snapshot's own); null = the uploading city's.
    /// </summary>
    private static async Task<Outcome> ImportVersionAsync(FukushiMapDbContext db, WelfareCaller caller, GazetteerProvider gazetteers, WelfareAudit audit,
        TimeProvider clock, int versionId, UploadMapping mapping, string fileName, byte[] content, bool restoring, IProgress<ImportProgress>? progress,
        CancellationToken ct, DatasetInfo? credit = null)
    {
        var action = restoring ? "upload-restore" : "upload-commit";
        var purpose = Purpose(mapping, fileName);
        progress?.Report(new ImportProgress(1, 4, $"{fileName} を読み込み、確認しています…"));
        var (request, invalid) = await RequestForAsync(db, mapping, fileName, $"upload-{versionId}", ct, credit);
        if (invalid is not null)
        {
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "refused", purpose, ct);
            return new Outcome(null, Refused([invalid]));
        }
        PreparedImport prepared;
        try
        {
            prepared = await Importer.PreviewAsync(db, request!, content, fileName, await LocatorAsync(db, gazetteers, request!.Municipality, ct), null, ct);
        }
        catch (ImportException e)
        {
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "refused", purpose, ct);
            return new Outcome(null, Refused(e.Problems));
        }
        if (prepared.Problems.Count > 0 || prepared.Features.Count == 0)
        {
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "refused", purpose, ct);
            return new Outcome(null, Refused(prepared.Problems.Count > 0 ? prepared.Problems
                : [new ImportProblem(fileName, null, null, "取り込める地物が 1 件もありません。")]));
        }
        var (code, kind, target) = (request!.Municipality, mapping.Kind!, Target(mapping));
        var current = await db.Database.SqlQuery<string>($"""
            SELECT dataset_key AS "Value" FROM upload_versions WHERE municipality_code = {code} AND kind = {kind} AND target = {target} AND is_current
            """).ToListAsync(ct);
        var slot = new UploadSlot(request.Kind, code, target);
        var previous = await slot.SnapshotAsync(db, current.FirstOrDefault(), ct);
        var previousId = previous is null ? (int?)null : await NextVersionIdAsync(db, ct);
        progress?.Report(new ImportProgress(2, 4, $"{prepared.Features.Count:N0} 件を書き込んでいます（前の版は取り込みが終わるまでそのままです）…"));
        var now = clock.GetUtcNow();
        try
        {
            var result = await Importer.CommitAsync(db, prepared, current, async (tx, dataset, token) =>
            {
                progress?.Report(new ImportProgress(3, 4, "版を記録しています…"));
                if (previous is not null)
                {
                    await KeepPreviousAsync(tx, caller, audit, previousId!.Value, mapping, code, kind, target, previous, now, token);
                }
                await tx.Database.ExecuteSqlAsync($"""
                    UPDATE upload_versions SET is_current = false WHERE municipality_code = {code} AND kind = {kind} AND target = {target} AND is_current
                    """, token);
                if (restoring)
                {
                    await tx.Database.ExecuteSqlAsync($"""
                        UPDATE upload_versions SET is_current = true, restored_at = {now}, dataset_key = {dataset.Key}, feature_count = {dataset.FeatureCount}
                        WHERE id = {versionId}
                        """, token);
                }
                else
                {
                    var json = JsonSerializer.Serialize(mapping, MappingJson);
                    await tx.Database.ExecuteSqlAsync($"""
                        INSERT INTO upload_versions (id, municipality_code, kind, target, file_name, content, content_sha256, request, dataset_key,
                            feature_count, created_by, created_by_name, created_at, is_current)
                        VALUES ({versionId}, {code}, {kind}, {target}, {fileName}, {content}, {prepared.File.Sha256 ?? ""}, {json}::jsonb, {dataset.Key},
                            {dataset.FeatureCount}, {caller.UserId}, {caller.DisplayName}, {now}, true)
                        """, token);
                }
                audit.Add(tx, caller, action, "upload", [versionId], null, "ok", purpose);
                await tx.SaveChangesAsync(token);
            }, null, ct, slot.DeleteAsync);
            return new Outcome(result, null);
        }
        catch (ImportException e)
        {
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "refused", purpose, ct);
            return new Outcome(null, Refused(e.Problems));
        }
        catch (Exception e) when (ForeignKeyViolation(e))
        {
            // hub_changes (edits made on the hub page) and other rows keep the previous version's rows from being deleted.
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "refused", purpose, CancellationToken.None);
            return new Outcome(null, Problems.Result(new Core.FukushiMapError(Core.ErrorKind.Conflict, "upload-referenced",
                "いまの版の地物に、画面で編集した記録（変更履歴）などほかのデータからの参照があるため、入れ替えられません。何も変えていません（いまの版のままです）。")));
        }
        catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException)
        {
            await audit.WriteAsync(caller, action, "upload", [versionId], null, "failed", purpose, CancellationToken.None);
            return new Outcome(null, Problems.Result(new Core.FukushiMapError(Core.ErrorKind.Unavailable, "upload-failed",
                "データベースへの書き込みの途中で失敗したため、何も変えていません（前の版のままです）。しばらくしてからもう一度お試しください。")));
        }
    }

    /// <summary>
    /// Records the rows a first upload replaces as a version that is not current: their GeoJSON, the mapping that reads it
    /// back, 「取り込み前のデータ（…）」 as its label and the original credit — inside the upload's transaction, audited.
    /// </summary>
    private static async Task KeepPreviousAsync(FukushiMapDbContext tx, WelfareCaller caller, WelfareAudit audit, int id, UploadMapping mapping, string code,
        string kind, string target, SlotSnapshot previous, DateTimeOffset now, CancellationToken ct)
    {
        var request = new UploadMapping
        {
            Kind = kind, Municipality = code,
            HubType = kind == "hubs" ? target : null,
            LayerKey = kind == "districts" ? target : null, LayerKind = previous.LayerKind, LayerName = previous.LayerName,
            ShelterKind = kind == "shelters" && target.Length > 0 ? target : null,
        };
        var fileName = $"pre-upload-{kind}-{code}{(target.Length > 0 ? "-" + target : "")}.geojson";
        var label = $"取り込み前のデータ（{previous.Credit.Title ?? "出典不明"}）";
        var origin = JsonSerializer.Serialize(new VersionOrigin(previous.Credit, previous.DatasetKeys), MappingJson);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(previous.GeoJson));
        var json = JsonSerializer.Serialize(request, MappingJson);
        var datasetKey = previous.DatasetKeys.FirstOrDefault() ?? "";
        var createdAt = previous.LoadedAt ?? now;
        await tx.Database.ExecuteSqlAsync($"""
            INSERT INTO upload_versions (id, municipality_code, kind, target, file_name, content, content_sha256, request, dataset_key,
                feature_count, created_by, created_by_name, created_at, is_current, label, origin)
            VALUES ({id}, {code}, {kind}, {target}, {fileName}, {previous.GeoJson}, {sha}, {json}::jsonb, {datasetKey},
                {previous.FeatureCount}, NULL, NULL, {createdAt}, false, {label}, {origin}::jsonb)
            """, ct);
        audit.Add(tx, caller, "upload-keep-previous", "upload", [id], null, "ok", $"{Purpose(mapping, fileName)} {label}");
    }

    private static bool ForeignKeyViolation(Exception e) =>
        (e as Npgsql.PostgresException ?? e.InnerException as Npgsql.PostgresException)?.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation;

    private static ProblemHttpResult Refused(IReadOnlyList<ImportProblem> problems) =>
        Problems.Result(Core.ErrorKind.Invalid, "upload-problems",
            $"ファイルに問題が {problems.Count} 件あるため、何も取り込んでいません。行と項目を確かめて直してください。",
            new Dictionary<string, object?> { ["problems"] = problems.Select(p => new UploadProblem(p.Row, p.Field, p.Reason)).ToList() });

    /// <summary>The planner may change <paramref name="code"/>'s data (管理者: every municipality); a refusal is audited.</summary>
    private static async Task<ProblemHttpResult?> DenyAsync(WelfareCaller caller, string code, string action, FukushiMapDbContext db, WelfareAudit audit,
        string? fileName, CancellationToken ct)
    {
        if (await PlannerCities.HoldsAsync(caller, db, code, ct))
        {
            return null;
        }
        await audit.WriteAsync(caller, action, "upload", [], null, "denied", $"{code} {fileName}".Trim(), ct);
        return Problems.Forbidden("upload-forbidden", $"市区町村 {code} のデータを取り込む権限がありません（管理者に担当の市区町村を登録してもらってください）。");
    }

    private static string Purpose(UploadMapping mapping, string fileName) => $"{mapping.Municipality} {mapping.Kind} {Target(mapping)} {fileName}";

    /// <summary>What a new version replaces: the hub type, the district layer, the shelter kind; population has one per city.</summary>
    private static string Target(UploadMapping m) => m.Kind switch
    {
        "hubs" => m.HubType ?? "",
        "districts" => m.LayerKey ?? "",
        "shelters" => m.ShelterKind ?? "",
        _ => "",
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The import request for a mapping, or the problem that makes one impossible (kind, hub type, layer missing).</summary>
    private static async Task<(ImportRequest? Request, ImportProblem? Problem)> RequestForAsync(FukushiMapDbContext db, UploadMapping m, string fileName,
        string? datasetKey, CancellationToken ct, DatasetInfo? credit = null)
    {
        var code = Parse.Municipality(m.Municipality);
        ImportProblem Problem(string reason) => new(fileName, null, null, reason);
        var city = await db.Municipalities.AsNoTracking().Where(c => c.Code == code).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (city is null)
        {
            return (null, Problem($"市区町村 {code} はありません。"));
        }
        ImportKind kind;
        switch (m.Kind)
        {
            case "hubs" when string.IsNullOrWhiteSpace(m.HubType):
                return (null, Problem("拠点の種類を選んでください。"));
            case "hubs":
                kind = ImportKind.Hubs;
                break;
            case "districts" when string.IsNullOrWhiteSpace(m.LayerKey) || string.IsNullOrWhiteSpace(m.LayerKind):
                return (null, Problem("区域のレイヤーのキー（半角英数字）と種類（小学校区など）を入れてください。"));
            case "districts" when !m.LayerKey!.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || m.LayerKey.Length > 40:
                return (null, Problem("区域のレイヤーのキーは 40 文字以内の半角英数字と - _ です。"));
            case "districts":
                kind = ImportKind.Districts;
                break;
            case "population":
                kind = ImportKind.Population;
                break;
            case "shelters":
                kind = ImportKind.Shelters;
                break;
            default:
                return (null, Problem("取り込むものを選んでください（拠点・区域・人口・避難所）。"));
        }
        var noun = kind switch { ImportKind.Hubs => "拠点", ImportKind.Districts => m.LayerKind, ImportKind.Population => "人口", _ => "避難所" };
        return (new ImportRequest
        {
            Kind = kind,
            File = fileName,
            Municipality = code,
            HubType = m.HubType,
            LayerKey = m.LayerKey,
            LayerKind = m.LayerKind,
            LayerName = m.LayerName,
            ShelterKind = m.ShelterKind,
            NameField = m.NameField,
            LonField = m.LonField,
            LatField = m.LatField,
            AddressField = m.AddressField,
            CodeField = m.CodeField,
            Encoding = m.Encoding,
            Replace = true,
            Limits = ImportLimits.Default with { MaxFileBytes = Limits.MaxUploadBytes },
            Dataset = credit is not null ? credit with { Key = datasetKey } : new DatasetInfo
            {
                Key = datasetKey,
                Title = $"{city} {noun}（{fileName}）",
                Publisher = city,
                Licence = $"{city}の提供（利用条件は{city}に確認）",
                Attribution = $"{city}（計画担当が取り込み）",
            },
        }, null);
    }

    /// <summary>The finder's offline address table limited to the municipality, as the importer's locator.</summary>
    private static async Task<IAddressLocator?> LocatorAsync(FukushiMapDbContext db, GazetteerProvider gazetteers, string code, CancellationToken ct)
    {
        var city = await db.Municipalities.AsNoTracking().Where(m => m.Code == code).Select(m => m.Name).FirstOrDefaultAsync(ct);
        return city is null ? null : new GazetteerLocator(await gazetteers.GetAsync(ct), city);
    }

    private sealed class GazetteerLocator(Gazetteer gazetteer, string cityName) : IAddressLocator
    {
        public AddressMatch? Locate(string municipalityCode, string address) =>
            address.Length > Limits.MaxAddressLength * 2 ? null
            : HubAdminApi.Matches(gazetteer, municipalityCode, cityName, address, 1) is [var m, ..] ? new AddressMatch(m.Name, m.Lon, m.Lat, m.Precision) : null;
    }

    /// <summary>Reads, checks and maps the staged file with its mapping; never writes.</summary>
    private static async Task<UploadPreview> PreviewAsync(StagedUpload upload, FukushiMapDbContext db, GazetteerProvider gazetteers, CancellationToken ct)
    {
        var tabular = FukushiMap.Data.Import.Formats.FeatureFileReader.FormatFromName(upload.FileName) is "csv" or "xlsx";
        var (request, invalid) = await RequestForAsync(db, upload.Mapping, upload.FileName, null, ct);
        PreparedImport? prepared = null;
        IReadOnlyList<ImportProblem> problems;
        if (request is null)
        {
            problems = [invalid!];
        }
        else
        {
            try
            {
                prepared = await Importer.PreviewAsync(db, request, upload.Content, upload.FileName, await LocatorAsync(db, gazetteers, request.Municipality, ct), null, ct);
                problems = prepared.Problems;
            }
            catch (ImportException e)
            {
                problems = e.Problems;
            }
        }
        var fields = prepared?.File.FieldNames ?? FieldsOf(upload, request);
        var features = new FeatureCollection();
        foreach (var f in prepared?.Features.Take(Limits.MaxPreviewFeatures) ?? [])
        {
            var g = f.Geometry is NetTopologySuite.Geometries.Point ? f.Geometry : TopologyPreservingSimplifier.Simplify(f.Geometry, 0.00002);
            features.Add(new Feature(g, new AttributesTable { { "row", f.Row }, { "name", f.Name } }));
        }
        var geocoded = prepared?.Geocoded ?? [];
        GeocodeView View(GeocodedAddress a) => new(a.Row, a.Field, a.Address, a.Match?.Label, a.Match?.Lon, a.Match?.Lat, a.Match?.Precision);
        return new UploadPreview(upload.Id, upload.FileName, prepared?.File.EncodingName, upload.Mapping, fields,
            prepared?.Columns ?? new Dictionary<string, string>(), prepared?.File.Features.Count ?? 0, prepared?.Features.Count ?? 0,
            problems.Select(p => new UploadProblem(p.Row, p.Field, p.Reason)).ToList(),
            geocoded.Where(a => a.Match is not null).Select(View).ToList(), geocoded.Where(a => a.Match is null).Select(View).ToList(),
            prepared?.Notes ?? [], tabular, prepared is not null && problems.Count == 0 && prepared.Features.Count > 0, features, features.Count,
            prepared?.File.HeaderLine ?? 1);
    }

    /// <summary>The file's columns when the mapping could not be applied (so the page can still offer them).</summary>
    private static IReadOnlyList<string> FieldsOf(StagedUpload upload, ImportRequest? request)
    {
        try
        {
            var problems = new ProblemList(upload.FileName);
            var r = request ?? new ImportRequest { Kind = ImportKind.Hubs, File = upload.FileName, Municipality = "00000", Encoding = upload.Mapping.Encoding };
            return FukushiMap.Data.Import.Formats.FeatureFileReader.Read(upload.Content, upload.FileName, r, problems, null, CancellationToken.None).FieldNames;
        }
        catch (ImportException)
        {
            return [];
        }
    }

    private static async Task<int> NextVersionIdAsync(FukushiMapDbContext db, CancellationToken ct) =>
        (int)await db.Database.SqlQuery<long>($"SELECT nextval(pg_get_serial_sequence('upload_versions', 'id')) AS \"Value\"").SingleAsync(ct);

    /// <summary>Reports progress into the staged upload, where the page polls it.</summary>
    private sealed class StagedProgress(StagedUpload upload) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => upload.Progress = value;
    }
}
