namespace FukushiMap.Data.Entities;

/// <summary>
/// Where a set of rows came from. Every imported row points at its dataset, so a map or export can
/// always show the right credit line (attribution is part of the product).
/// </summary>
public class Dataset
{
    public int Id { get; set; }

    /// <summary>Stable key, e.g. <c>estat-2015-chome-35202</c>. Re-importing the same key replaces nothing silently: see the importer.</summary>
    public required string Key { get; set; }

    public required string Title { get; set; }
    public required string Publisher { get; set; }
    public required string Licence { get; set; }

    /// <summary>Vintage of the data (e.g. 「2015年国勢調査」, 「2021-01-01」).</summary>
    public string? Vintage { get; set; }

    /// <summary>The credit line to print wherever the data is shown.</summary>
    public required string Attribution { get; set; }

    /// <summary>File name or path the rows were read from.</summary>
    public string? Source { get; set; }

    /// <summary>SHA-256 of the imported file(s); a second import of identical bytes is skipped.</summary>
    public string? ContentSha256 { get; set; }

    public int FeatureCount { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
}
