using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace FukushiMap.Data.Network;

/// <summary>A stored network loaded into the engine: the CSR graph (plane metres) and the projector that made it.</summary>
public sealed record LoadedNetwork(RoadNetwork Network, WalkingGraph Graph, PlaneProjector Projector)
{
    /// <summary>OSM <c>name</c> of each graph edge (index = graph edge index, i.e. edge id order), null when unnamed.</summary>
    public IReadOnlyList<string?> EdgeNames { get; init; } = [];

    /// <summary>OSM <c>highway</c> of each graph edge (index = graph edge index), null when unknown.</summary>
    public IReadOnlyList<string?> EdgeHighways { get; init; } = [];
}

/// <summary>Reads a stored network from PostGIS and builds the engine's read-only graph once.</summary>
public static class NetworkLoader
{
    /// <summary>Loads network <paramref name="name"/>; edges with a negative cost/reverse_cost are one-way, as in pgRouting.</summary>
    public static async Task<LoadedNetwork> LoadAsync(FukushiMapDbContext db, string name, CancellationToken ct = default)
    {
        var network = await db.RoadNetworks.AsNoTracking().SingleOrDefaultAsync(n => n.Name == name, ct)
            ?? throw new KeyNotFoundException($"ネットワーク「{name}」はありません。");
        var projector = await ProjectorAsync(db, network, ct);

        var builder = new WalkingGraphBuilder();
        // Graph edges are numbered in input order (edge id order): the labels line up with them by index.
        var names = new List<string?>();
        var highways = new List<string?>();
        var words = new Dictionary<string, string>();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var mustClose = conn.State != System.Data.ConnectionState.Open;
        if (mustClose)
        {
            await conn.OpenAsync(ct);
        }
        try
        {
            await using (var cmd = new NpgsqlCommand("SELECT id, ST_X(geom), ST_Y(geom) FROM network_nodes WHERE network_id = @n ORDER BY id", conn))
            {
                cmd.Parameters.AddWithValue("n", network.Id);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var (x, y) = projector.ToPlane(r.GetDouble(1), r.GetDouble(2));
                    builder.AddNode(r.GetInt64(0), x, y);
                }
            }
            await using (var cmd = new NpgsqlCommand(
                "SELECT source, target, cost, reverse_cost, length_m, highway = 'steps', ST_AsBinary(geom), name, highway FROM network_edges WHERE network_id = @n ORDER BY id", conn))
            {
                cmd.Parameters.AddWithValue("n", network.Id);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                var wkb = new NetTopologySuite.IO.WKBReader();
                while (await r.ReadAsync(ct))
                {
                    var line = (LineString)wkb.Read((byte[])r.GetValue(6));
                    var coords = new Coordinate[line.NumPoints];
                    for (var i = 0; i < coords.Length; i++)
                    {
                        var (x, y) = projector.ToPlane(line.CoordinateSequence.GetX(i), line.CoordinateSequence.GetY(i));
                        coords[i] = new Coordinate(x, y);
                    }
                    builder.AddEdge(r.GetInt64(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), coords,
                        !r.IsDBNull(5) && r.GetBoolean(5));
                    names.Add(r.IsDBNull(7) ? null : Shared(r.GetString(7)));
                    highways.Add(r.IsDBNull(8) ? null : Shared(r.GetString(8)));
                }
            }
        }
        finally
        {
            if (mustClose)
            {
                await conn.CloseAsync();
            }
        }
        return new LoadedNetwork(network, builder.Build(), projector) { EdgeNames = names, EdgeHighways = highways };

        // One string per distinct name: a street's many edges share it.
        string Shared(string text) => words.TryGetValue(text, out var known) ? known : words[text] = text;
    }

    /// <summary>The plane the network's graph is in: its zone, or the local plane its importer chose.</summary>
    public static async Task<PlaneProjector> ProjectorAsync(FukushiMapDbContext db, RoadNetwork network, CancellationToken ct = default) =>
        network.PlaneSrid is { } srid && PlaneRectangularZones.IsZone(srid)
            ? new PlaneProjector(srid)
            : await LocalProjectorAsync(db, network.Id, ct);

    private static async Task<PlaneProjector> LocalProjectorAsync(FukushiMapDbContext db, int networkId, CancellationToken ct)
    {
        // Same centre the importer chose: the middle of the nodes' extent.
        var centre = await db.Database.SqlQueryRaw<PointXY>(
            """
            SELECT (ST_XMin(e) + ST_XMax(e)) / 2 AS x, (ST_YMin(e) + ST_YMax(e)) / 2 AS y
            FROM (SELECT ST_Extent(geom) AS e FROM network_nodes WHERE network_id = {0}) s
            """, networkId).SingleAsync(ct);
        return PlaneProjector.LocalTransverseMercator(centre.X, centre.Y);
    }

    private sealed record PointXY(double X, double Y);
}

/// <summary>Builds an engine graph straight from a file's <see cref="NetworkData"/> (no database), for one-off runs.</summary>
public static class NetworkGraphs
{
    public static WalkingGraph FromData(NetworkData data, PlaneProjector projector)
    {
        var builder = new WalkingGraphBuilder();
        foreach (var (id, c) in data.Nodes.OrderBy(n => n.Key))
        {
            var (x, y) = projector.ToPlane(c.X, c.Y);
            builder.AddNode(id, x, y);
        }
        foreach (var e in data.Edges)
        {
            var coords = e.Coordinates.Select(c =>
            {
                var (x, y) = projector.ToPlane(c.X, c.Y);
                return new Coordinate(x, y);
            }).ToArray();
            builder.AddEdge(e.Source, e.Target, e.Cost, e.ReverseCost, e.LengthM, coords, e.Highway == "steps");
        }
        return builder.Build();
    }
}
