using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// District polygons of one layer (小学校区, 中学校区, 日常生活圏域 …). Knows 国土数値情報 A27 (小学校区) and A32
/// (中学校区) in both attribute layouts: the current one (A27_001/A32_001 行政区域コード, _002 設置主体, _003 学校コード,
/// _004 名称, _005 所在地) and the old A27 one (A27_005 行政区域コード, A27_006 設置主体, A27_007 名称, A27_008 所在地).
/// Note that the 行政区域コード of a designated city's school is its ward (01101 …), not the city (01100).
/// Features with the same code (or name, when there is no code) are one district of several parts.
/// </summary>
internal sealed class DistrictImporter(KindContext context) : KindImporter(context)
{
    private readonly List<District> _districts = [];
    private string _layerKey = "";
    private string _layerKind = "";

    public override async Task PrepareAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Request.LayerKey) || string.IsNullOrWhiteSpace(Request.LayerKind))
        {
            throw Problems.Fatal(null, null, "区域のレイヤーを --layer-key（例: elementary）と --kind（例: 小学校区）で指定してください。");
        }
        _layerKey = Request.LayerKey.Trim();
        _layerKind = Request.LayerKind.Trim();
        var existing = await db.DistrictLayers.AsNoTracking()
            .AnyAsync(l => l.MunicipalityCode == Context.MunicipalityCode && l.Key == _layerKey, ct);
        if (existing && !Request.Replace)
        {
            throw Problems.Fatal(null, null, $"レイヤー「{_layerKey}」は市区町村 {Context.MunicipalityCode} に既にあります。置き換えるときは --replace を指定してください。");
        }
    }

    public override void Map()
    {
        var fields = Context.File.FieldNames;
        bool Has(string f) => fields.Contains(f, StringComparer.OrdinalIgnoreCase);
        var newA27 = Has("A27_001") && Has("A27_004");
        var newA32 = Has("A32_004") && Has("A32_005");
        var nameField = Field(Request.NameField, newA27 ? ["A27_004", "name", "名称"] : newA32 ? ["A32_004", "name", "名称"]
            : ["name", "名称", "NAME", "A27_007", "学校名", "区域名"]);
        Use("name", nameField);
        if (nameField is null)
        {
            throw Problems.Fatal(null, null, $"名前の項目が見つかりません。--name-field で指定してください（ある項目: {string.Join(", ", fields)}）。");
        }
        var codeFromName = string.Equals(Request.CodeField, "name", StringComparison.OrdinalIgnoreCase);
        var codeField = codeFromName ? null : Use("code", Field(Request.CodeField, newA27 ? ["A27_003"] : newA32 ? ["A32_003"] : ["code", "コード", "KEY_CODE"]));
        var addressField = Use("address", Field(Request.AddressField, newA27 ? ["A27_005"] : newA32 ? ["A32_005"] : ["address", "所在地", "住所", "A27_008"]));

        var groups = new Dictionary<string, (string Name, string? Code, string? Address, List<Geometry> Parts, int Row)>();
        foreach (var f in Context.File.Features)
        {
            var name = f.Get(nameField);
            if (name is null)
            {
                Problems.Add(f.Row, nameField, "名前が空です。");
                continue;
            }
            var g = Context.CheckedGeometry(f);
            if (g is null)
            {
                continue;
            }
            if (g is not (Polygon or MultiPolygon))
            {
                Problems.Add(f.Row, "geometry", $"区域はポリゴンでなければなりません（{g.GeometryType}）。");
                continue;
            }
            var code = codeField is null ? name : f.Get(codeField) ?? name;
            if (!groups.TryGetValue(code, out var group))
            {
                group = (name, code, addressField is null ? null : f.Get(addressField), [], f.Row);
                groups[code] = group;
            }
            else if (group.Name != name)
            {
                Problems.Add(f.Row, codeField, $"コード「{code}」が別の名前（{group.Name} と {name}）に使われています。");
                continue;
            }
            group.Parts.Add(g);
        }
        var projector = Formats.Crs.Projector(Context.PlaneSrid);
        foreach (var (code, group) in groups)
        {
            var geometry = GeometryChecks.UnionPolygons(group.Parts);
            if (geometry is null)
            {
                continue;
            }
            if (group.Parts.Count > 1)
            {
                Notes.Add($"「{group.Name}」は {group.Parts.Count} つのポリゴンからなるので 1 区域にまとめました。");
            }
            _districts.Add(new District
            {
                MunicipalityCode = Context.MunicipalityCode,
                Code = code,
                Name = group.Name,
                Address = group.Address,
                Geometry = geometry,
                AreaSquareMetres = projector.AreaSquareMetres(geometry),
            });
            Preview.Add(new PreviewFeature(group.Row, group.Name, geometry));
        }
        Notes.Add($"レイヤー「{_layerKey}」（{_layerKind}）: 名前 {nameField}、コード {(codeField ?? "名前")}、住所 {addressField ?? "なし"}、面積は EPSG:{Context.PlaneSrid} で計算。");
    }

    public override async Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct)
    {
        // --replace may have deleted the layer with its old dataset already; look again inside the transaction.
        var layer = await db.DistrictLayers.FirstOrDefaultAsync(l => l.MunicipalityCode == Context.MunicipalityCode && l.Key == _layerKey, ct);
        if (layer is not null)
        {
            await db.Districts.Where(d => d.LayerId == layer.Id).ExecuteDeleteAsync(ct);
            layer.Kind = _layerKind;
            layer.Name = Request.LayerName ?? _layerKind;
            layer.DatasetId = dataset.Id;
        }
        else
        {
            layer = new DistrictLayer
            {
                Key = _layerKey,
                MunicipalityCode = Context.MunicipalityCode,
                Kind = _layerKind,
                Name = Request.LayerName ?? _layerKind,
                DatasetId = dataset.Id,
            };
            db.DistrictLayers.Add(layer);
        }
        layer.Districts.AddRange(_districts);
        var written = new Dictionary<string, int> { ["district_layers"] = 1, ["districts"] = _districts.Count };
        FeatureCount = _districts.Count;

        if (Request.BoundaryFromDistricts)
        {
            var municipality = await db.Municipalities.FirstAsync(m => m.Code == Context.MunicipalityCode, ct);
            if (municipality.Boundary is null)
            {
                municipality.Boundary = GeometryChecks.UnionPolygons(_districts.Select(d => (Geometry)d.Geometry));
                municipality.DatasetId ??= dataset.Id;
                Notes.Add($"市区町村 {municipality.Code} に境界がないため、{_districts.Count} 区域の和を境界にしました。");
                written["municipalities"] = 1;
            }
        }
        return written;
    }
}
