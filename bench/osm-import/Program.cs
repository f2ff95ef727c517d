using System.Diagnostics;
using System.Globalization;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;

// A synthetic regional OSM PBF: a street grid with highway classes and names, footways, service roads, motorways (not walkable),
// private roads, streams, and buildings in every block, over a box around 宇部市 (35202) and much more around it.
// Deterministic: the same options give the same file. Nodes are written in id order before ways, as OSM files are.
// Every way has at least two tags: OsmSharp writes a one-element key list unpacked, which osmium (protozero) reads as no tags,
// so a way tagged highway=residential alone would be a street for FukushiMap and an untagged way for osmium + osm2pgrouting.
//   dotnet run -c Release -- <out.osm.pbf> [--nodes 3200000] [--west 130.85 --south 33.70 --east 131.75 --north 34.40]
var options = Options.Parse(args);
var clock = Stopwatch.StartNew();
var grid = new Grid(options);
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"格子 {grid.Columns} × {grid.Rows}（間隔 {grid.SpacingMetres:0} m）、ノード {grid.NodeCount:N0} 個を {options.Output} に書き出します…"));
using (var stream = File.Create(options.Output))
{
    var target = new PBFOsmStreamTarget(stream, compress: true);
    target.Initialize();
    long written = 0;
    foreach (var node in grid.Nodes())
    {
        target.AddNode(node);
        if (++written % 500_000 == 0)
        {
            Console.Error.WriteLine($"  ノード {written:N0} 個");
        }
    }
    long ways = 0;
    foreach (var way in grid.Ways())
    {
        target.AddWay(way);
        ways++;
    }
    target.Flush();
    target.Close();
    Console.Error.WriteLine($"ノード {written:N0} 個、ウェイ {ways:N0} 本（うち歩ける道の候補 {grid.StreetWays:N0} 本）、{new FileInfo(options.Output).Length / 1048576.0:N0} MB、{clock.Elapsed.TotalSeconds:0} 秒");
}

internal sealed record Options(string Output, long Nodes, double West, double South, double East, double North)
{
    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("使い方: <出力.osm.pbf> [--nodes 3200000] [--west 130.85 --south 33.70 --east 131.75 --north 34.40]");
        }
        var o = new Options(args[0], 3_200_000, 130.85, 33.70, 131.75, 34.40);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            var v = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--nodes" => o with { Nodes = (long)v },
                "--west" => o with { West = v },
                "--south" => o with { South = v },
                "--east" => o with { East = v },
                "--north" => o with { North = v },
                _ => throw new ArgumentException($"知らないオプションです: {args[i]}"),
            };
        }
        return o;
    }
}

/// <summary>
/// Intersections on a jittered grid; each block edge has <see cref="Between"/> shape nodes; each block holds
/// <see cref="Buildings"/> 4-cornered buildings. Ids: intersections, then east–west shape nodes, north–south shape nodes, building corners.
/// </summary>
internal sealed class Grid
{
    private const int Between = 3;
    private const int Buildings = 6;
    private const int NodesPerCell = 1 + 2 * Between + 4 * Buildings;
    private const int SegmentsPerWay = 8;
    private readonly Options _o;
    private readonly double _dLon;
    private readonly double _dLat;
    private readonly long _eastWestBase;
    private readonly long _northSouthBase;
    private readonly long _buildingBase;

    public Grid(Options o)
    {
        _o = o;
        var metresPerDegLat = 111_000.0;
        var metresPerDegLon = 111_000.0 * Math.Cos((o.South + o.North) / 2 * Math.PI / 180);
        var areaM2 = (o.East - o.West) * metresPerDegLon * (o.North - o.South) * metresPerDegLat;
        SpacingMetres = Math.Sqrt(areaM2 / (o.Nodes / (double)NodesPerCell));
        _dLon = SpacingMetres / metresPerDegLon;
        _dLat = SpacingMetres / metresPerDegLat;
        Columns = (int)((o.East - o.West) / _dLon) + 1;
        Rows = (int)((o.North - o.South) / _dLat) + 1;
        _eastWestBase = 1 + (long)Columns * Rows;
        _northSouthBase = _eastWestBase + (long)(Columns - 1) * Rows * Between;
        _buildingBase = _northSouthBase + (long)Columns * (Rows - 1) * Between;
        NodeCount = _buildingBase - 1 + (long)(Columns - 1) * (Rows - 1) * Buildings * 4;
    }

