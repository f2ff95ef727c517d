using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Network;

/// <summary>What to import: a PBF extract or an osmnx edge GeoJSON (+ node CSV), under a network name.</summary>
public sealed record NetworkImportRequest(string Path, string Name)
{
    /// <summary>Node CSV for an osmnx edge file; found beside it (…_edges.geojson → …_nodes.csv) when not given.</summary>
    public string? NodesPath { get; init; }

    /// <summary>Municipality whose plane zone measures lengths; outside Japan leave null (a local transverse Mercator is used).</summary>
    public string? MunicipalityCode { get; init; }

    public bool Replace { get; init; }

    /// <summary>Dataset metadata (publisher, licence, attribution) to attach; default: © OpenStreetMap contributors, ODbL.</summary>
    public Dataset? Dataset { get; init; }
}

/// <summary>Reads, validates and stores a walking network, all or nothing.</summary>
public static class NetworkImporter
{
    public static async Task<RoadNetwork> ImportAsync(FukushiMapDbContext db, NetworkImportRequest request, IProgress<string>? progress = null,
        CancellationToken ct = default)
    {
        int? planeSrid = null;
        if (request.MunicipalityCode is { } code)
        {
            planeSrid = await db.Municipalities.Where(m => m.Code == code).Select(m => (int?)m.PlaneSrid).SingleOrDefaultAsync(ct)
                ?? PlaneRectangularZones.SridForMunicipality(code);
        }
        var (data, projector, definition) = Read(request, planeSrid, progress, ct);
        var dataset = request.Dataset ?? new Dataset
        {
            Key = $"network-{request.Name}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}",
            Title = $"歩行ネットワーク {request.Name}",
            Publisher = "OpenStreetMap contributors",
            Licence = "ODbL 1.0",
            Attribution = "© OpenStreetMap contributors",
            Source = Path.GetFileName(request.Path),
            ImportedAt = DateTimeOffset.UtcNow,
        };
        dataset.FeatureCount = data.Edges.Count;
        return await NetworkStore.SaveAsync(db, data, request.Name, request.MunicipalityCode, projector.PlaneSrid == 0 ? null : projector.PlaneSrid,
            definition, dataset, request.Replace, progress, ct);
    }

    /// <summary>
    /// Reads and validates a network file without storing it. Lengths of PBF edges are measured on <paramref name="planeSrid"/>'s zone,
    /// or on a local transverse Mercator at the data's centre when null.
    /// </summary>
    /// <exception cref="NetworkImportException">The file has problems (each is listed).</exception>
    public static (NetworkData Data, PlaneProjector Projector, string? PlaneDefinition) Read(NetworkImportRequest request, int? planeSrid,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var isPbf = request.Path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase);
        NetworkData data;
        if (isPbf)
        {
            progress?.Report($"OSM PBF を読み込み中: {Path.GetFileName(request.Path)}");
            data = OsmPbfReader.Read(request.Path, progress, ct);
        }
        else
        {
            var nodes = request.NodesPath ?? GuessNodesPath(request.Path);
            progress?.Report($"osmnx の道路 GeoJSON を読み込み中: {Path.GetFileName(request.Path)}{(nodes is null ? "" : $"（ノード: {Path.GetFileName(nodes)}）")}");
            data = OsmnxEdgeReader.Read(request.Path, nodes, progress, ct);
        }
        if (data.Problems.Count > 0)
        {
            throw new NetworkImportException(data.Problems);
        }
        PlaneProjector projector;
        string? definition = null;
        if (planeSrid is { } srid)
        {
            projector = new PlaneProjector(srid);
        }
        else
        {
            var env = new Envelope();
            foreach (var c in data.Nodes.Values)
            {
                env.ExpandToInclude(c);
            }
            projector = PlaneProjector.LocalTransverseMercator(env.Centre.X, env.Centre.Y);
            definition = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Transverse Mercator lon0={env.Centre.X:F5} lat0={env.Centre.Y:F5} k=1 (GRS80)");
        }
        if (isPbf)
        {
            // Lengths in metres on the plane; walking is allowed both ways on every OSM edge.
            for (var i = 0; i < data.Edges.Count; i++)
            {
                var e = data.Edges[i];
                var length = LengthMetres(projector, e.Coordinates);
                data.Edges[i] = e with { Cost = length, ReverseCost = length, LengthM = length };
            }
        }
        return (data, projector, definition);
    }

    /// <summary>Length of a lon/lat polyline in metres on the projector's plane.</summary>
    public static double LengthMetres(PlaneProjector projector, Coordinate[] lonLat)
    {
        double sum = 0;
        var (px, py) = projector.ToPlane(lonLat[0].X, lonLat[0].Y);
        for (var i = 1; i < lonLat.Length; i++)
        {
            var (x, y) = projector.ToPlane(lonLat[i].X, lonLat[i].Y);
            sum += Math.Sqrt((x - px) * (x - px) + (y - py) * (y - py));
            (px, py) = (x, y);
        }
        return sum;
    }

    private static string? GuessNodesPath(string edgesPath)
    {
        var name = Path.GetFileName(edgesPath);
        if (!name.Contains("edges", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var candidate = Path.Combine(Path.GetDirectoryName(edgesPath) ?? ".",
            Path.ChangeExtension(name.Replace("edges", "nodes", StringComparison.OrdinalIgnoreCase), ".csv"));
        return File.Exists(candidate) ? candidate : null;
    }
}
