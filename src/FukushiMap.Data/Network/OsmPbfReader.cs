using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;
using OsmSharp.Tags;

namespace FukushiMap.Data.Network;

/// <summary>
/// Reads walkable ways from an OSM PBF file and splits them where ways share nodes, keeping OSM node ids.
/// Every edge is walkable both ways (cost = reverse_cost = length in metres, measured in a plane CS by the caller).
/// </summary>
/// <remarks>
/// Streams the file twice and never holds the whole of it. Pass 1 reads nodes then ways: with an <see cref="OsmClipArea"/> it keeps
/// the ids of the nodes inside the area (a sorted list of longs), then the walkable ways with any node among them (all walkable
/// ways without an area). Pass 2 reads nodes again, up to the first way, and keeps the coordinates of only the nodes those ways use.
/// What is held is the kept ways, their nodes, and the ids of the nodes inside the area; never the region's other nodes or ways.
/// Files must be sorted as OSM writes them (nodes before ways).
/// </remarks>
public static class OsmPbfReader
{
    /// <summary>Highway values a person can walk on.</summary>
    public static readonly IReadOnlySet<string> WalkableHighways = new HashSet<string>(StringComparer.Ordinal)
    {
        "footway", "path", "pedestrian", "steps", "living_street", "residential", "service", "unclassified",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "track", "road",
        "corridor", "bridleway", "crossing",
    };

    private static readonly HashSet<string> s_footAllowed = new(StringComparer.Ordinal) { "yes", "designated", "permissive" };
    private static readonly HashSet<string> s_noAccess = new(StringComparer.Ordinal) { "no", "private" };

    /// <summary>True when a way with these tags can be walked (motorway/trunk only with foot=yes; foot=no and access=private/no excluded).</summary>
    public static bool IsWalkable(TagsCollectionBase? tags)
    {
        if (tags is null || !tags.TryGetValue("highway", out var highway))
        {
            return false;
        }
        tags.TryGetValue("foot", out var foot);
        tags.TryGetValue("access", out var access);
        if (foot is not null && s_noAccess.Contains(foot))
        {
            return false;
        }
        var footExplicit = foot is not null && s_footAllowed.Contains(foot);
        if (access is not null && s_noAccess.Contains(access) && !footExplicit)
        {
            return false;
        }
        if (tags.TryGetValue("area", out var area) && area == "yes" && highway != "pedestrian")
        {
            return false;
        }
        return highway switch
        {
            "motorway" or "motorway_link" or "trunk" or "trunk_link" or "cycleway" => footExplicit,
            _ => WalkableHighways.Contains(highway),
        };
    }