    public double SpacingMetres { get; }
    public int Columns { get; }
    public int Rows { get; }
    public long NodeCount { get; }
    public long StreetWays { get; private set; }

    private long Intersection(int i, int j) => 1 + (long)j * Columns + i;
    private long EastWest(int i, int j, int t) => _eastWestBase + ((long)j * (Columns - 1) + i) * Between + t;
    private long NorthSouth(int i, int j, int t) => _northSouthBase + ((long)j * Columns + i) * Between + t;
    private long Corner(int i, int j, int b, int c) => _buildingBase + (((long)j * (Columns - 1) + i) * Buildings + b) * 4 + c;

    /// <summary>A number in [0, 1) fixed by its arguments (so positions need no stored state).</summary>
    private static double Hash(long a, long b, long c = 0)
    {
        var h = unchecked((ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b * 0xC2B2AE3D27D4EB4FUL ^ (ulong)c * 0x165667B19E3779F9UL);
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 33;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    private (double Lon, double Lat) At(int i, int j) =>
        (_o.West + (i + 0.3 * (Hash(i, j, 1) - 0.5)) * _dLon, _o.South + (j + 0.3 * (Hash(i, j, 2) - 0.5)) * _dLat);

    private static Node Node(long id, double lon, double lat, TagsCollection? tags = null) => new()
    {
        Id = id, Longitude = Math.Round(lon, 7), Latitude = Math.Round(lat, 7), Tags = tags, Version = 1, ChangeSetId = 1,
        TimeStamp = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), UserId = 1, UserName = "bench", Visible = true,
    };

    private static Way Way(long id, long[] nodes, TagsCollection tags) => new()
    {
        Id = id, Nodes = nodes, Tags = tags, Version = 1, ChangeSetId = 1,
        TimeStamp = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), UserId = 1, UserName = "bench", Visible = true,
    };

    public IEnumerable<Node> Nodes()
    {
        for (var j = 0; j < Rows; j++)
        {
            for (var i = 0; i < Columns; i++)
            {
                var (lon, lat) = At(i, j);
                yield return Node(Intersection(i, j), lon, lat, Hash(i, j, 3) < 0.02 ? new TagsCollection(new Tag("highway", "traffic_signals")) : null);
            }
        }
        for (var j = 0; j < Rows; j++)
        {
            for (var i = 0; i < Columns - 1; i++)
            {
                var (a, b) = (At(i, j), At(i + 1, j));
                for (var t = 0; t < Between; t++)
                {
                    var f = (t + 1.0) / (Between + 1);
                    yield return Node(EastWest(i, j, t), a.Lon + f * (b.Lon - a.Lon), a.Lat + f * (b.Lat - a.Lat) + 0.02 * _dLat * (Hash(i, j, 10 + t) - 0.5));
                }
            }
        }
        for (var j = 0; j < Rows - 1; j++)
        {
            for (var i = 0; i < Columns; i++)
            {
                var (a, b) = (At(i, j), At(i, j + 1));
                for (var t = 0; t < Between; t++)
                {
                    var f = (t + 1.0) / (Between + 1);
                    yield return Node(NorthSouth(i, j, t), a.Lon + f * (b.Lon - a.Lon) + 0.02 * _dLon * (Hash(i, j, 20 + t) - 0.5), a.Lat + f * (b.Lat - a.Lat));
                }
            }
        }
        for (var j = 0; j < Rows - 1; j++)
        {
            for (var i = 0; i < Columns - 1; i++)
            {
                var (lon0, lat0) = At(i, j);
                for (var b = 0; b < Buildings; b++)
                {
                    // Small squares (8–16 m) inside the block, clear of the streets.
                    var x = lon0 + (0.2 + 0.6 * Hash(i, j, 30 + b)) * _dLon;
                    var y = lat0 + (0.2 + 0.6 * Hash(i, j, 40 + b)) * _dLat;
                    var size = (8 + 8 * Hash(i, j, 50 + b)) / SpacingMetres;
                    yield return Node(Corner(i, j, b, 0), x, y);
                    yield return Node(Corner(i, j, b, 1), x + size * _dLon, y);
                    yield return Node(Corner(i, j, b, 2), x + size * _dLon, y + size * _dLat);
                    yield return Node(Corner(i, j, b, 3), x, y + size * _dLat);
                }
            }
        }
    }

