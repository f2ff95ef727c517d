using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Import;

/// <summary>One dataset of the reference manifest: a label for progress, the assumptions made, and the import.</summary>
public sealed record ReferenceEntry(string Label, IReadOnlyList<string> Assumptions, ImportRequest Import);

/// <summary>
/// Loads the reference data (the ten seed municipalities and 札幌市's school districts) from ../shared/gis-data on first start.
/// What to load is data, not code: gis-data/reference/reference-data.json (embedded in this assembly) lists each
/// file with its importer options and dataset credit. Idempotent: a dataset whose key is already in
/// <c>datasets</c> is skipped, so a second start imports nothing twice. Each dataset is one transaction.
/// </summary>
public static class ReferenceData
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The manifest's entries, in loading order.</summary>
    public static IReadOnlyList<ReferenceEntry> Manifest { get; } = LoadManifest();

    /// <summary>Imports every reference dataset that is not in the database yet.</summary>
    /// <param name="db">Context on a migrated database (hub types seeded).</param>
    /// <param name="dataPath">The reference data folder (../shared/gis-data or FUKUSHIMAP_DATA).</param>
    /// <param name="progress">Receives 「…を読み込み中」 per dataset.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The result of each entry (skipped ones included).</returns>
    public static async Task<IReadOnlyList<ImportResult>> EnsureLoadedAsync(FukushiMapDbContext db, string dataPath, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var existing = (await db.Datasets.AsNoTracking().Select(d => d.Key).ToListAsync(ct)).ToHashSet();
        var results = new List<ImportResult>();
        for (var i = 0; i < Manifest.Count; i++)
        {
            var entry = Manifest[i];
            var key = entry.Import.Dataset.Key!;
            if (existing.Contains(key))
            {
                results.Add(new ImportResult(key, Skipped: true, new Dictionary<string, int>(), []));
                continue;
            }
            progress?.Report(new ImportProgress(i + 1, Manifest.Count, $"{entry.Label}を読み込み中"));
            results.Add(await Importer.RunAsync(db, entry.Import, dataPath, progress: null, ct));
        }
        return results;
    }

    private static IReadOnlyList<ReferenceEntry> LoadManifest()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FukushiMap.Data.reference-data.json")
            ?? throw new InvalidOperationException("参照データのマニフェスト（reference-data.json）が埋め込まれていません。");
        var manifest = JsonSerializer.Deserialize<ManifestFile>(stream, s_json)
            ?? throw new InvalidOperationException("参照データのマニフェストが空です。");
        foreach (var e in manifest.Entries)
        {
            if (string.IsNullOrEmpty(e.Import.Dataset.Key))
            {
                throw new InvalidOperationException($"参照データ「{e.Label}」に dataset.key がありません。");
            }
        }
        return manifest.Entries;
    }

    private sealed record ManifestFile(string? Description, List<ReferenceEntry> Entries);
}
