using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Reads a GeoJSON FeatureCollection (RFC 7946; the older <c>crs</c> member is honoured when present, e.g.
/// CRS84 or EPSG:6669–6687). Geometries are built by hand from the JSON so that the vertex cap is checked
/// before a large geometry is built, and each malformed feature becomes a problem with its number.
/// </summary>
public static class GeoJsonReader
{
    /// <summary>Reads <paramref name="bytes"/> (the file's content) into features.</summary>
    public static FeatureFile Read(ReadOnlyMemory<byte> bytes, string fileName, ImportLimits limits, ProblemList problems, int? crsOverride = null,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw problems.Fatal(e.LineNumber is { } l ? (int)l + 1 : null, null,
                FileSignature.NotWhatWasExpected(bytes.Span, fileName, FileSignature.Format.GeoJson) ?? $"GeoJSON として読めません: {FileSignature.JsonReason(e)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw problems.Fatal(null, null, "GeoJSON の最上位がオブジェクトではありません。");
            }
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "unavailable")
            {
                // jp-shelter-api's marker for a municipality that publishes no data.
                var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
                throw problems.Fatal(null, null, $"データが公開されていないことを示すファイルです: {message}");
            }
            var crs = crsOverride ?? ReadCrs(root, problems) ?? Crs.Jgd2011;
            var features = new List<SourceFeature>();
            var fieldNames = new List<string>();
            var seenFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var factory = Crs.FactoryFor(crs);

            IEnumerable<JsonElement> items = type switch
            {
                "FeatureCollection" when root.TryGetProperty("features", out var fs) && fs.ValueKind == JsonValueKind.Array => fs.EnumerateArray(),
                "FeatureCollection" => throw problems.Fatal(null, "features", "FeatureCollection に features 配列がありません。"),
                "Feature" => [root],
                _ => throw problems.Fatal(null, "type", $"FeatureCollection ではありません（type = {type ?? "なし"}）。"),
            };

            var row = 0;
            foreach (var item in items)
            {
                ct.ThrowIfCancellationRequested();
                row++;
                if (row > limits.MaxFeatures)
                {
                    throw problems.Fatal(row, null, $"地物が多すぎます（上限 {limits.MaxFeatures:N0} 件）。");
                }
                if (row % 10_000 == 0)
                {
                    progress?.Report(new ImportProgress(0, 0, $"{fileName}: {row:N0} 件を読み込み中…"));
                }
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(row, null, "Feature がオブジェクトではありません。");
                    continue;
                }
                var attributes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                if (item.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in props.EnumerateObject())
                    {
                        attributes[p.Name] = ValueText(p.Value);
                        if (seenFields.Add(p.Name))
                        {
                            fieldNames.Add(p.Name);
                        }
                    }
                }
                Geometry? geometry = null;
                if (item.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object)
                {
                    var before = problems.Items.Count;
                    geometry = new GeometryBuilder(factory, limits.MaxVerticesPerGeometry, problems, row).Build(g);
                    if (problems.Items.Count > before)
                    {
                        continue; // the feature's problem is reported; do not report it again as "no geometry"
                    }
                }
                features.Add(new SourceFeature(row, geometry, attributes));
            }
            return new FeatureFile { FileName = fileName, Crs = crs, Features = features, FieldNames = fieldNames };
        }
    }

    private static string? ValueText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    private static int? ReadCrs(JsonElement root, ProblemList problems)
    {
        if (!root.TryGetProperty("crs", out var crs) || crs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (crs.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
        {
            var name = n.GetString()!;
            if (Crs.FromName(name) is { } srid)
            {
                return srid;
            }
            throw problems.Fatal(null, "crs", $"座標参照系「{name}」に対応していません（経緯度 JGD2011/JGD2000/WGS84 か平面直角座標系のみ）。--crs で指定できます。");
        }
        return null;
    }

    /// <summary>Builds NTS geometries from GeoJSON geometry objects, counting vertices before allocating.</summary>
    private sealed class GeometryBuilder(GeometryFactory factory, int maxVertices, ProblemList problems, int row)
    {
        private bool _failed;

        public Geometry? Build(JsonElement g)
        {
            var type = g.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "GeometryCollection")
            {
                if (!g.TryGetProperty("geometries", out var gs) || gs.ValueKind != JsonValueKind.Array)
                {
                    return Fail("GeometryCollection に geometries 配列がありません。");
                }
                var parts = gs.EnumerateArray().Select(Build).ToList();
                return _failed ? null : factory.CreateGeometryCollection(parts.ToArray()!);
            }
            if (!g.TryGetProperty("coordinates", out var c) || c.ValueKind != JsonValueKind.Array)
            {
                return Fail($"ジオメトリ（{type ?? "type なし"}）に coordinates 配列がありません。");
            }
            var depth = type switch
            {
                "Point" => 0,
                "MultiPoint" or "LineString" => 1,
                "MultiLineString" or "Polygon" => 2,
                "MultiPolygon" => 3,
                _ => -1,
            };
            if (depth < 0)
            {
                return Fail($"ジオメトリの種類「{type}」に対応していません。");
            }
            var vertices = CountVertices(c, depth);
            if (vertices < 0)
            {
                return Fail($"{type} の coordinates の入れ子が正しくありません。");
            }
            if (vertices > maxVertices)
            {
                return Fail($"頂点が多すぎます（{vertices:N0} 個、上限 {maxVertices:N0} 個）。");
            }
            try
            {
                Geometry? result = type switch
                {
                    "Point" => factory.CreatePoint(Position(c)),
                    "MultiPoint" => factory.CreateMultiPointFromCoords(Positions(c)),
                    "LineString" => factory.CreateLineString(Positions(c)),
                    "MultiLineString" => factory.CreateMultiLineString(c.EnumerateArray().Select(l => factory.CreateLineString(Positions(l))).ToArray()),
                    "Polygon" => Polygon(c),
                    _ => factory.CreateMultiPolygon(c.EnumerateArray().Select(Polygon).ToArray()),
                };
                return _failed ? null : result;
            }
            catch (ArgumentException e)
            {
                // NTS refuses e.g. a ring that is not closed or has fewer than four points.
                return Fail($"{type} を組み立てられません: {JapaneseReason(e.Message)}");
            }
        }

        private Polygon Polygon(JsonElement rings)
        {
            var list = rings.EnumerateArray().Select(r => factory.CreateLinearRing(Positions(r))).ToList();
            if (list.Count == 0)
            {
                return factory.CreatePolygon();
            }
            return factory.CreatePolygon(list[0], list.Skip(1).ToArray());
        }

        private Coordinate[] Positions(JsonElement array)
        {
            var coords = new Coordinate[array.GetArrayLength()];
            var i = 0;
            foreach (var p in array.EnumerateArray())
            {
                coords[i++] = Position(p);
            }
            return coords;
        }

        private Coordinate Position(JsonElement p)
        {
            if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() < 2)
            {
                Fail("座標が [経度, 緯度] の配列になっていません。");
                return new Coordinate(0, 0);
            }
            var x = Number(p[0]);
            var y = Number(p[1]);
            return new Coordinate(x, y);
        }

        private double Number(JsonElement v)
        {
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
            {
                return d;
            }
            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            {
                Fail(double.IsFinite(s) ? $"座標が数値ではなく文字列です（\"{v.GetString()}\"）。" : $"座標が有限の数ではありません（{v.GetString()}）。");
                return 0;
            }
            Fail($"座標が数値ではありません（{v.GetRawText()}）。");
            return 0;
        }

        /// <summary>Vertices under a coordinates array nested <paramref name="depth"/> deep, or -1 if malformed.</summary>
        private static int CountVertices(JsonElement c, int depth)
        {
            if (depth == 0)
            {
                return c.ValueKind == JsonValueKind.Array ? 1 : -1;
            }
            if (depth == 1)
            {
                return c.ValueKind == JsonValueKind.Array ? c.GetArrayLength() : -1;
            }
            long total = 0;
            foreach (var child in c.EnumerateArray())
            {
                if (child.ValueKind != JsonValueKind.Array)
                {
                    return -1;
                }
                var n = CountVertices(child, depth - 1);
                if (n < 0)
                {
                    return -1;
                }
                total += n;
                if (total > int.MaxValue / 2)
                {
                    break;
                }
            }
            return (int)Math.Min(total, int.MaxValue / 2);
        }

        private Geometry? Fail(string reason)
        {
            if (!_failed)
            {
                _failed = true;
                problems.Add(row, "geometry", reason);
            }
            return null;
        }
    }

    /// <summary>A Japanese reason for NetTopologySuite refusing to build a geometry; its English text never reaches the user.</summary>
    internal static string JapaneseReason(string ntsMessage) =>
        ntsMessage.Contains("closed linestring", StringComparison.OrdinalIgnoreCase) ? "リングが閉じていません（始点と終点が違う）。"
        : ntsMessage.Contains("Invalid number of points", StringComparison.OrdinalIgnoreCase) ? "リングまたは線の点の数が足りません。"
        : "座標の並びから図形を組み立てられません（線は 2 点以上、リングは始点と終点が同じ 4 点以上が必要です）。";
}
