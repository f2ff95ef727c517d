using System.Text.Json;
using FukushiMap.Analysis.Versions;
using FukushiMap.Data;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Analysis.Finder;

/// <summary>
/// The one geocoder's table (<see cref="Gazetteer"/>), used by the finder and by hub management: the Geolonia 町丁 JSON files read
/// in place from the data path (geolonia-japanese-addresses/{code}_{県}{市}.json), then the census 町丁 points of population_units
/// for what they lack — rebuilt under the analysis layer's cache policy when municipalities, population units or networks change
/// (a failed build is not kept, so the next request tries again).
/// </summary>
public sealed class GazetteerProvider(IServiceScopeFactory scopes, DataVersions versions, AnalysisSettings settings, ILogger<GazetteerProvider> logger)
{
    public const string GeoloniaFolder = "geolonia-japanese-addresses";

    private readonly VersionedCache<int, Gazetteer> _table =
        new(versions, 1, DataTables.Municipalities, DataTables.PopulationUnits, DataTables.Networks, DataTables.ActiveNetworks);

    /// <summary>The table for the current data.</summary>
    public Task<Gazetteer> GetAsync(CancellationToken ct = default) => _table.GetAsync(0, _ => BuildAsync(), ct);

    private async Task<Gazetteer> BuildAsync()
    {
        var entries = new List<GazetteerEntry>();
        var dataPath = settings.ReferenceDataPath;
        var folder = dataPath is null ? null : Path.Combine(dataPath, GeoloniaFolder);
        if (folder is not null && Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                entries.AddRange(ReadGeolonia(file));
            }
        }
        else
        {
            logger.LogWarning("住所データ（{Folder}）が見つかりません。国勢調査の町丁の代表点だけで住所を探します。", folder ?? GeoloniaFolder);
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var census = await db.PopulationUnits.AsNoTracking()
            .Join(db.Municipalities, u => u.MunicipalityCode, m => m.Code, (u, m) => new { u.MunicipalityCode, m.Name, m.Prefecture, Town = u.Name, u.Point })
            .ToListAsync();
        entries.AddRange(census.Select(u => new GazetteerEntry(u.MunicipalityCode, u.Prefecture ?? "", u.Name, u.Town, null, u.Point.Y, u.Point.X,
            GazetteerSources.Census)));
        var served = await db.RoadNetworks.Where(n => n.MunicipalityCode != null).Select(n => n.MunicipalityCode!).Distinct().ToListAsync();

        var gazetteer = new Gazetteer(entries, served);
        logger.LogInformation("住所の表: {Count} 件（住所データ {Geolonia} 件、国勢調査の町丁 {Census} 件から）", gazetteer.Count,
            entries.Count(e => e.Source == GazetteerSources.Geolonia), census.Count);
        return gazetteer;
    }

    /// <summary>Reads one Geolonia city file: a JSON array of {town, koaza, lat, lng} (readings used when a file has them).</summary>
    public static IEnumerable<GazetteerEntry> ReadGeolonia(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore != 5 || !name[..5].All(char.IsAsciiDigit))
        {
            yield break;
        }
        var code = name[..5];
        var place = name[6..];
        var prefecture = AddressNormalizer.Prefectures.FirstOrDefault(p => place.StartsWith(p, StringComparison.Ordinal)) ?? "";
        var municipality = place[prefecture.Length..];

        using var stream = File.OpenRead(file);
        using var doc = JsonDocument.Parse(stream);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var town = Text(item, "town");
            if (string.IsNullOrEmpty(town) || Number(item, "lat") is not { } lat || Number(item, "lng") is not { } lng)
            {
                continue;
            }
            var readings = new[] { "town_kana", "kana", "town_hira", "koaza_kana" }.Select(k => Text(item, k))
                .Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r!).ToList();
            yield return new GazetteerEntry(code, prefecture, municipality, town, Text(item, "koaza"), lat, lng, GazetteerSources.Geolonia,
                readings.Count > 0 ? readings : null);
        }
    }

    private static string? Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement item, string property) =>
        item.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
