using System.Net;
using System.Text;
using System.Text.Json;
using FukushiMap.Core.Geodesy;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>Reading the coverage API as a client would: CSV as Excel gets it, GeoJSON as a GIS gets it.</summary>
internal static class CoverageClient
{
    public const string Ube = "35202";

    /// <summary>A count as the pages write it: 169429 → "169,429".</summary>
    public static string N(long count) => count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The CSV's rows as column → text, after checking it opens in Excel (UTF-8 BOM, CRLF).</summary>
    public static List<Dictionary<string, string>> ParseCsv(byte[] bytes, out List<string> header)
    {
        Assert.True(bytes.Length > 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "CSV must start with the UTF-8 BOM");
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal));
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        header = Fields(lines[0]);
        var columns = header;
        return lines.Skip(1).Select(line =>
        {
            var fields = Fields(line);
            Assert.Equal(columns.Count, fields.Count);
            return columns.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }

    public static long Long(this Dictionary<string, string> row, string column) => long.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<byte[]> GetBytesAsync(HttpClient client, string url, string expectedType)
    {
        using var response = await client.GetAsync(url);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} → {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.StartsWith(expectedType, response.Content.Headers.ContentType!.ToString());
        return bytes;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url, string expectedType = "application/json")
    {
        var bytes = await GetBytesAsync(client, url, expectedType);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    /// <summary>A GeoJSON feature's geometry in the plane of 宇部市 (zone III), metres.</summary>
    public static Geometry PlaneGeometry(JsonElement feature)
    {
        var options = new JsonSerializerOptions { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };
        var geometry = JsonSerializer.Deserialize<Geometry>(feature.GetProperty("geometry").GetRawText(), options)!;
        return new PlaneProjector(PlaneRectangularZones.SridForMunicipality(Ube)).ToPlane(geometry);
    }
}
