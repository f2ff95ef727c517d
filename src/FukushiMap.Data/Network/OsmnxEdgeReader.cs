using System.Globalization;
using System.Text.Json;
using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Network;

/// <summary>
/// Reads an osmnx-style edge GeoJSON (properties <c>u</c>, <c>v</c>, <c>length</c> in metres, <c>highway</c>, <c>name</c>, <c>osmid</c>)
/// and, optionally, a node CSV (<c>osm_node_id,lon,lat</c>). Each row's length is its cost in its direction; the two rows of a
/// two-way street become one edge (see <see cref="PairTwins"/>); parallel streets keep their own lengths. Node positions come
/// from the CSV when given (edge end points disagree for a few osmnx edges).
/// </summary>
public static class OsmnxEdgeReader
{
    /// <summary>Largest file accepted (bytes).</summary>
    public const long MaxFileBytes = 1L << 30;

    public static NetworkData Read(string edgesPath, string? nodesPath, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var data = new NetworkData { Format = "osmnx-geojson" };
        if (!File.Exists(edgesPath))
        {
            data.Problems.Add(new(edgesPath, null, null, "ファイルが見つかりません。"));
            return data;
        }
        if (new FileInfo(edgesPath).Length > MaxFileBytes)
        {
            data.Problems.Add(new(edgesPath, null, null, $"ファイルが大きすぎます（上限 {MaxFileBytes / (1 << 20)} MB）。"));
            return data;
        }
        if (nodesPath is not null)
        {
            ReadNodes(nodesPath, data);
        }
        var declaredNodes = nodesPath is not null;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(edgesPath), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            data.Problems.Add(new(edgesPath, e.LineNumber + 1, null,
                FileSignature.NotWhatWasExpected(edgesPath, FileSignature.Format.GeoJson) ?? $"GeoJSON として読めません: {FileSignature.JsonReason(e)}"));
            return data;
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                data.Problems.Add(new(edgesPath, null, "features", "FeatureCollection ではありません。"));
                return data;
            }
            var row = 0;
            var total = features.GetArrayLength();
            foreach (var f in features.EnumerateArray())
            {
                row++;
                if (row % 5000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report($"道路 {row:N0} / {total:N0} 本を読み込み中…");
                }
                ReadEdge(edgesPath, row, f, data, declaredNodes);
                if (data.Problems.Count > 200)
                {
                    break;
                }
            }
        }
        if (data.Problems.Count == 0)
        {
            PairTwins(data);
        }
        return data;
    }

    /// <summary>
    /// osmnx stores a two-way street as two rows, u→v and v→u, over the same line. Each such pair becomes one edge with
    /// cost = the u→v row's length and reverse_cost = the v→u row's length (pgRouting's convention); a row without a twin stays
    /// one-way (reverse_cost −1). Parallel streets between the same nodes are paired only with their own reversed line.
    /// </summary>
    private static void PairTwins(NetworkData data)
    {
        var edges = data.Edges;
        var byKey = new Dictionary<(long, long), List<int>>();
        for (var i = 0; i < edges.Count; i++)
        {
            var key = (edges[i].Source, edges[i].Target);
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }
            list.Add(i);
        }
        var used = new bool[edges.Count];
        var merged = new List<NetworkEdgeData>(edges.Count / 2 + 16);
        for (var i = 0; i < edges.Count; i++)
        {
            if (used[i])
            {
                continue;
            }
            used[i] = true;
            var e = edges[i];
            var twin = -1;
            if (e.Source != e.Target && byKey.TryGetValue((e.Target, e.Source), out var candidates))
            {
                foreach (var j in candidates)
                {
                    if (!used[j] && IsReverseOf(edges[j].Coordinates, e.Coordinates))
                    {
                        twin = j;
                        break;
                    }
                }
            }
            if (twin >= 0)
            {
                used[twin] = true;
                merged.Add(e with { ReverseCost = edges[twin].Cost });
            }
            else
            {
                merged.Add(e);
            }
        }
        edges.Clear();
        edges.AddRange(merged);
    }

    private static bool IsReverseOf(Coordinate[] a, Coordinate[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var k = 0; k < a.Length; k++)
        {
            if (!a[k].Equals2D(b[b.Length - 1 - k], 1e-9))
            {
                return false;
            }
        }
        return true;
    }

    private static void ReadNodes(string path, NetworkData data)
    {
        if (!File.Exists(path))
        {
            data.Problems.Add(new(path, null, null, "ファイルが見つかりません。"));
            return;
        }
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Trim('\uFEFF').Split(',');
        int id = Array.IndexOf(header ?? [], "osm_node_id"), lon = Array.IndexOf(header ?? [], "lon"), lat = Array.IndexOf(header ?? [], "lat");
        if (id < 0 || lon < 0 || lat < 0)
        {
            data.Problems.Add(new(path, 1, null, "見出し行に osm_node_id, lon, lat が必要です。"));
            return;
        }
        var row = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            row++;
            if (line.Length == 0)
            {
                continue;
            }
            var cells = line.Split(',');
            if (cells.Length <= Math.Max(id, Math.Max(lon, lat))
                || !long.TryParse(cells[id], NumberStyles.Integer, CultureInfo.InvariantCulture, out var nodeId)
                || !double.TryParse(cells[lon], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !double.TryParse(cells[lat], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            {
                data.Problems.Add(new(path, row, null, "ノードの id・経度・緯度を数値として読めません。"));
                continue;
            }
            if (!IsLonLat(x, y))
            {
                data.Problems.Add(new(path, row, "lon/lat", $"経度・緯度の範囲外です（{x}, {y}）。"));
                continue;
            }
            if (!data.Nodes.TryAdd(nodeId, new Coordinate(x, y)))
            {
                data.Problems.Add(new(path, row, "osm_node_id", $"ノード {nodeId} が二度出てきます。"));
            }
        }
    }

    private static void ReadEdge(string path, int row, JsonElement f, NetworkData data, bool declaredNodes)
    {
        if (!f.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            data.Problems.Add(new(path, row, "properties", "属性がありません。"));
            return;
        }
        if (!TryGetLong(p, "u", out var u) || !TryGetLong(p, "v", out var v))
        {
            data.Problems.Add(new(path, row, "u/v", "始点・終点のノード id（u, v）が整数ではありません。"));
            return;
        }
        if (!TryGetDouble(p, "length", out var length) || !double.IsFinite(length) || length < 0)
        {
            data.Problems.Add(new(path, row, "length", $"長さが正しくありません（{Raw(p, "length")}）。長さは 0 以上のメートルです。"));
            return;
        }
        var coords = ReadLine(f, out var geometryProblem);
        if (coords is null)
        {
            data.Problems.Add(new(path, row, "geometry", geometryProblem!));
            return;
        }
        if (declaredNodes)
        {
            var missing = new[] { u, v }.Where(n => !data.Nodes.ContainsKey(n)).ToList();
            if (missing.Count > 0)
            {
                data.Problems.Add(new(path, row, "u/v", $"ノード一覧にないノード {string.Join(", ", missing)} を参照しています。"));
                return;
            }
        }
        else
        {
            data.Nodes.TryAdd(u, coords[0].Copy());
            data.Nodes.TryAdd(v, coords[^1].Copy());
        }
        // Orient the line from u to v: a few osmnx edges store it v→u.
        var from = data.Nodes[u];
        if (coords[0].Distance(from) > coords[^1].Distance(from))
        {
            Array.Reverse(coords);
        }
        coords[0] = data.Nodes[u].Copy();
        coords[^1] = data.Nodes[v].Copy();
        data.Edges.Add(new NetworkEdgeData(u, v, length, -1, length, Text(p, "highway"), Text(p, "name"), Text(p, "osmid"), coords));
    }

    private static Coordinate[]? ReadLine(JsonElement f, out string? problem)
    {
        problem = null;
        if (!f.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object
            || !g.TryGetProperty("type", out var type) || !g.TryGetProperty("coordinates", out var c))
        {
            problem = "形状がありません。";
            return null;
        }
        var parts = new List<List<Coordinate>>();
        switch (type.GetString())
        {
            case "LineString":
                parts.Add(ReadPositions(c, ref problem));
                break;
            case "MultiLineString":
                foreach (var part in c.EnumerateArray())
                {
                    parts.Add(ReadPositions(part, ref problem));
                }
                break;
            default:
                problem = $"線ではありません（{type.GetString()}）。";
                return null;
        }
        if (problem is not null)
        {
            return null;
        }
        // A multi-part edge (cut by a clip) is joined in order: the walk follows its parts.
        var all = new List<Coordinate>();
        foreach (var part in parts)
        {
            foreach (var co in part)
            {
                if (all.Count == 0 || !all[^1].Equals2D(co))
                {
                    all.Add(co);
                }
            }
        }
        if (all.Count == 0)
        {
            problem = "線の点がありません。";
            return null;
        }
        if (all.Count == 1)
        {
            all.Add(all[0].Copy()); // a zero-length edge (both ends at one node) stays a valid line
        }
        return [.. all];
    }

    private static List<Coordinate> ReadPositions(JsonElement array, ref string? problem)
    {
        var list = new List<Coordinate>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            problem = "座標が配列ではありません。";
            return list;
        }
        foreach (var pos in array.EnumerateArray())
        {
            if (pos.ValueKind != JsonValueKind.Array || pos.GetArrayLength() < 2
                || !pos[0].TryGetDouble(out var x) || !pos[1].TryGetDouble(out var y) || !IsLonLat(x, y))
            {
                problem = "座標が経度・緯度の数値ではありません。";
                return list;
            }
            list.Add(new Coordinate(x, y));
        }
        return list;
    }

    internal static bool IsLonLat(double x, double y) =>
        double.IsFinite(x) && double.IsFinite(y) && x is >= -180 and <= 180 && y is >= -90 and <= 90;

    private static bool TryGetLong(JsonElement p, string name, out long value)
    {
        value = 0;
        if (!p.TryGetProperty(name, out var e))
        {
            return false;
        }
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool TryGetDouble(JsonElement p, string name, out double value)
    {
        value = double.NaN;
        if (!p.TryGetProperty(name, out var e))
        {
            return false;
        }
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var e) ? e.ValueKind switch
        {
            JsonValueKind.String when e.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        } : null;

    private static string Raw(JsonElement p, string name) => p.TryGetProperty(name, out var e) ? e.GetRawText() : "なし";
}
