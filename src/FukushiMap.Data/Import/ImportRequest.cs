using System.Text.Json.Serialization;

namespace FukushiMap.Data.Import;

/// <summary>What a file holds, and so which table it fills.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImportKind>))]
public enum ImportKind
{
    /// <summary>Municipality boundary (polygons; N03 files are filtered to the municipality's code).</summary>
    Boundary,

    /// <summary>Drop-in hubs of one hub type (points).</summary>
    Hubs,

    /// <summary>District polygons of one layer (小学校区, 中学校区 …).</summary>
    Districts,

    /// <summary>Population per 町丁・字 (e-Stat 小地域; points or polygons).</summary>
    Population,

    /// <summary>Designated shelters (指定避難所, 指定緊急避難場所, 国土数値情報 P20).</summary>
    Shelters,

    /// <summary>
    /// Existing facilities of one category that could host a hub (介護サービス事業所 …): offered as candidate sites by
    /// siting, never counted as hubs (points).
    /// </summary>
    Facilities,
}

/// <summary>The credit and provenance of an imported file, stored as a <see cref="Entities.Dataset"/>.</summary>
public sealed record DatasetInfo
{
    /// <summary>Stable key; when null one is made from the kind, municipality and the file's SHA-256.</summary>
    public string? Key { get; init; }
    public string? Title { get; init; }
    public string? Publisher { get; init; }
    public string? Licence { get; init; }
    public string? Vintage { get; init; }
    public string? Attribution { get; init; }
}

/// <summary>
/// One import: which file, into what, for which municipality, and how to read it. The CLI builds it from
/// its arguments; the reference manifest (gis-data/reference/reference-data.json) holds one per dataset.
/// </summary>
public sealed record ImportRequest
{
    public required ImportKind Kind { get; init; }

    /// <summary>Path of the file; relative paths in the manifest are relative to the data folder.</summary>
    public required string File { get; init; }

    /// <summary>Five-digit JIS X 0402 code of the municipality the rows belong to.</summary>
    public required string Municipality { get; init; }

    /// <summary>Name of the municipality, used when its row does not exist yet (e.g. 札幌市).</summary>
    public string? MunicipalityName { get; init; }

    /// <summary>Prefecture name for a new municipality row.</summary>
    public string? Prefecture { get; init; }

    /// <summary>geojson, shapefile, dbf, estat-dbf, csv; null = from the file name.</summary>
    public string? Format { get; init; }

    /// <summary>Text encoding for DBF/CSV (utf-8, cp932/shift_jis); null = .cpg, else detected.</summary>
    public string? Encoding { get; init; }

    /// <summary>EPSG code of the coordinates, overriding .prj / GeoJSON crs.</summary>
    public int? Crs { get; init; }

    /// <summary>Repair invalid polygons (MakeValid) instead of refusing them; each repair is reported.</summary>
    public bool Repair { get; init; }

    /// <summary>Hub type key or name (hubs).</summary>
    public string? HubType { get; init; }

    /// <summary>District layer key, e.g. <c>elementary</c> (districts).</summary>
    public string? LayerKey { get; init; }

    /// <summary>District layer kind in Japanese, e.g. 小学校区 (districts).</summary>
    public string? LayerKind { get; init; }

    /// <summary>District layer display name; defaults to the kind.</summary>
    public string? LayerName { get; init; }

    /// <summary>Facility category key, e.g. <c>care-service</c> (facilities).</summary>
    public string? FacilityCategory { get; init; }

    /// <summary>Shelter kind (指定避難所 / 指定緊急避難場所 …) when the file does not say.</summary>
    public string? ShelterKind { get; init; }

    /// <summary>
    /// Attribute holding each feature's five-digit municipality code: features of other municipalities are left out, so one
    /// file may cover several cities (e.g. gsi-derived-district-hubs' <c>city_code</c>).
    /// </summary>
    public string? MunicipalityField { get; init; }

    /// <summary>Attribute holding the feature's name, when not one of the known schemas' fields.</summary>
    public string? NameField { get; init; }

    /// <summary>Attribute holding the feature's code / source id; <c>name</c> uses the name as code.</summary>
    public string? CodeField { get; init; }

    /// <summary>Attribute holding the address.</summary>
    public string? AddressField { get; init; }

    /// <summary>CSV longitude column (default: lon, lng, longitude, 経度, x).</summary>
    public string? LonField { get; init; }

    /// <summary>CSV latitude column (default: lat, latitude, 緯度, y).</summary>
    public string? LatField { get; init; }

    /// <summary>Functions given to every hub without its own (e.g. 相談, 居場所).</summary>
    public List<string> Functions { get; init; } = [];

    /// <summary>Target groups given to every hub without its own (e.g. 誰でも).</summary>
    public List<string> TargetGroups { get; init; } = [];

    /// <summary>Operator given to every hub without its own.</summary>
    public string? Operator { get; init; }

    /// <summary>When the municipality has no boundary, set it to the union of the imported districts.</summary>
    public bool BoundaryFromDistricts { get; init; }

    /// <summary>Replace the rows of an earlier import with the same dataset key instead of skipping.</summary>
    public bool Replace { get; init; }

    public DatasetInfo Dataset { get; init; } = new();

    /// <summary>Limits of the checks; a manifest entry may widen one for a known quirk of its file (stated in its assumptions).</summary>
    public ImportLimits Limits { get; init; } = ImportLimits.Default;
}

/// <summary>What an import did.</summary>
/// <param name="DatasetKey">Key of the dataset the rows belong to.</param>
/// <param name="Skipped">True when the dataset was there already and nothing was written.</param>
/// <param name="Written">Rows written, by table name.</param>
/// <param name="Notes">What the importer decided on the way (encoding, CRS, repairs, filtered rows), in Japanese.</param>
public sealed record ImportResult(string DatasetKey, bool Skipped, IReadOnlyDictionary<string, int> Written, IReadOnlyList<string> Notes);
