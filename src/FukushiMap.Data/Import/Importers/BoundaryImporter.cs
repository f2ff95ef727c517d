using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// A municipality's boundary: the union of the file's polygons. A 国土数値情報 N03 file (N03_007 = code) is
/// filtered to the municipality's features, so a whole-prefecture file can be given.
/// </summary>
internal sealed class BoundaryImporter(KindContext context) : KindImporter(context)
{
    private MultiPolygon? _boundary;
    private string? _name;
    private string? _prefecture;

    public override string? MunicipalityName => _name;
    public override string? Prefecture => _prefecture;

    public override void Map()
    {
        var features = Context.File.Features;
        var codeField = Field(Request.CodeField, "N03_007");
        if (codeField is not null)
        {
            features = features.Where(f => f.Get(codeField) == Context.MunicipalityCode).ToList();
            Notes.Add($"{codeField} = {Context.MunicipalityCode} の地物 {features.Count} 件を使いました（全 {Context.File.Features.Count} 件）。");
            if (features.Count == 0)
            {
                Problems.Add(null, codeField, $"{codeField} が {Context.MunicipalityCode} の地物がありません。");
                return;
            }
        }
        var first = features.FirstOrDefault();
        if (first is not null)
        {
            var city = first.Get("N03_003");
            var ward = first.Get(Request.NameField ?? "N03_004");
            _name = city is not null && ward is not null && city.EndsWith('市') && ward.EndsWith('区') ? city + ward : ward ?? city;
            _prefecture = first.Get("N03_001");
        }
        var parts = new List<Geometry>();
        foreach (var f in features)
        {
            var g = Context.CheckedGeometry(f);
            if (g is null)
            {
                continue;
            }
            if (g is not (Polygon or MultiPolygon))
            {
                Problems.Add(f.Row, "geometry", $"境界はポリゴンでなければなりません（{g.GeometryType}）。");
                continue;
            }
            parts.Add(g);
        }
        _boundary = GeometryChecks.UnionPolygons(parts);
        if (_boundary is null && !Problems.Any)
        {
            Problems.Add(null, "geometry", "境界のポリゴンがありません。");
        }
    }

    public override async Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct)
    {
        var municipality = await db.Municipalities.FirstAsync(m => m.Code == Context.MunicipalityCode, ct);
        if (municipality.Boundary is not null && !Request.Replace && Context.Municipality is not null)
        {
            throw new ImportException(Problems.File, null, null,
                $"市区町村 {municipality.Code} には境界が既にあります。置き換えるときは --replace を指定してください。");
        }
        municipality.Boundary = _boundary;
        municipality.DatasetId = dataset.Id;
        if (_prefecture is not null)
        {
            municipality.Prefecture ??= _prefecture;
        }
        FeatureCount = 1;
        return new() { ["municipalities"] = 1 };
    }
}
