using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// One feature as read from a file, before it is checked and mapped to an entity.
/// </summary>
/// <param name="Row">1-based feature/record/line number in the file, for problems.</param>
/// <param name="Geometry">Geometry in the file's CRS (see <see cref="FeatureFile.Crs"/>), or null when the record has none.</param>
/// <param name="Attributes">Attribute name → value as text (numbers in invariant culture; null for empty/null).</param>
public sealed record SourceFeature(int Row, Geometry? Geometry, IReadOnlyDictionary<string, string?> Attributes)
{
    /// <summary>The first non-empty value among <paramref name="names"/> (case-insensitive names).</summary>
    public string? Get(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (Attributes.TryGetValue(n, out var v) && !string.IsNullOrWhiteSpace(v))
            {
                return v.Trim();
            }
        }
        return null;
    }

    /// <summary>The first of <paramref name="names"/> that the feature has as an attribute at all.</summary>
    public string? FieldNamed(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (Attributes.ContainsKey(n))
            {
                return n;
            }
        }
        return null;
    }
}

/// <summary>
/// A file read into features: its name for problems, its CRS (EPSG code), the features, and the text
/// encoding when the format has one.
/// </summary>
public sealed class FeatureFile
{
    public required string FileName { get; init; }

    /// <summary>EPSG code of the coordinates: 6668/4326/4612 (lon/lat) or a plane zone 6669–6687 / 2443–2461.</summary>
    public required int Crs { get; init; }

    public required IReadOnlyList<SourceFeature> Features { get; init; }

    /// <summary>Attribute names in file order.</summary>
    public IReadOnlyList<string> FieldNames { get; init; } = [];

    /// <summary>Text encoding used (for formats that have one), e.g. 「Shift_JIS (cp932)」.</summary>
    public string? EncodingName { get; init; }

    /// <summary>The table's line (CSV) or row (spreadsheet) of its header, 1 when it is the first; later when title lines were skipped.</summary>
    public int HeaderLine { get; init; } = 1;

    /// <summary>The SHA-256 (hex) of the bytes read.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A format-specific note, e.g. the .prj it recognised, for the CLI summary.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The same file with only the features that pass <paramref name="keep"/> (notes kept).</summary>
    public FeatureFile Where(Func<SourceFeature, bool> keep)
    {
        var kept = new FeatureFile
        {
            FileName = FileName, Crs = Crs, Features = Features.Where(keep).ToList(), FieldNames = FieldNames,
            EncodingName = EncodingName, Sha256 = Sha256, HeaderLine = HeaderLine,
        };
        kept.Notes.AddRange(Notes);
        return kept;
    }
}
