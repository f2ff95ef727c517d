using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>
/// A census small area (町丁・字) with its population: the unit every coverage figure is counted in.
/// </summary>
public class PopulationUnit
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }

    /// <summary>e-Stat KEY_CODE (9 or 11 digits).</summary>
    public required string KeyCode { get; set; }

    /// <summary>町丁・字 name (e.g. 則貞２丁目).</summary>
    public required string Name { get; set; }

    public int Population { get; set; }
    public int? Households { get; set; }

    /// <summary>Area in m² as published (e-Stat AREA) or measured in the plane zone.</summary>
    public double? AreaSquareMetres { get; set; }

    /// <summary>Representative point, JGD2011 lon/lat (SRID 6668).</summary>
    public required Point Point { get; set; }

    /// <summary>Polygon when the source supplies one; otherwise null.</summary>
    public MultiPolygon? Polygon { get; set; }

    /// <summary>Population by age band when a source supplies it (0–14, 15–64, 65+, of which 75+).</summary>
    public int? Age0To14 { get; set; }
    public int? Age15To64 { get; set; }
    public int? Age65Plus { get; set; }
    public int? Age75Plus { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
}
