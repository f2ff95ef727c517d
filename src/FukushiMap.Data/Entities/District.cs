using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>
/// A layer of districts of one kind in one municipality (小学校区, 中学校区, 日常生活圏域, 地区, 連合町会区域, 町丁 …).
/// </summary>
public class DistrictLayer
{
    public int Id { get; set; }

    /// <summary>Stable key, unique per municipality (e.g. <c>elementary</c>, <c>junior-high</c>).</summary>
    public required string Key { get; set; }

    public required string MunicipalityCode { get; set; }
    public Municipality? Municipality { get; set; }

    /// <summary>Kind in Japanese: 小学校区, 中学校区, 日常生活圏域, 地区, 連合町会区域, 町丁 …</summary>
    public required string Kind { get; set; }

    public required string Name { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }

    public List<District> Districts { get; set; } = [];
}

/// <summary>One district polygon of a layer.</summary>
public class District
{
    public int Id { get; set; }

    public int LayerId { get; set; }
    public DistrictLayer? Layer { get; set; }

    public required string MunicipalityCode { get; set; }

    /// <summary>The district's own code (学校コード, KEY_CODE …) when the source has one.</summary>
    public string? Code { get; set; }

    public required string Name { get; set; }

    /// <summary>Address of the school or office that names the district, when given.</summary>
    public string? Address { get; set; }

    /// <summary>Polygon, JGD2011 lon/lat (SRID 6668).</summary>
    public required MultiPolygon Geometry { get; set; }

    /// <summary>Area in m², measured in the municipality's plane zone at import.</summary>
    public double AreaSquareMetres { get; set; }
}
