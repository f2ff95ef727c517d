using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Data.Import.Importers;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Import;

/// <summary>
/// The one import path, used by the CLI and by <see cref="ReferenceData"/>: read the file, check every feature,
/// and only when nothing is wrong write everything in one transaction. A refused file changes nothing and
/// throws <see cref="ImportException"/> listing each problem as (file, row, field, reason).
/// </summary>
public static class Importer
{
    /// <summary>Imports <paramref name="request"/>'s file. <paramref name="basePath"/> resolves a relative file path.</summary>
    public static async Task<ImportResult> RunAsync(FukushiMapDbContext db, ImportRequest request, string? basePath = null,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var path = basePath is null ? Path.GetFullPath(request.File) : Path.GetFullPath(Path.Combine(basePath, request.File));
        var problems = new ProblemList(Path.GetFileName(path), request.Limits.MaxProblems);
        var code = CheckedCode(request, problems);
        if (request.Dataset.Key is { } givenKey && !request.Replace
            && await db.Datasets.AsNoTracking().AnyAsync(d => d.Key == givenKey, ct))
        {
            return new ImportResult(givenKey, Skipped: true, new Dictionary<string, int>(), [$"データセット「{givenKey}」は取り込み済みのため、何もしませんでした。"]);
        }

        progress?.Report(new ImportProgress(0, 0, $"{problems.File} を読み込み中…"));
        var file = FeatureFileReader.Read(path, request, problems, progress, ct);
        var key = request.Dataset.Key ?? $"{request.Kind.ToString().ToLowerInvariant()}-{code}-{file.Sha256![..12]}";
        if (request.Dataset.Key is null && !request.Replace && await db.Datasets.AsNoTracking().AnyAsync(d => d.Key == key, ct))
        {
            return new ImportResult(key, Skipped: true, new Dictionary<string, int>(), [$"同じ内容のファイルが取り込み済み（データセット「{key}」）のため、何もしませんでした。"]);
        }
        var prepared = await PrepareAsync(db, request with { Dataset = request.Dataset with { Key = key } }, file, problems, null, progress, ct);
        return await CommitAsync(db, prepared, [], null, progress, ct);
    }

    /// <summary>
    /// Reads and checks an uploaded file without writing anything: the mapped features, the columns used and every problem
    /// (row, field, reason). A problem that makes reading pointless (unknown format, no name column) throws
    /// <see cref="ImportException"/>. <paramref name="locator"/> places points that have an address but no coordinates.
    /// </summary>
    public static async Task<PreparedImport> PreviewAsync(FukushiMapDbContext db, ImportRequest request, byte[] bytes, string fileName,
        IAddressLocator? locator, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var problems = new ProblemList(fileName, request.Limits.MaxProblems);
        CheckedCode(request, problems);
        var file = FeatureFileReader.Read(bytes, fileName, request, problems, progress, ct);
        return await PrepareAsync(db, request, file, problems, locator, progress, ct);
    }

    private static string CheckedCode(ImportRequest request, ProblemList problems)
    {
        var code = request.Municipality?.Trim() ?? "";
        if (code.Length != 5 || !code.All(char.IsAsciiDigit))
        {
            throw problems.Fatal(null, null, $"市区町村コード「{code}」は 5 桁の数字（JIS X 0402、検査数字なし）で指定してください。");
        }
        return code;
    }

