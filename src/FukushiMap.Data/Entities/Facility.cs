using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>
/// An existing facility that could host a hub (a 介護サービス事業所, a 公民館 …): offered as a candidate site when siting
/// asks "which existing facility should host the next 相談窓口?". Not a hub: it is never drawn or counted as one.
/// </summary>
public class Facility
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }
    public Municipality? Municipality { get; set; }

    /// <summary>Category key the siting option names, e.g. <c>care-service</c> (介護サービス事業所).</summary>
    public required string Category { get; set; }

    public required string Name { get; set; }

    /// <summary>What the facility does, in the source's words (e.g. 居宅介護支援, 認知症対応型共同生活介護).</summary>
    public string? Kind { get; set; }

    public string? Address { get; set; }

    /// <summary>運営主体 (法人の名称).</summary>
    public string? Operator { get; set; }

    public string? Phone { get; set; }

    /// <summary>Location, JGD2011 lon/lat (SRID 6668).</summary>
    public required Point Location { get; set; }

    /// <summary>The facility's id in its source (e.g. 事業所番号).</summary>
    public string? SourceRef { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
}