    /// <summary>
    /// Reads the file, keeping the walkable ways with any node inside <paramref name="area"/> (every walkable way when null).
    /// Edge lengths and costs are left NaN: the caller measures them in the plane CS it chooses (<see cref="NetworkImporter"/> does).
    /// </summary>
    public static NetworkData Read(string path, OsmClipArea? area = null, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var data = new NetworkData { Format = "osm-pbf" };
        if (!File.Exists(path))
        {
            data.Problems.Add(new(path, null, null, "ファイルが見つかりません。"));
            return data;
        }
        if (FileSignature.NotWhatWasExpected(path, FileSignature.Format.Pbf) is { } other)
        {
            data.Problems.Add(new(path, null, null, other));
            return data;
        }
        if (!StartsLikePbf(path))
        {
            data.Problems.Add(new(path, null, null, "PBF（.osm.pbf）ファイルではありません（先頭が OSM PBF の形になっていません）。OpenStreetMap の .osm.pbf を指定してください。"));
            return data;
        }
        var scan = new Scan(area);
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var block in Blocks(path, "1/2 ノードと道路", progress, () => $"残す道路 {scan.Ways.Count:N0} 本", ct))
            {
                if (!scan.FirstPass(block))
                {
                    data.Problems.Add(new(path, null, null,
                        "ノードが道路より後ろにも並んでいます（並べ替えられていない PBF です）。osmium sort で並べ替えてから取り込んでください。"));
                    return data;
                }
            }
            Finished(progress, "1/2 ノードと道路", clock, $"残す道路 {scan.Ways.Count:N0} 本");
            if (scan.Elements == 0)
            {
                data.Problems.Add(new(path, null, null, "OSM の要素が一つもありません（PBF ではないか、空のファイルです）。"));
                return data;
            }
            if (area is not null && scan.InsideCount == 0)
            {
                data.Problems.Add(new(path, null, null, $"このファイルのノード（{scan.ExtentText}）は{area.Label} の範囲に一つもありません。" +
                    "その市区町村を含む地域のファイルか、市区町村コードを確かめてください。"));
                return data;
            }
            scan.PrepareSecondPass();
            clock.Restart();
            foreach (var block in Blocks(path, "2/2 残す道路のノード", progress, () => $"ノード {scan.NeededCount:N0} 個", ct))
            {
                if (!scan.SecondPass(block))
                {
                    break;
                }
            }
            Finished(progress, "2/2 残す道路のノード", clock, $"ノード {scan.NeededCount:N0} 個");
        }
        catch (NotSupportedException)
        {
            data.Problems.Add(new(path, scan.Elements + 1, null,
                "zlib 以外（lzma・zstd など）で圧縮された PBF には対応していません。osmium cat 入力.osm.pbf -o 出力.osm.pbf で変換してから取り込んでください。"));
            return data;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            data.Problems.Add(new(path, scan.Elements + 1, null,
                $"PBF ファイルが壊れているか途中で切れています（{scan.Elements:N0} 個目の要素のあとで読めなくなりました）。ダウンロードし直してください。"));
            return data;
        }
        var missing = scan.BuildEdges(data);
        if (missing > 0)
        {
            progress?.Report($"ファイルにないノード {missing:N0} 個を参照する区間は除きました。");
        }
        return data;
    }

    /// <summary>The first four bytes are a BlobHeader length the format allows (under 64 KB) and a header follows.</summary>
    private static bool StartsLikePbf(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4)
        {
            return stream.Length == 0;
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(head);
        return length is > 0 and < 64 * 1024 && length + 4 <= stream.Length;
    }

    /// <summary>The file's primitive blocks in order (one reused block), reporting the bytes read at most every two seconds.</summary>
    private static IEnumerable<PbfBlock> Blocks(string path, string pass, IProgress<string>? progress, Func<string> kept, CancellationToken ct)
    {
        using var reader = new PbfBlockReader(path);
        var block = new PbfBlock();
        var total = Math.Max(1, reader.Length);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (reader.Next(block))
        {
            ct.ThrowIfCancellationRequested();
            yield return block;
            if (progress is not null && clock.Elapsed - lastReport >= TimeSpan.FromSeconds(2))
            {
                lastReport = clock.Elapsed;
                progress.Report($"{pass}: {Megabytes(reader.Position)} / {Megabytes(total)} MB（{100.0 * reader.Position / total:0}%）、{kept()}");
            }
        }
    }

    private static void Finished(IProgress<string>? progress, string pass, Stopwatch clock, string kept) =>
        progress?.Report($"{pass}: 読み終わりました（{clock.Elapsed.TotalSeconds:0.0} 秒）、{kept}");

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private readonly record struct KeptWay(long Id, long[] Refs, string Highway, string? Name);

    /// <summary>The state of the two passes: compact lists of ids, never a map of the region's nodes.</summary>
    private sealed class Scan(OsmClipArea? area)
    {
        private readonly List<long> _inside = [];
        private bool _insideSorted = true;
        private bool _insideReady;
        private bool _seenWays;
        private readonly List<long> _neededList = [];
        private long[] _needed = [];
        private double[] _lon = [];
        private double[] _lat = [];
        private readonly Dictionary<string, string> _highways = new(StringComparer.Ordinal);
        private double _minLon = double.PositiveInfinity, _minLat = double.PositiveInfinity;
        private double _maxLon = double.NegativeInfinity, _maxLat = double.NegativeInfinity;

        public List<KeptWay> Ways { get; } = [];
        public long Elements { get; private set; }
        public int InsideCount => _inside.Count;
        public int NeededCount => _needed.Length;

        public string ExtentText => double.IsInfinity(_minLon)
            ? "座標なし"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"経度 {_minLon:0.###}〜{_maxLon:0.###}、緯度 {_minLat:0.###}〜{_maxLat:0.###}");

        /// <summary>Nodes: ids inside the area. Ways: the walkable ones touching it. False when a node follows a way.</summary>
        public bool FirstPass(PbfBlock block)
        {
            var nodes = block.ForEachNode(VisitInside);
            if (nodes > 0 && _seenWays)
            {
                return false;
            }
            Elements += nodes;
            var keys = BlockKeys.Find(block);
            var ways = block.ForEachWayWithKey(keys.Highway, (id, k, v, refs) => TryKeep(block, keys, id, k, v, refs));
            _seenWays |= ways > 0;
            Elements += ways;
            return true;
        }

        private void VisitInside(long id, double lon, double lat)
        {
            _minLon = Math.Min(_minLon, lon);
            _maxLon = Math.Max(_maxLon, lon);
            _minLat = Math.Min(_minLat, lat);
            _maxLat = Math.Max(_maxLat, lat);
            if (area is not null && area.Contains(lon, lat))
            {
                if (_inside.Count > 0 && _inside[^1] >= id)
                {
                    _insideSorted = false;
                }
                _inside.Add(id);
            }
        }

        private void TryKeep(PbfBlock block, BlockKeys keys, long wayId, List<uint> wayKeys, List<uint> vals, List<long> refs)
        {
            if (refs.Count < 2)
            {
                return;
            }
            var tags = new TagsCollection();
            string? name = null;
            for (var i = 0; i < wayKeys.Count; i++)
            {
                var k = (int)wayKeys[i];
                if (k == keys.Highway || k == keys.Foot || k == keys.Access || k == keys.Area)
                {
                    tags.Add(Encoding.UTF8.GetString(block.String(k)), Encoding.UTF8.GetString(block.String((int)vals[i])));
                }
                else if (k == keys.Name)
                {
                    name = Encoding.UTF8.GetString(block.String((int)vals[i]));
                }
            }
            if (!IsWalkable(tags))
            {
                return;
            }
            var nodeIds = refs.ToArray();
            if (area is not null && !TouchesArea(nodeIds))
            {
                return;
            }
            var highway = tags["highway"];
            if (!_highways.TryGetValue(highway, out var shared))
            {
                _highways[highway] = shared = highway;
            }
            Ways.Add(new KeptWay(wayId, nodeIds, shared, name));
            _neededList.AddRange(nodeIds);
        }

        private bool TouchesArea(long[] refs)
        {
            if (!_insideReady)
            {
                if (!_insideSorted)
                {
                    CollectionsMarshal.AsSpan(_inside).Sort();
                }
                _insideReady = true;
            }
            var inside = CollectionsMarshal.AsSpan(_inside);
            foreach (var r in refs)
            {
                if (inside.BinarySearch(r) >= 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Frees the inside ids and turns the kept ways' node ids into a sorted array with room for coordinates.</summary>
        public void PrepareSecondPass()
        {
            _inside.Clear();
            _inside.TrimExcess();
            var span = CollectionsMarshal.AsSpan(_neededList);
            span.Sort();
            var unique = 0;
            for (var i = 0; i < span.Length; i++)
            {
                if (i == 0 || span[i] != span[unique - 1])
                {
                    span[unique++] = span[i];
                }
            }
            _needed = span[..unique].ToArray();
            _neededList.Clear();
            _neededList.TrimExcess();
            _lon = new double[_needed.Length];
            _lat = new double[_needed.Length];
            Array.Fill(_lon, double.NaN);
        }

        /// <summary>Keeps the coordinates of needed nodes; false once ways begin (no node follows).</summary>
        public bool SecondPass(PbfBlock block)
        {
            if (_needed.Length == 0)
            {
                return false;
            }
            block.ForEachNode(VisitNeeded);
            return !block.HasWaysOrRelations();
        }

        private void VisitNeeded(long id, double lon, double lat)
        {
            var i = Array.BinarySearch(_needed, id);
            if (i >= 0)
            {
                _lon[i] = lon;
                _lat[i] = lat;
            }
        }

        /// <summary>Splits the kept ways where they meet or end (OSM ids kept); returns how many node references had no node.</summary>
        public long BuildEdges(NetworkData data)
        {
            // A node is a vertex where ways meet or end.
            var uses = new int[_needed.Length];
            foreach (var way in Ways)
            {
                for (var i = 0; i < way.Refs.Length; i++)
                {
                    uses[Array.BinarySearch(_needed, way.Refs[i])] += i == 0 || i == way.Refs.Length - 1 ? 2 : 1;
                }
            }
            var missingNodes = 0L;
            foreach (var (wayId, nodes, highway, name) in Ways)
            {
                var start = -1;
                var piece = new List<Coordinate>();
                var index = new int[nodes.Length];
                for (var i = 0; i < nodes.Length; i++)
                {
                    index[i] = Array.BinarySearch(_needed, nodes[i]);
                }
                for (var i = 0; i < nodes.Length; i++)
                {
                    var n = index[i];
                    if (double.IsNaN(_lon[n]))
                    {
                        // Extracts cut at their boundary reference nodes outside them: the way stops there.
                        missingNodes++;
                        piece.Clear();
                        start = -1;
                        continue;
                    }
                    var c = new Coordinate(_lon[n], _lat[n]);
                    if (start < 0)
                    {
                        start = i;
                        piece = [c];
                        continue;
                    }
                    piece.Add(c);
                    var last = i == nodes.Length - 1 || double.IsNaN(_lon[index[i + 1]]);
                    if (last || uses[n] > 1)
                    {
                        AddEdge(data, nodes[start], nodes[i], [.. piece], highway, name, wayId);
                        piece = [c];
                        start = i;
                    }
                }
            }
            return missingNodes;
        }
    }

    /// <summary>The string-table indices of the tags the walkability rules read, in one block (-1 when absent).</summary>
    private sealed record BlockKeys(int Highway, int Name, int Foot, int Access, int Area)
    {
        public static BlockKeys Find(PbfBlock block) => new(block.FindString("highway"u8), block.FindString("name"u8),
            block.FindString("foot"u8), block.FindString("access"u8), block.FindString("area"u8));
    }

    private static void AddEdge(NetworkData data, long source, long target, Coordinate[] line, string highway, string? name, long wayId)
    {
        const double length = double.NaN;
        data.Nodes.TryAdd(source, line[0]);
        data.Nodes.TryAdd(target, line[^1]);
        data.Edges.Add(new NetworkEdgeData(source, target, length, length, length, highway, name, wayId.ToString(System.Globalization.CultureInfo.InvariantCulture), line));
    }
}
