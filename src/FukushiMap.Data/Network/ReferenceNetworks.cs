using System.Reflection;
using System.Text.Json;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Import;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Network;

/// <summary>
/// The walking networks of the reference data (gis-data/reference/reference-networks.json, embedded), imported on first start.
/// Idempotent: a network whose name is already stored is skipped.
/// </summary>
public static class ReferenceNetworks
{
    public static IReadOnlyList<Entry> Manifest { get; } = LoadManifest();

    public static async Task EnsureLoadedAsync(FukushiMapDbContext db, string dataPath, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var existing = (await db.RoadNetworks.AsNoTracking().Select(n => n.Name).ToListAsync(ct)).ToHashSet();
        for (var i = 0; i < Manifest.Count; i++)
        {
            var e = Manifest[i];
            if (existing.Contains(e.Name))
            {
                continue;
            }
            progress?.Report(new ImportProgress(i + 1, Manifest.Count, $"{e.Label}を読み込み中"));
            var lines = new Progress(progress, i + 1, Manifest.Count);
            var network = await NetworkImporter.ImportAsync(db, new NetworkImportRequest(Path.Combine(dataPath, e.Edges), e.Name)
            {
                NodesPath = e.Nodes is null ? null : Path.Combine(dataPath, e.Nodes),
                MunicipalityCode = e.Municipality,
                Dataset = new Dataset
                {
                    Key = e.Dataset.Key!,
                    Title = e.Dataset.Title ?? e.Label,
                    Publisher = e.Dataset.Publisher ?? "OpenStreetMap contributors",
                    Licence = e.Dataset.Licence ?? "ODbL 1.0",
                    Vintage = e.Dataset.Vintage,
                    Attribution = e.Dataset.Attribution ?? "© OpenStreetMap contributors",
                    Source = e.Edges,
                    ImportedAt = DateTimeOffset.UtcNow,
                },
            }, lines, ct);
            // The first network of a municipality becomes live when it passes the checks; a later one waits for `network activate`.
            if (await NetworkActivation.ActivateIfNoneLiveAsync(db, network, ct: ct) is { } activation)
            {
                lines.Report(activation.Message);
            }
        }
    }

    /// <summary>One reference network: its name, municipality, files (relative to the data folder) and credit.</summary>
    public sealed record Entry(string Label, string Name, string? Municipality, string Edges, string? Nodes, DatasetInfo Dataset);

    private sealed record ManifestFile(string? Description, List<Entry> Entries);

    private sealed class Progress(IProgress<ImportProgress>? inner, int step, int steps) : IProgress<string>
    {
        public void Report(string value) => inner?.Report(new ImportProgress(step, steps, value));
    }

    private static IReadOnlyList<Entry> LoadManifest()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FukushiMap.Data.reference-networks.json")
            ?? throw new InvalidOperationException("reference-networks.json が埋め込まれていません。");
        return JsonSerializer.Deserialize<ManifestFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))?.Entries
            ?? throw new InvalidOperationException("reference-networks.json が空です。");
    }
}
