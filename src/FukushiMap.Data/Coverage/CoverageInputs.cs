using FukushiMap.Core.Coverage;
using FukushiMap.Core.Geodesy;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Coverage;

/// <summary>An age band the population units may carry.</summary>
/// <param name="Key">Column key in exports (e.g. <c>age_65_plus</c>).</param>
/// <param name="Name">Japanese label (e.g. 65歳以上).</param>
public sealed record AgeBand(string Key, string Name);

/// <summary>A municipality's population units ready for placement, projected to the plane of <paramref name="Projector"/>.</summary>
/// <param name="MunicipalityCode">JIS code.</param>
/// <param name="MunicipalityName">Name (e.g. 宇部市).</param>
/// <param name="Projector">The plane of the municipality's network.</param>
/// <param name="Units">Units in key-code order, plane metres.</param>
/// <param name="UnitIds">Database id of each unit.</param>
/// <param name="Boundary">Municipality outline, plane metres, or null when not imported.</param>
/// <param name="Bands">Age bands every unit carries (empty when any populated unit lacks them).</param>
/// <param name="PopulationAttribution">Credit line of the population dataset.</param>
public sealed record CoverageInputs(
    string MunicipalityCode, string MunicipalityName, PlaneProjector Projector, PopulationUnitInput[] Units, int[] UnitIds,
    Geometry? Boundary, AgeBand[] Bands, string? PopulationAttribution);

/// <summary>A district layer of a municipality as the coverage pages list it.</summary>
public sealed record DistrictLayerInfo(int Id, string Key, string Kind, string Name, int Districts, string? Attribution);

/// <summary>A district of a layer, plane metres.</summary>
public sealed record DistrictInput(int Id, string? Code, string Name, Geometry Area);

/// <summary>Reads what a coverage analysis needs from PostGIS (lon/lat, SRID 6668) and projects it to the plane.</summary>
public static class CoverageInputLoader
{
    /// <summary>The age bands known to the schema, in column order.</summary>
    public static readonly AgeBand[] KnownBands =
    [
        new("age_0_14", "0〜14歳"), new("age_15_64", "15〜64歳"), new("age_65_plus", "65歳以上"), new("age_75_plus", "75歳以上"),
    ];

    /// <summary>Key of the 65+ band (gaps are ranked by it when present).</summary>
    public const string Age65PlusKey = "age_65_plus";

    /// <summary>Loads the units and outline of <paramref name="municipalityCode"/>.</summary>
    public static async Task<CoverageInputs> LoadAsync(FukushiMapDbContext db, string municipalityCode, PlaneProjector projector,
        CancellationToken ct = default)
    {
        var municipality = await db.Municipalities.AsNoTracking().Where(m => m.Code == municipalityCode)
            .Select(m => new { m.Name, m.Boundary }).SingleOrDefaultAsync(ct)
            ?? throw new KeyNotFoundException($"市区町村 {municipalityCode} はありません。");
        var rows = await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == municipalityCode).OrderBy(p => p.KeyCode)
            .Select(p => new
            {
                p.Id, p.KeyCode, p.Name, p.Population, p.AreaSquareMetres, p.Point, p.Polygon,
                p.Age0To14, p.Age15To64, p.Age65Plus, p.Age75Plus,
                Attribution = p.Dataset == null ? null : p.Dataset.Attribution,
            })
            .ToListAsync(ct);

        var present = KnownBands.Select((_, b) => rows.All(r => r.Population == 0 || BandsOf(r.Age0To14, r.Age15To64, r.Age65Plus, r.Age75Plus)[b] is not null)).ToArray();
        if (rows.Count == 0) Array.Fill(present, false);
        var bands = KnownBands.Where((_, b) => present[b]).ToArray();

        var units = rows.Select(r =>
        {
            var (x, y) = projector.ToPlane(r.Point.X, r.Point.Y);
            var all = BandsOf(r.Age0To14, r.Age15To64, r.Age65Plus, r.Age75Plus);
            return new PopulationUnitInput(r.KeyCode, r.Name, r.Population, new Coordinate(x, y))
            {
                AreaSquareMetres = r.AreaSquareMetres,
                Polygon = r.Polygon is null ? null : projector.ToPlane(r.Polygon),
                Bands = bands.Length == 0 ? null : all.Where((_, b) => present[b]).Select(v => v ?? 0).ToArray(),
            };
        }).ToArray();
        return new CoverageInputs(municipalityCode, municipality.Name, projector, units, rows.Select(r => r.Id).ToArray(),
            municipality.Boundary is null ? null : projector.ToPlane(municipality.Boundary), bands,
            rows.Select(r => r.Attribution).FirstOrDefault(a => a is not null));
    }

    private static int?[] BandsOf(int? a, int? b, int? c, int? d) => [a, b, c, d];

    /// <summary>The district layers of <paramref name="municipalityCode"/>.</summary>
    public static Task<List<DistrictLayerInfo>> LayersAsync(FukushiMapDbContext db, string municipalityCode, CancellationToken ct = default) =>
        db.DistrictLayers.AsNoTracking().Where(l => l.MunicipalityCode == municipalityCode).OrderBy(l => l.Id)
            .Select(l => new DistrictLayerInfo(l.Id, l.Key, l.Kind, l.Name, l.Districts.Count, l.Dataset == null ? null : l.Dataset.Attribution))
            .ToListAsync(ct);

    /// <summary>The districts of layer <paramref name="layerId"/>, plane metres, in code then name order.</summary>
    public static async Task<List<DistrictInput>> DistrictsAsync(FukushiMapDbContext db, int layerId, PlaneProjector projector,
        CancellationToken ct = default)
    {
        var rows = await db.Districts.AsNoTracking().Where(d => d.LayerId == layerId).OrderBy(d => d.Code).ThenBy(d => d.Name).ThenBy(d => d.Id)
            .Select(d => new { d.Id, d.Code, d.Name, d.Geometry }).ToListAsync(ct);
        return rows.Select(d => new DistrictInput(d.Id, d.Code, d.Name, projector.ToPlane(d.Geometry))).ToList();
    }
}
