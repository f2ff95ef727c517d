using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>A 市区町村, keyed by its five-digit JIS X 0402 code (e.g. 35202 宇部市).</summary>
public class Municipality
{
    /// <summary>JIS X 0402 code, five digits without the check digit.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }
    public string? Prefecture { get; set; }

    /// <summary>The 平面直角座標系 zone (EPSG:6669–6687) used for every length and area in this municipality.</summary>
    public int PlaneSrid { get; set; }

    /// <summary>Boundary, JGD2011 lon/lat (SRID 6668). Null until a boundary is imported.</summary>
    public MultiPolygon? Boundary { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
}
