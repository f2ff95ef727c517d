using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;

namespace FukushiMap.Data.Network;

/// <summary>
/// Reads walkable ways from an OSM PBF extract and splits them where ways share nodes, keeping OSM node ids.
/// Every edge is walkable both ways (cost = reverse_cost = length in metres, measured in a plane CS by the caller).
/// </summary>
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
    /// Reads the file. Edge lengths and costs are left NaN: the caller measures them in the plane CS it chooses
    /// (<see cref="NetworkImporter"/> does).
    /// </summary>
    public static NetworkData Read(string path, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var data = new NetworkData { Format = "osm-pbf" };
        if (!File.Exists(path))
        {
            data.Problems.Add(new(path, null, null, "ファイルが見つかりません。"));
            return data;
        }
        var coords = new Dictionary<long, Coordinate>();
        var ways = new List<(long Id, long[] Nodes, string Highway, string? Name)>();
        long elements = 0;
        try
        {
            using var stream = File.OpenRead(path);
            var source = new PBFOsmStreamSource(stream);
            foreach (var geo in source)
            {
                if (++elements % 100_000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report($"OSM 要素 {elements:N0} 個を読み込み中…");
                }
                switch (geo)
                {
                    case Node { Id: { } id, Longitude: { } lon, Latitude: { } lat }:
                        coords[id] = new Coordinate(lon, lat);
                        break;
                    case Way { Id: { } id, Nodes: { Length: >= 2 } nodes } way when IsWalkable(way.Tags):
                        way.Tags.TryGetValue("name", out var name);
                        ways.Add((id, nodes, way.Tags["highway"], name));
                        break;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            data.Problems.Add(new(path, elements + 1, null, FileSignature.NotWhatWasExpected(path, FileSignature.Format.Pbf)
                ?? $"PBF ファイルが壊れているか途中で切れています（{elements:N0} 個目の要素のあとで読めなくなりました）。ダウンロードし直してください。"));
            return data;
        }
        if (elements == 0)
        {
            data.Problems.Add(new(path, null, null, FileSignature.NotWhatWasExpected(path, FileSignature.Format.Pbf) ?? "OSM の要素が一つもありません（PBF ではないか、空のファイルです）。"));
            return data;
        }

        // A node is a vertex where ways meet or end; ways are split there (OSM ids kept).
        var uses = new Dictionary<long, int>();
        foreach (var (_, nodes, _, _) in ways)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                var weight = i == 0 || i == nodes.Length - 1 ? 2 : 1;
                uses[nodes[i]] = uses.GetValueOrDefault(nodes[i]) + weight;
            }
        }
        var missingNodes = 0L;
        foreach (var (wayId, nodes, highway, name) in ways)
        {
            var start = -1;
            var piece = new List<Coordinate>();
            for (var i = 0; i < nodes.Length; i++)
            {
                if (!coords.TryGetValue(nodes[i], out var c))
                {
                    // Extracts cut at their boundary reference nodes outside them: the way stops there.
                    missingNodes++;
                    piece.Clear();
                    start = -1;
                    continue;
                }
                if (start < 0)
                {
                    start = i;
                    piece = [c];
                    continue;
                }
                piece.Add(c);
                var last = i == nodes.Length - 1 || !coords.ContainsKey(nodes[i + 1]);
                if (last || uses[nodes[i]] > 1)
                {
                    AddEdge(data, nodes[start], nodes[i], [.. piece], highway, name, wayId);
                    piece = [c];
                    start = i;
                }
            }
        }
        if (missingNodes > 0)
        {
            progress?.Report($"抽出範囲外のノード {missingNodes:N0} 個を参照する区間は除きました。");
        }
        return data;
    }

    private static void AddEdge(NetworkData data, long source, long target, Coordinate[] line, string highway, string? name, long wayId)
    {
        const double length = double.NaN;
        data.Nodes.TryAdd(source, line[0]);
        data.Nodes.TryAdd(target, line[^1]);
        data.Edges.Add(new NetworkEdgeData(source, target, length, length, length, highway, name, wayId.ToString(System.Globalization.CultureInfo.InvariantCulture), line));
    }
}
