using System.Text.Json;
using FukushiMap.Server.Infrastructure;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace FukushiMap.Server.Siting;

/// <summary>Reads the user's candidate places and exclusion areas from GeoJSON (lon/lat; JGD2011 and WGS 84 taken as the same).</summary>
public static class SitingGeoJson
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new GeoJsonConverterFactory() } };

    /// <summary>Points (or MultiPoints) of a FeatureCollection, Feature or geometry; the name from <c>name</c> or <c>名称</c>.</summary>
    public static List<UserCandidate> ReadCandidates(string json)
    {
        var list = new List<UserCandidate>();
        foreach (var (geometry, attributes) in Read(json, "候補地"))
        {
            string? name = null;
            foreach (var key in new[] { "name", "名称", "title" })
            {
                if (attributes is not null && attributes.Exists(key) && attributes[key] is { } v) { name = v.ToString(); break; }
            }
            if (name is { Length: > 100 }) name = name[..100];
            var points = geometry switch
            {
                Point p => [p],
                MultiPoint mp => mp.Geometries.Cast<Point>().ToArray(),
                _ => throw FukushiMapError.Invalid("invalid-candidates", "候補地の GeoJSON は点（Point）で指定してください。"),
            };
            list.AddRange(points.Select(p => new UserCandidate(p.X, p.Y, name)));
        }
        return list;
    }

    /// <summary>Polygons (or MultiPolygons) of a FeatureCollection, Feature or geometry.</summary>
    public static List<Geometry> ReadExclusions(string json)
    {
        var list = new List<Geometry>();
        foreach (var (geometry, _) in Read(json, "除外する範囲"))
        {
            if (geometry is not (Polygon or MultiPolygon))
                throw FukushiMapError.Invalid("invalid-exclusion", "除外する範囲の GeoJSON は多角形（Polygon / MultiPolygon）で指定してください。");
            list.Add(geometry);
        }
        return list;
    }

    private static IEnumerable<(Geometry Geometry, IAttributesTable? Attributes)> Read(string json, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw FukushiMapError.Invalid("invalid-geojson", $"{what}の GeoJSON を読めません。");
        }
        using (document)
        {
            var type = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            try
            {
                switch (type)
                {
                    case "FeatureCollection":
                        var collection = document.RootElement.Deserialize<FeatureCollection>(Options)!;
                        return collection.Where(f => f.Geometry is not null).Select(f => (f.Geometry, (IAttributesTable?)f.Attributes)).ToList();
                    case "Feature":
                        var feature = document.RootElement.Deserialize<IFeature>(Options)!;
                        return feature.Geometry is null ? [] : [(feature.Geometry, feature.Attributes)];
                    case null:
                        throw FukushiMapError.Invalid("invalid-geojson", $"{what}の GeoJSON に type がありません。");
                    default:
                        return [(document.RootElement.Deserialize<Geometry>(Options)!, null)];
                }
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
                throw FukushiMapError.Invalid("invalid-geojson", $"{what}の GeoJSON を読めません。");
            }
        }
    }
}
