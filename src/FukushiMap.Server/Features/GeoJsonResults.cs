using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Features;

/// <summary>
/// A page of features written as a GeoJSON FeatureCollection straight from the database reader to the response
/// (no intermediate list): OGC members first, features as they arrive, then numberReturned and the links.
/// </summary>
public sealed class FeatureCollectionResult(
    FeatureCatalog catalog,
    FeatureCollectionDefinition collection,
    ItemsRequest request,
    long numberMatched,
    IReadOnlyList<OgcLink> links) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var ct = httpContext.RequestAborted;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = OgcMediaTypes.GeoJson + "; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.BodyWriter, GeoJsonWriting.WriterOptions(httpContext));

        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteString("timeStamp", GeoJsonWriting.TimeStamp());
        writer.WriteNumber("numberMatched", numberMatched);
        writer.WriteStartArray("features");
        var returned = 0;
        await foreach (var row in catalog.ReadAsync(collection, request.Filter, request.Limit, request.Offset, ct))
        {
            GeoJsonWriting.WriteFeature(writer, row, links: null);
            returned++;
            if (writer.BytesPending > 32 * 1024)
            {
                await writer.FlushAsync(ct);
            }
        }
        writer.WriteEndArray();
        writer.WriteNumber("numberReturned", returned);
        GeoJsonWriting.WriteLinks(writer, links);
        writer.WriteEndObject();
        await writer.FlushAsync(ct);
    }
}

/// <summary>One feature as a GeoJSON Feature with self and collection links.</summary>
public sealed class FeatureResult(FeatureRow row, IReadOnlyList<OgcLink> links) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = OgcMediaTypes.GeoJson + "; charset=utf-8";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, GeoJsonWriting.WriterOptions(httpContext));
        GeoJsonWriting.WriteFeature(writer, row, links);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

internal static class GeoJsonWriting
{
    /// <summary>The same encoder as the rest of the API: Japanese stays readable, HTML-significant characters are escaped.</summary>
    public static JsonWriterOptions WriterOptions(HttpContext httpContext)
    {
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return new JsonWriterOptions { Encoder = json.Encoder, Indented = false };
    }

    public static string TimeStamp() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void WriteFeature(Utf8JsonWriter writer, FeatureRow row, IReadOnlyList<OgcLink>? links)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        switch (row.Id)
        {
            case int n:
                writer.WriteNumber("id", n);
                break;
            default:
                writer.WriteString("id", row.Id.ToString());
                break;
        }
        writer.WritePropertyName("geometry");
        if (row.GeometryJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            // ST_AsGeoJSON writes only numbers and type names: safe to pass through.
            writer.WriteRawValue(row.GeometryJson, skipInputValidation: true);
        }
        writer.WritePropertyName("properties");
        // Properties hold free text from the data; re-encode them with our encoder rather than pass PostgreSQL's JSON through.
        using (var properties = JsonDocument.Parse(row.PropertiesJson))
        {
            properties.RootElement.WriteTo(writer);
        }
        if (links is not null)
        {
            WriteLinks(writer, links);
        }
        writer.WriteEndObject();
    }

    public static void WriteLinks(Utf8JsonWriter writer, IReadOnlyList<OgcLink> links)
    {
        writer.WriteStartArray("links");
        foreach (var link in links)
        {
            writer.WriteStartObject();
            writer.WriteString("href", link.Href);
            writer.WriteString("rel", link.Rel);
            if (link.Type is not null)
            {
                writer.WriteString("type", link.Type);
            }
            if (link.Title is not null)
            {
                writer.WriteString("title", link.Title);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
