using System.Text.Json;
using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace FukushiMap.Data.Import;

/// <summary>
/// What one upload replaces: a municipality's population, the hubs of one hub type, one district layer, or the shelters of
/// one kind (all of them when <see cref="Target"/> is empty). An upload replaces every row of its slot — also rows loaded
/// from the reference data or by the CLI before any upload — so before it does, <see cref="SnapshotAsync"/> exports those
/// rows to a GeoJSON file the same importer reads back, with the credit of the datasets they came from: the planner can
/// restore it like any uploaded version, and a restored census still credits e-Stat.
/// </summary>
/// <param name="Kind">Population, Hubs, Districts or Shelters.</param>
/// <param name="MunicipalityCode">Five-digit code.</param>
/// <param name="Target">Hub type key, district layer key, shelter kind; empty for population (one per municipality).</param>
public sealed record UploadSlot(ImportKind Kind, string MunicipalityCode, string Target)
{
    private static readonly JsonSerializerOptions s_geoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    /// <summary>
    /// The slot's rows that do not belong to <paramref name="exceptDatasetKey"/> (the current uploaded version's dataset), as a
    /// GeoJSON file in the columns the kind's importer maps; null when there are none.
    /// </summary>
    public async Task<SlotSnapshot?> SnapshotAsync(FukushiMapDbContext db, string? exceptDatasetKey, CancellationToken ct)
    {
        var except = exceptDatasetKey is null ? null
            : await db.Datasets.AsNoTracking().Where(d => d.Key == exceptDatasetKey).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct);
        var features = new FeatureCollection();
        var datasetIds = new List<int?>();
        string? layerKind = null, layerName = null;
        switch (Kind)
        {
            case ImportKind.Population:
                foreach (var u in await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == MunicipalityCode && (except == null || p.DatasetId != except))
                             .OrderBy(p => p.KeyCode).ToListAsync(ct))
                {
                    datasetIds.Add(u.DatasetId);
                    features.Add(new Feature((Geometry?)u.Polygon ?? u.Point, new AttributesTable
                    {
                        { "KEY_CODE", u.KeyCode }, { "MOJI", u.Name }, { "JINKO", u.Population }, { "SETAI", u.Households }, { "AREA", u.AreaSquareMetres },
                        { "X_CODE", u.Point.X }, { "Y_CODE", u.Point.Y }, { "age_0_14", u.Age0To14 }, { "age_15_64", u.Age15To64 },
                        { "age_65_plus", u.Age65Plus }, { "age_75_plus", u.Age75Plus },
                    }));
                }
                break;
            case ImportKind.Hubs:
                foreach (var h in await Hubs(db).Where(h => except == null || h.DatasetId != except).OrderBy(h => h.Id).ToListAsync(ct))
                {
                    datasetIds.Add(h.DatasetId);
                    features.Add(new Feature(h.Location, new AttributesTable
                    {
                        { "name", h.Name }, { "address", h.Address }, { "id", h.SourceRef }, { "operator", h.Operator },
                        { "functions", h.Functions.Count == 0 ? null : string.Join("、", h.Functions) },
                        { "target_groups", h.TargetGroups.Count == 0 ? null : string.Join("、", h.TargetGroups) },
                        { "phone", h.Phone }, { "email", h.Email }, { "website", h.Website }, { "opening_note", h.OpeningNote },
                        { "accessibility_notes", h.AccessibilityNotes },
                        { "opening_hours", h.OpeningHours.Count == 0 ? null : JsonSerializer.Serialize(h.OpeningHours) },
                        { "retired_at", h.RetiredAt?.ToString("O") },
                    }));
                }
                break;
            case ImportKind.Districts:
                var layer = await db.DistrictLayers.AsNoTracking().FirstOrDefaultAsync(l => l.MunicipalityCode == MunicipalityCode && l.Key == Target, ct);
                if (layer is null || (except != null && layer.DatasetId == except))
                {
                    return null;
                }
                (layerKind, layerName) = (layer.Kind, layer.Name);
                foreach (var d in await db.Districts.AsNoTracking().Where(d => d.LayerId == layer.Id).OrderBy(d => d.Id).ToListAsync(ct))
                {
                    datasetIds.Add(layer.DatasetId);
                    features.Add(new Feature(d.Geometry, new AttributesTable { { "name", d.Name }, { "code", d.Code }, { "address", d.Address } }));
                }
                break;
            case ImportKind.Shelters:
                foreach (var s in await Shelters(db).Where(s => except == null || s.DatasetId != except).OrderBy(s => s.Id).ToListAsync(ct))
                {
                    datasetIds.Add(s.DatasetId);
                    features.Add(new Feature(s.Location, new AttributesTable
                    {
                        { "name", s.Name }, { "address", s.Address }, { "kind", s.Kind }, { "id", s.SourceRef }, { "capacity", s.Capacity },
                        { "hazards", s.Hazards.Count == 0 ? null : string.Join("、", s.Hazards) },
                    }));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "画面から取り込めるのは人口・拠点・区域・避難所です。");
        }
        if (features.Count == 0)
        {
            return null;
        }
        var ids = datasetIds.OfType<int>().Distinct().ToList();
        var datasets = await db.Datasets.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(ct);
        return new SlotSnapshot(JsonSerializer.SerializeToUtf8Bytes(features, s_geoJson), features.Count, Credit(datasets, datasetIds.Any(i => i is null)),
            [.. datasets.Select(d => d.Key)], datasets.Count == 0 ? null : datasets.Min(d => d.ImportedAt), layerKind, layerName);
    }

    /// <summary>Deletes every row of the slot (inside the upload's transaction). A district layer's row stays: its districts go.</summary>
    public async Task DeleteAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        switch (Kind)
        {
            case ImportKind.Population:
                await db.PopulationUnits.Where(p => p.MunicipalityCode == MunicipalityCode).ExecuteDeleteAsync(ct);
                break;
            case ImportKind.Hubs:
                await Hubs(db).ExecuteDeleteAsync(ct);
                break;
            case ImportKind.Districts:
                await db.Districts.Where(d => d.Layer!.MunicipalityCode == MunicipalityCode && d.Layer.Key == Target).ExecuteDeleteAsync(ct);
                break;
            case ImportKind.Shelters:
                await Shelters(db).ExecuteDeleteAsync(ct);
                break;
        }
    }

    private IQueryable<Hub> Hubs(FukushiMapDbContext db) =>
        db.Hubs.Where(h => h.MunicipalityCode == MunicipalityCode && (h.HubType!.Key == Target || h.HubType.Name == Target));

    private IQueryable<Shelter> Shelters(FukushiMapDbContext db) =>
        db.Shelters.Where(s => s.MunicipalityCode == MunicipalityCode && (Target == "" || s.Kind == Target));

    /// <summary>
    /// The credit a restored snapshot carries: its dataset's own (publisher, licence, vintage, attribution) when the rows came
    /// from one; every credit joined when from several, so none is dropped from the map.
    /// </summary>
    private static DatasetInfo Credit(List<Dataset> datasets, bool someWithout)
    {
        if (datasets.Count == 1 && !someWithout)
        {
            var d = datasets[0];
            return new DatasetInfo { Title = d.Title, Publisher = d.Publisher, Licence = d.Licence, Vintage = d.Vintage, Attribution = d.Attribution };
        }
        static string? Join(IEnumerable<string?> values) =>
            values.OfType<string>().Distinct().ToList() is { Count: > 0 } list ? string.Join("／", list) : null;
        var title = Join(datasets.Select(d => d.Title));
        return new DatasetInfo
        {
            Title = someWithout ? (title is null ? "画面で登録したデータ" : $"{title} ほか画面で登録したデータ") : title,
            Publisher = Join(datasets.Select(d => d.Publisher)),
            Licence = Join(datasets.Select(d => d.Licence)),
            Vintage = Join(datasets.Select(d => d.Vintage)),
            Attribution = Join(datasets.Select(d => d.Attribution)),
        };
    }
}

/// <summary>
/// The rows a first upload replaces, as a file: <paramref name="GeoJson"/> in the columns the importer maps,
/// <paramref name="Credit"/> the credit of the datasets they came from (<paramref name="DatasetKeys"/>), loaded at <paramref name="LoadedAt"/>.
/// </summary>
public sealed record SlotSnapshot(byte[] GeoJson, int FeatureCount, DatasetInfo Credit, IReadOnlyList<string> DatasetKeys, DateTimeOffset? LoadedAt,
    string? LayerKind, string? LayerName);
