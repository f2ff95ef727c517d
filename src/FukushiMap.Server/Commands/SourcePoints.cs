using System.Globalization;
using System.Text.Json;

namespace FukushiMap.Server.Commands;

/// <summary>Reads source points (id, lon, lat) from a GeoJSON FeatureCollection of Points.</summary>
internal static class SourcePoints
{
    /// <summary>The id is the feature's <c>id</c>, else its <c>properties.id</c>, else its 1-based position.</summary>
    public static List<(string Id, double Lon, double Lat)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"起点のファイルが見つかりません: {path}");
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            throw new CliException($"{Path.GetFileName(path)} は GeoJSON の FeatureCollection ではありません。");
        }
        var list = new List<(string, double, double)>();
        var row = 0;
        foreach (var f in features.EnumerateArray())
        {
            row++;
            if (!f.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object
                || g.GetProperty("type").GetString() != "Point"
                || !g.TryGetProperty("coordinates", out var c) || c.GetArrayLength() < 2
                || !c[0].TryGetDouble(out var lon) || !c[1].TryGetDouble(out var lat)
                || !double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
            {
                throw new CliException($"{Path.GetFileName(path)} の {row} 番目の地物が経度・緯度の点ではありません。");
            }
            var id = f.TryGetProperty("id", out var fid) ? Text(fid)
                : f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("id", out var pid) ? Text(pid)
                : null;
            list.Add((id ?? row.ToString(CultureInfo.InvariantCulture), lon, lat));
        }
        return list;
    }

    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };
}
