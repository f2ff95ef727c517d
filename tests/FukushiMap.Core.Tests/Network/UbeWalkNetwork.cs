using System.Globalization;
using System.Text.Json;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace FukushiMap.Core.Tests.Network;

/// <summary>
/// Test-only loader for the osmnx walk network of central 宇部市 in ../shared/gis-data/ube-osm-walk-network
/// (read in place; FUKUSHIMAP_DATA overrides the gis-data folder). lon/lat are projected to JGD2011 /
/// Japan Plane Rectangular CS III (EPSG:6671). osmnx lists each street both ways (u→v and v→u with the same key);
/// each pair becomes one undirected edge. The real importer lives elsewhere.
/// </summary>
public sealed class UbeWalkNetwork
{
    private const string Zone3Wkt =
        "PROJCS[\"JGD2011 / Japan Plane Rectangular CS III\",GEOGCS[\"JGD2011\",DATUM[\"Japanese_Geodetic_Datum_2011\"," +
        "SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]," +
        "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",36],PARAMETER[\"central_meridian\",132.166666666667]," +
        "PARAMETER[\"scale_factor\",0.9999],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]," +
        "AUTHORITY[\"EPSG\",\"6671\"]]";

    private readonly MathTransform _toPlane;

    public UbeWalkNetwork()
    {
        var zone3 = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(Zone3Wkt);
        _toPlane = new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(zone3.GeographicCoordinateSystem, zone3).MathTransform;

        string folder = Path.Combine(DataFolder(), "ube-osm-walk-network");
        var builder = new WalkingGraphBuilder();
        foreach (var line in File.ReadLines(Path.Combine(folder, "ube_walk_nodes.csv")).Skip(1))
        {
            var parts = line.Split(',');
            var p = ToPlane(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
            builder.AddNode(long.Parse(parts[0], CultureInfo.InvariantCulture), p.X, p.Y);
        }

        using var stream = File.OpenRead(Path.Combine(folder, "ube_walk_edges.geojson"));
        using var document = JsonDocument.Parse(stream);
        var seen = new HashSet<(long, long, int)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            DirectedEdgeCount++;
            var properties = feature.GetProperty("properties");
            long u = properties.GetProperty("u").GetInt64(), v = properties.GetProperty("v").GetInt64();
            int key = properties.GetProperty("key").GetInt32();
            if (!seen.Add((Math.Min(u, v), Math.Max(u, v), key))) continue;
            bool steps = properties.GetProperty("highway").GetString()!.Contains("steps", StringComparison.Ordinal);
            builder.AddUndirectedEdge(u, v, properties.GetProperty("length").GetDouble(), Geometry(feature.GetProperty("geometry")), steps);
        }
        Builder = builder;
        Graph = builder.Build();
    }

    /// <summary>The built graph (no penalties).</summary>
    public WalkingGraph Graph { get; }

    /// <summary>The builder, to build again with a cost profile.</summary>
    public WalkingGraphBuilder Builder { get; }

    /// <summary>Features in the GeoJSON (each street usually twice).</summary>
    public int DirectedEdgeCount { get; }

    /// <summary>Projects lon/lat (degrees, JGD2011) to plane metres in zone III.</summary>
    public Coordinate ToPlane(double lon, double lat)
    {
        var (x, y) = _toPlane.Transform(lon, lat);
        return new Coordinate(x, y);
    }

    private Coordinate[] Geometry(JsonElement geometry)
    {
        var points = new List<Coordinate>();
        var coordinates = geometry.GetProperty("coordinates");
        var lines = geometry.GetProperty("type").GetString() == "MultiLineString"
            ? coordinates.EnumerateArray().ToList()
            : [coordinates];
        foreach (var line in lines)
            foreach (var position in line.EnumerateArray())
            {
                var c = ToPlane(position[0].GetDouble(), position[1].GetDouble());
                if (points.Count == 0 || !points[^1].Equals2D(c)) points.Add(c);
            }
        if (points.Count == 1) points.Add(points[0].Copy());
        return points.ToArray();
    }

    /// <summary>The gis-data folder: FUKUSHIMAP_DATA, else ../shared/gis-data beside the repository root.</summary>
    public static string DataFolder()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FukushiMap.sln")))
            {
                var folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "gis-data"));
                if (Directory.Exists(folder)) return folder;
                throw new DirectoryNotFoundException($"Real data not found at {folder}; set FUKUSHIMAP_DATA to the gis-data folder.");
            }
        throw new DirectoryNotFoundException("Repository root (FukushiMap.sln) not found; set FUKUSHIMAP_DATA to the gis-data folder.");
    }
}
