using System.Text.Json.Serialization;

namespace FukushiMap.Server.Features;

/// <summary>Media types of OGC API – Features responses.</summary>
public static class OgcMediaTypes
{
    public const string Json = "application/json";
    public const string GeoJson = "application/geo+json";
    public const string Html = "text/html";
    public const string OpenApi30 = "application/vnd.oai.openapi+json;version=3.0";
    public const string ProblemJson = "application/problem+json";
}

/// <summary>The URIs an OGC API document refers to.</summary>
public static class OgcUris
{
    public const string Core = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core";
    public const string GeoJson = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson";
    public const string Oas30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30";

    /// <summary>WGS 84 / JGD2011 longitude–latitude order: the only CRS of Part 1.</summary>
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    /// <summary>JGD2011 geographic (lon/lat as stored in PostGIS, SRID 6668).</summary>
    public const string Jgd2011 = "http://www.opengis.net/def/crs/EPSG/0/6668";
}

/// <summary>A link of an OGC API document (RFC 8288 in JSON).</summary>
public sealed record OgcLink(
    string Href,
    string Rel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null);

/// <summary>The landing page: what the API offers and where to find it.</summary>
public sealed record LandingPage(
    string Title,
    string Description,
    IReadOnlyList<OgcLink> Links);

/// <summary>The conformance classes this API implements.</summary>
public sealed record ConformanceDeclaration(IReadOnlyList<string> ConformsTo);

/// <summary>The list of feature collections.</summary>
public sealed record CollectionList(IReadOnlyList<OgcLink> Links, IReadOnlyList<CollectionDocument> Collections);

/// <summary>One feature collection's metadata.</summary>
public sealed record CollectionDocument(
    string Id,
    string Title,
    string Description,
    IReadOnlyList<OgcLink> Links,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CollectionExtent? Extent,
    string ItemType,
    IReadOnlyList<string> Crs,
    string StorageCrs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Attribution,
    IReadOnlyList<string> Queryables);

/// <summary>Spatial extent of a collection.</summary>
public sealed record CollectionExtent(SpatialExtent Spatial);

/// <summary>Bounding boxes (lon/lat, CRS84) of a collection: one box, [minx, miny, maxx, maxy].</summary>
public sealed record SpatialExtent(IReadOnlyList<double[]> Bbox, string Crs);

/// <summary>OpenAPI shape of a GeoJSON feature collection (the response is written by <see cref="FeatureCollectionResult"/>).</summary>
public sealed record FeatureCollectionShape(
    string Type,
    string TimeStamp,
    long NumberMatched,
    int NumberReturned,
    IReadOnlyList<FeatureShape> Features,
    IReadOnlyList<OgcLink> Links);

/// <summary>OpenAPI shape of a GeoJSON feature.</summary>
public sealed record FeatureShape(
    string Type,
    object Id,
    GeometryShape? Geometry,
    Dictionary<string, object?> Properties,
    IReadOnlyList<OgcLink>? Links);

/// <summary>OpenAPI shape of a GeoJSON geometry (CRS84 lon/lat).</summary>
public sealed record GeometryShape(string Type, object Coordinates);
