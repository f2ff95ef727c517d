namespace FukushiMap.Data.Entities;

/// <summary>
/// A kind of drop-in hub (なごみの家, 地域の縁側, ふれあいセンター …). Types are data: planners add their own.
/// A type may have a parent (地域の縁側 → 基本型/基幹型/特定型).
/// </summary>
public class HubType
{
    public int Id { get; set; }

    /// <summary>Stable machine key (e.g. <c>fureai-center</c>), used in URLs and the CLI.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }
    public string? Description { get; set; }

    public int? ParentId { get; set; }
    public HubType? Parent { get; set; }

    /// <summary>Bodies that staff a hub of this type together (まちづくりセンター's 三者).</summary>
    public List<string> Partners { get; set; } = [];

    /// <summary>Map symbol colour (#rrggbb) and shape (circle, square, diamond, triangle, star …).</summary>
    public string Color { get; set; } = "#1f77b4";
    public string Shape { get; set; } = "circle";

    /// <summary>True for the types the project ships with; planners' own types are false.</summary>
    public bool BuiltIn { get; set; }
}