    /// <summary>Checks and maps every feature of <paramref name="file"/>; problems are collected, nothing is written.</summary>
    private static async Task<PreparedImport> PrepareAsync(FukushiMapDbContext db, ImportRequest request, FeatureFile file, ProblemList problems,
        IAddressLocator? locator, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var code = request.Municipality.Trim();
        if (request.MunicipalityField is { } cityField)
        {
            file = OfMunicipality(file, cityField, code, problems);
        }
        var key = request.Dataset.Key ?? $"{request.Kind.ToString().ToLowerInvariant()}-{code}-{file.Sha256![..12]}";
        var credit = KnownSources.Fill(request.Dataset, file);
        var municipality = await db.Municipalities.AsNoTracking().FirstOrDefaultAsync(m => m.Code == code, ct);
        if (municipality is null && request.Kind != ImportKind.Boundary && string.IsNullOrWhiteSpace(request.MunicipalityName))
        {
            throw problems.Fatal(null, null,
                $"市区町村 {code} がデータベースにありません。先に boundary を取り込むか、--municipality-name で名前を指定してください。");
        }
        var planeSrid = municipality?.PlaneSrid ?? PlaneRectangularZones.SridForMunicipality(code);
        var checks = new GeometryChecks(problems, request.Repair, request.Kind == ImportKind.Boundary ? null : municipality?.Boundary,
            planeSrid, request.Limits.MaxDistanceOutsideBoundaryMetres);
        var context = new KindContext(request, file, problems, checks, code, planeSrid, municipality, locator);

        KindImporter importer = request.Kind switch
        {
            ImportKind.Boundary => new BoundaryImporter(context),
            ImportKind.Hubs => new HubImporter(context),
            ImportKind.Districts => new DistrictImporter(context),
            ImportKind.Population => new PopulationImporter(context),
            ImportKind.Shelters => new ShelterImporter(context),
            ImportKind.Facilities => new FacilityImporter(context),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Kind, null),
        };
        progress?.Report(new ImportProgress(0, 0, $"{file.Features.Count:N0} 件を確認中…"));
        await importer.PrepareAsync(db, ct);
        try
        {
            importer.Map();
        }
        catch (ImportException)
        {
            // The problem list was full: what was found is the answer.
        }
        return new PreparedImport(request, file, problems, importer, context, key, credit, municipality);
    }

    /// <summary>
    /// Writes a prepared import as a new dataset in one transaction, after deleting the datasets <paramref name="replaces"/>
    /// names (an earlier version) and running <paramref name="beforeWrite"/> (an upload clears its slot: <see cref="UploadSlot.DeleteAsync"/>);
    /// <paramref name="alongside"/> adds its own rows (version record, audit) to the same transaction. Refuses (throws <see cref="ImportException"/>) when the preparation found any problem; a failure on the
    /// way leaves the database as it was.
    /// </summary>
    public static async Task<ImportResult> CommitAsync(FukushiMapDbContext db, PreparedImport prepared, IReadOnlyCollection<string> replaces,
        Func<FukushiMapDbContext, Dataset, CancellationToken, Task>? alongside, IProgress<ImportProgress>? progress, CancellationToken ct,
        Func<FukushiMapDbContext, CancellationToken, Task>? beforeWrite = null)
    {
        var (request, file, problems, importer, municipality, key, credit) =
            (prepared.Request, prepared.File, prepared.ProblemList, prepared.Importer, prepared.Municipality, prepared.DatasetKey, prepared.Credit);
        problems.ThrowIfAny();
        progress?.Report(new ImportProgress(0, 0, "データベースに書き込み中…"));
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                if (request.Replace)
                {
                    await DeleteDatasetAsync(db, key, ct);
                }
                foreach (var old in replaces)
                {
                    await DeleteDatasetAsync(db, old, ct);
                }
                if (beforeWrite is not null)
                {
                    await beforeWrite(db, ct);
                }
                var written = new Dictionary<string, int>();
                if (municipality is null)
                {
                    db.Municipalities.Add(new Municipality
                    {
                        Code = prepared.Context.MunicipalityCode,
                        Name = request.MunicipalityName ?? importer.MunicipalityName ?? prepared.Context.MunicipalityCode,
                        Prefecture = request.Prefecture ?? importer.Prefecture,
                        PlaneSrid = prepared.Context.PlaneSrid,
                    });
                    written["municipalities"] = 1;
                }
                var dataset = new Dataset
                {
                    Key = key,
                    Title = credit.Title ?? Path.GetFileName(request.File),
                    Publisher = credit.Publisher ?? "不明",
                    Licence = credit.Licence ?? "不明",
                    Vintage = credit.Vintage,
                    Attribution = credit.Attribution ?? credit.Publisher ?? Path.GetFileName(request.File),
                    Source = request.File,
                    ContentSha256 = file.Sha256,
                    ImportedAt = DateTimeOffset.UtcNow,
                };
                db.Datasets.Add(dataset);
                await db.SaveChangesAsync(ct);
                foreach (var (table, count) in await importer.WriteAsync(db, dataset, ct))
                {
                    // A municipality row created here and then given its boundary is still one row.
                    written[table] = table == "municipalities" ? Math.Max(written.GetValueOrDefault(table), count) : written.GetValueOrDefault(table) + count;
                }
                dataset.FeatureCount = importer.FeatureCount;
                written["datasets"] = 1;
                await db.SaveChangesAsync(ct);
                if (alongside is not null)
                {
                    await alongside(db, dataset, ct);
                }
                await tx.CommitAsync(ct);
                var notes = file.Notes.Concat(importer.Notes).Concat(prepared.Context.Checks.Repairs).ToList();
                if (credit.Licence is null || credit.Attribution is null)
                {
                    notes.Add("ライセンスまたは出典表記が分からないため「不明」としました。--licence と --attribution で指定してください（地図に表示されます）。");
                }
                return new ImportResult(key, Skipped: false, written, notes);
            }
            catch
            {
                await tx.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                throw;
            }
        });
    }

    /// <summary>The features whose <paramref name="field"/> is the municipality's code (a file covering several cities).</summary>
    private static FeatureFile OfMunicipality(FeatureFile file, string field, string code, ProblemList problems)
    {
        if (!file.FieldNames.Contains(field, StringComparer.OrdinalIgnoreCase))
        {
            throw problems.Fatal(null, field, $"市区町村コードの項目「{field}」がファイルにありません（ある項目: {string.Join(", ", file.FieldNames)}）。");
        }
        var kept = file.Where(f => f.Get(field) == code);
        if (kept.Features.Count == 0)
        {
            throw problems.Fatal(null, field, $"{field} が {code} の地物がありません。");
        }
        kept.Notes.Add($"{field} = {code} の地物 {kept.Features.Count:N0} 件を使いました（全 {file.Features.Count:N0} 件）。");
        return kept;
    }

    /// <summary>Deletes a dataset and every row that belongs to it (for --replace and an upload's earlier version).</summary>
    private static async Task DeleteDatasetAsync(FukushiMapDbContext db, string key, CancellationToken ct)
    {
        var old = await db.Datasets.FirstOrDefaultAsync(d => d.Key == key, ct);
        if (old is null)
        {
            return;
        }
        await db.Hubs.Where(h => h.DatasetId == old.Id).ExecuteDeleteAsync(ct);
        await db.Shelters.Where(s => s.DatasetId == old.Id).ExecuteDeleteAsync(ct);
        await db.Facilities.Where(f => f.DatasetId == old.Id).ExecuteDeleteAsync(ct);
        await db.PopulationUnits.Where(p => p.DatasetId == old.Id).ExecuteDeleteAsync(ct);
        await db.DistrictLayers.Where(l => l.DatasetId == old.Id).ExecuteDeleteAsync(ct);
        await db.Municipalities.Where(m => m.DatasetId == old.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.DatasetId, (int?)null), ct);
        await db.Datasets.Where(d => d.Id == old.Id).ExecuteDeleteAsync(ct);
        db.ChangeTracker.Clear();
    }
}
