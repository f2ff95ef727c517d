using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;

namespace FukushiMap.Data.Import;

/// <summary>
/// The checks every imported geometry passes: finite coordinates, inside Japan (and not with longitude and
/// latitude swapped), valid (or repaired when asked), and near the municipality when it has a boundary.
/// </summary>
public sealed class GeometryChecks
{
    private const double MinLon = JapanBounds.MinLon, MaxLon = JapanBounds.MaxLon, MinLat = JapanBounds.MinLat, MaxLat = JapanBounds.MaxLat;

    private readonly ProblemList _problems;
    private readonly bool _repair;
    private readonly IPreparedGeometry? _nearMunicipality;
    private readonly PlaneProjector _projector;
    private readonly double _bufferMetres;

    /// <param name="problems">Where problems go.</param>
    /// <param name="repair">Repair invalid polygons instead of refusing them.</param>
    /// <param name="boundary">The municipality boundary (lon/lat), or null to skip the proximity check.</param>
    /// <param name="planeSrid">The municipality's plane zone.</param>
    /// <param name="bufferMetres">How far outside the boundary a feature may lie.</param>
    public GeometryChecks(ProblemList problems, bool repair, MultiPolygon? boundary, int planeSrid, double bufferMetres)
    {
        _problems = problems;
        _repair = repair;
        _projector = Crs.Projector(planeSrid);
        _bufferMetres = bufferMetres;
        if (boundary is not null && !boundary.IsEmpty)
        {
            var zone = _projector.ToPlane(boundary).Buffer(bufferMetres);
            _nearMunicipality = PreparedGeometryFactory.Prepare(zone);
        }
    }

    /// <summary>Repairs made, in Japanese, one per repaired feature.</summary>
    public List<string> Repairs { get; } = [];

    /// <summary>
    /// Checks a lon/lat geometry (SRID 6668). Returns it (or its repair), or null after adding a problem.
    /// <paramref name="sourceWasGeographic"/> says whether the file gave lon/lat, so that a swap can be told apart.
    /// </summary>
    public Geometry? Check(Geometry geometry, int row, bool sourceWasGeographic, string field = "geometry")
    {
        if (geometry.IsEmpty)
        {
            _problems.Add(row, field, "ジオメトリが空です。");
            return null;
        }
        var coords = geometry.Coordinates;
        foreach (var c in coords)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
            {
                _problems.Add(row, field, "座標に NaN または無限大が含まれています。");
                return null;
            }
        }
        var outside = coords.FirstOrDefault(c => c.X < MinLon || c.X > MaxLon || c.Y < MinLat || c.Y > MaxLat);
        if (outside is not null)
        {
            var swapped = coords.All(c => c.Y >= MinLon && c.Y <= MaxLon && c.X >= MinLat && c.X <= MaxLat);
            _problems.Add(row, field, swapped && sourceWasGeographic
                ? $"経度と緯度が入れ替わっているようです（経度 {outside.X:0.#####}, 緯度 {outside.Y:0.#####}）。列の指定を確認してください。"
                : $"座標が日本の範囲外です（経度 {outside.X:0.#####}, 緯度 {outside.Y:0.#####}）。座標参照系（--crs）を確認してください。");
            return null;
        }
        if (geometry is Polygon or MultiPolygon or GeometryCollection && !geometry.IsValid)
        {
            var error = new IsValidOp(geometry).ValidationError;
            var reason = error is null ? "ジオメトリが不正です。" : $"{ValidationReason(error)}（経度 {error.Coordinate?.X:0.######}, 緯度 {error.Coordinate?.Y:0.######} 付近）";
            if (!_repair)
            {
                _problems.Add(row, field, $"{reason} --repair で修復して取り込めます。");
                return null;
            }
            var fixedGeometry = GeometryFixer.Fix(geometry);
            var polygonal = Polygonal(fixedGeometry);
            if (polygonal is null || polygonal.IsEmpty || !polygonal.IsValid)
            {
                _problems.Add(row, field, $"{reason} 修復もできませんでした。");
                return null;
            }
            var areaBefore = _projector.AreaSquareMetres(geometry.Buffer(0));
            Repairs.Add($"{row}件目: {reason} → 修復しました（面積 {_projector.AreaSquareMetres(polygonal):N0} m²、修復前の Buffer(0) で {areaBefore:N0} m²）。");
            geometry = polygonal;
            geometry.SRID = Crs.Jgd2011;
        }
        if (_nearMunicipality is not null && !_nearMunicipality.Intersects(_projector.ToPlane(geometry)))
        {
            _problems.Add(row, field, $"市区町村の境界から {_bufferMetres / 1000:0.#} km 以上離れています（市区町村コードか座標参照系を確認してください）。");
            return null;
        }
        return geometry;
    }

    /// <summary>The polygons of a geometry as one MultiPolygon (SRID 6668), or null when it has none.</summary>
    public static MultiPolygon? Polygonal(Geometry g)
    {
        var polygons = PolygonExtracter.GetPolygons(g).Cast<Polygon>().Where(p => !p.IsEmpty).ToArray();
        if (polygons.Length == 0)
        {
            return null;
        }
        var m = Crs.Storage.CreateMultiPolygon(polygons);
        m.SRID = Crs.Jgd2011;
        return m;
    }

    /// <summary>Union of polygons as one valid MultiPolygon (SRID 6668).</summary>
    public static MultiPolygon? UnionPolygons(IEnumerable<Geometry> parts)
    {
        var list = parts.ToList();
        if (list.Count == 0)
        {
            return null;
        }
        var union = list.Count == 1 ? list[0] : NetTopologySuite.Operation.Union.UnaryUnionOp.Union(list);
        return Polygonal(union);
    }

    private static string ValidationReason(TopologyValidationError e) => e.ErrorType switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection
            => "ポリゴンの辺が自己交差しています（蝶ネクタイ形など）。",
        TopologyValidationErrors.NestedShells => "ポリゴンの外周が別の外周の中にあります。",
        TopologyValidationErrors.NestedHoles => "ポリゴンの穴が別の穴の中にあります。",
        TopologyValidationErrors.HoleOutsideShell => "ポリゴンの穴が外周の外にあります。",
        TopologyValidationErrors.DisconnectedInteriors => "ポリゴンの内部が分断されています。",
        TopologyValidationErrors.TooFewPoints => "点の数が足りません。",
        TopologyValidationErrors.RingNotClosed => "リングが閉じていません。",
        TopologyValidationErrors.InvalidCoordinate => "座標が不正です。",
        _ => e.Coordinate is { } c
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ジオメトリが不正です（{c.X:0.######}, {c.Y:0.######} 付近）。")
            : "ジオメトリが不正です。",
    };
}
