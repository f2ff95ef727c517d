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

    /// <summary>
    /// For a PBF with <see cref="MunicipalityCode"/>: keep the walkable ways with a node inside the municipality's boundary widened by
    /// this many metres (on its plane zone). The boundary must be in the municipalities table.
    /// </summary>
    public double MarginMetres { get; init; } = DefaultMarginMetres;

    /// <summary>Default margin around a municipality's boundary: paths just over the border still count for walking.</summary>
    public const double DefaultMarginMetres = 1000;

    /// <summary>Largest margin accepted (beyond it a regional file stops being clipped to one municipality in any useful sense).</summary>
    public const double MaxMarginMetres = 20_000;

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
        OsmClipArea? area = null;
        if (request.MunicipalityCode is { } code)
        {
            var municipality = await db.Municipalities.AsNoTracking().Where(m => m.Code == code)
                .Select(m => new { m.Name, m.PlaneSrid, m.Boundary }).SingleOrDefaultAsync(ct);
            planeSrid = municipality?.PlaneSrid ?? PlaneRectangularZones.SridForMunicipality(code);
            if (IsPbf(request.Path))
            {
                area = ClipArea(request, code, municipality?.Name, municipality?.Boundary, planeSrid.Value);
            }
        }
        var (data, projector, definition) = Read(request, planeSrid, progress, ct, area);
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
        IProgress<string>? progress = null, CancellationToken ct = default, OsmClipArea? area = null)
    {
        var isPbf = IsPbf(request.Path);
        NetworkData data;
        if (isPbf)
        {
            progress?.Report($"OSM PBF を読み込み中: {Path.GetFileName(request.Path)}{(area is null ? "" : $"（{area.Label} の範囲の道だけ残します）")}");
            data = OsmPbfReader.Read(request.Path, area, progress, ct);
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

    private static bool IsPbf(string path) => path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase);

    /// <summary>The municipality's boundary widened by the request's margin; refuses (nothing stored) when there is no boundary.</summary>
    private static OsmClipArea ClipArea(NetworkImportRequest request, string code, string? name, Geometry? boundary, int planeSrid)
    {
        NetworkImportException Refuse(string reason) => new([new NetworkProblem(request.Path, null, null, reason)]);
        if (name is null)
        {
            throw Refuse($"市区町村コード {code} の市区町村が登録されていないため、道路を切り出す境界がありません。" +
                "./fukushimap serve で参照データを読み込むか、./fukushimap import boundary で境界を取り込んでください。");
        }
        if (boundary is null || boundary.IsEmpty)
        {
            throw Refuse($"{name}（{code}）の境界がまだないため、道路を切り出せません。./fukushimap import boundary で境界を取り込んでください。");
        }
        if (!(request.MarginMetres >= 0 && request.MarginMetres <= NetworkImportRequest.MaxMarginMetres))
        {
            throw Refuse($"余白は 0〜{NetworkImportRequest.MaxMarginMetres:N0} m で指定してください（{request.MarginMetres:N0} m）。");
        }
        return OsmClipArea.Around(boundary, new PlaneProjector(planeSrid), request.MarginMetres,
            $"{name}（{code}）の境界と余白 {request.MarginMetres:N0} m");
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