    public IEnumerable<Way> Ways()
    {
        long id = 1;
        // East–west streets: row j, ways of SegmentsPerWay blocks.
        for (var j = 0; j < Rows; j++)
        {
            for (var start = 0; start < Columns - 1; start += SegmentsPerWay)
            {
                var end = Math.Min(Columns - 1, start + SegmentsPerWay);
                var refs = new List<long>();
                for (var i = start; i < end; i++)
                {
                    refs.Add(Intersection(i, j));
                    for (var t = 0; t < Between; t++)
                    {
                        refs.Add(EastWest(i, j, t));
                    }
                }
                refs.Add(Intersection(end, j));
                StreetWays++;
                yield return Way(id++, [.. refs], StreetTags(j, start, $"{j + 1}条通り"));
            }
        }
        // North–south streets.
        for (var i = 0; i < Columns; i++)
        {
            for (var start = 0; start < Rows - 1; start += SegmentsPerWay)
            {
                var end = Math.Min(Rows - 1, start + SegmentsPerWay);
                var refs = new List<long>();
                for (var j = start; j < end; j++)
                {
                    refs.Add(Intersection(i, j));
                    for (var t = 0; t < Between; t++)
                    {
                        refs.Add(NorthSouth(i, j, t));
                    }
                }
                refs.Add(Intersection(i, end));
                StreetWays++;
                yield return Way(id++, [.. refs], StreetTags(i + 1_000_000, start, $"{i + 1}丁目筋"));
            }
        }
        // Buildings (closed, not walkable); one in ten with a name and use.
        for (var j = 0; j < Rows - 1; j++)
        {
            for (var i = 0; i < Columns - 1; i++)
            {
                for (var b = 0; b < Buildings; b++)
                {
                    var tags = new TagsCollection(new Tag("building", Hash(i, j, 60 + b) < 0.8 ? "house" : "yes"),
                        new Tag("building:levels", Hash(i, j, 65 + b) < 0.7 ? "2" : "1"));
                    if (Hash(i, j, 70 + b) < 0.1)
                    {
                        tags.Add("name", $"建物{i}-{j}-{b}");
                        tags.Add("amenity", Hash(i, j, 80 + b) < 0.5 ? "community_centre" : "clinic");
                    }
                    yield return Way(id++, [Corner(i, j, b, 0), Corner(i, j, b, 1), Corner(i, j, b, 2), Corner(i, j, b, 3), Corner(i, j, b, 0)], tags);
                }
            }
        }
    }

    /// <summary>Classes by line number like a real town: arterials every 10–20 lines, motorways every 37th (not walkable), some private.</summary>
    private static TagsCollection StreetTags(long line, int start, string name)
    {
        var r = Hash(line, start, 90);
        var highway = (line % 37) switch
        {
            0 => "motorway",
            _ when line % 20 == 0 => "primary",
            _ when line % 10 == 0 => "secondary",
            _ when line % 5 == 0 => "tertiary",
            _ when r < 0.05 => "footway",
            _ when r < 0.10 => "service",
            _ when r < 0.12 => "track",
            _ when r < 0.14 => "cycleway",
            _ when r < 0.16 => "living_street",
            _ => "residential",
        };
        var tags = new TagsCollection(new Tag("highway", highway), new Tag("source", "FukushiMap synthetic"));
        if (highway is "motorway" or "primary" or "secondary" or "tertiary" || r > 0.5)
        {
            tags.Add("name", name);
        }
        if (highway == "motorway")
        {
            tags.Add("oneway", "yes");
        }
        else if (Hash(line, start, 91) < 0.02)
        {
            tags.Add("access", "private");
        }
        else if (Hash(line, start, 92) < 0.01)
        {
            tags.Add("foot", "no");
        }
        if (highway is "residential" or "tertiary" && Hash(line, start, 93) < 0.3)
        {
            tags.Add("surface", "asphalt");
        }
        return tags;
    }
}
