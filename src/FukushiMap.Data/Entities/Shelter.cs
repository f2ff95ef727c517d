using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>A designated shelter: 指定避難所 or 指定緊急避難場所 (its own layer, not a hub).</summary>
public class Shelter
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }

    public required string Name { get; set; }
    public string? Address { get; set; }

    /// <summary>指定避難所 or 指定緊急避難場所 (or the source's own wording, e.g. P20 避難場所).</summary>
    public required string Kind { get; set; }

    /// <summary>Hazards the site is designated for (洪水, 崖崩れ等, 高潮, 地震, 津波, 大規模な火事, 内水氾濫, 火山).</summary>
    public List<string> Hazards { get; set; } = [];

    public int? Capacity { get; set; }

    /// <summary>Location, JGD2011 lon/lat (SRID 6668).</summary>
    public required Point Location { get; set; }

    public string? SourceRef { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
}
