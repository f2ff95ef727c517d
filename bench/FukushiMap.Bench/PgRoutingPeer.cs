using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace FukushiMap.Bench;

/// <summary>Per node: the nearest hub's node id and the cost to it, as pgRouting returns them (one row per reached node).</summary>
public sealed record PeerCoverage(long[] Nodes, long[] Hubs, double[] Metres);

/// <summary>
/// The peer: pgRouting on the same PostGIS, over the same stored edges (network_edges, pgRouting's own convention:
/// id, source, target, cost, reverse_cost; a negative cost means not walkable that way).
/// Each call is one SQL statement, as an application would send it: pgRouting runs its edge query, builds its graph
/// and searches inside the server; the rows come back to this process.
/// </summary>
public sealed class PgRoutingPeer(NpgsqlConnection connection, int networkId)
{
    private readonly WKBReader _wkb = new();

    /// <summary>The edge query pgRouting runs on every call.</summary>
    public string EdgesSql { get; } = string.Create(CultureInfo.InvariantCulture,
        $"SELECT id, source, target, cost, reverse_cost FROM network_edges WHERE network_id = {networkId}");

    public int NetworkId => networkId;

    /// <summary>
    /// The PostgreSQL backend process serving this connection, when it runs on this machine (its CPU time is then readable);
    /// otherwise 0.
    /// </summary>
    public int LocalBackendPid()
    {
        var host = connection.Host ?? "";
        if (!(host is "127.0.0.1" or "::1" or "localhost" || host.StartsWith('/')))
        {
            return 0;
        }
        using var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var pid = (int)cmd.ExecuteScalar()!;
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres" ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// All-node nearest hub within <paramref name="maxMetres"/>: pgr_drivingDistance from every hub, then the minimum per node.
    /// With <paramref name="equicost"/> false pgRouting returns every (hub, node) pair within the bound and the minimum is exact;
    /// with true it hands each node to one hub itself, which is known to be wrong for some nodes.
    /// </summary>
    public PeerCoverage NearestHub(long[] hubNodeIds, double maxMetres, bool equicost)
    {
        using var cmd = new NpgsqlCommand(
            """
            SELECT DISTINCT ON (d.node) d.node, d.from_v, d.agg_cost
            FROM pgr_drivingDistance(@edges, @hubs, @metres, directed => true, equicost => @equicost) d
            ORDER BY d.node, d.agg_cost, d.from_v
            """, connection);
        cmd.Parameters.AddWithValue("edges", EdgesSql);
        cmd.Parameters.AddWithValue("hubs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, hubNodeIds);
        cmd.Parameters.AddWithValue("metres", maxMetres);
        cmd.Parameters.AddWithValue("equicost", equicost);
        var nodes = new List<long>();
        var hubs = new List<long>();
        var metres = new List<double>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                nodes.Add(r.GetInt64(0));
                hubs.Add(r.GetInt64(1));
                metres.Add(r.GetDouble(2));
            }
        }
        return new PeerCoverage(nodes.ToArray(), hubs.ToArray(), metres.ToArray());
    }

    /// <summary>
    /// The usual pgRouting isochrone: nodes within <paramref name="maxMetres"/> of one node (pgr_drivingDistance), their points
    /// collected and wrapped by ST_ConcaveHull(…, <paramref name="concavity"/>). Lon/lat (SRID 6668), parsed into a geometry here.
    /// </summary>
    public Geometry ConcaveHullIsochrone(long hubNodeId, double maxMetres, double concavity)
    {
        using var cmd = new NpgsqlCommand(
            """
            SELECT ST_AsBinary(ST_ConcaveHull(ST_Collect(n.geom), @concavity))
            FROM pgr_drivingDistance(@edges, @hub, @metres, directed => true) d
            JOIN network_nodes n ON n.network_id = @network AND n.id = d.node
            """, connection);
        cmd.Parameters.AddWithValue("edges", EdgesSql);
        cmd.Parameters.AddWithValue("hub", hubNodeId);
        cmd.Parameters.AddWithValue("metres", maxMetres);
        cmd.Parameters.AddWithValue("concavity", concavity);
        cmd.Parameters.AddWithValue("network", networkId);
        var bytes = (byte[])cmd.ExecuteScalar()!;
        var geometry = _wkb.Read(bytes);
        geometry.SRID = 6668;
        return geometry;
    }

    /// <summary>Only the edge query, its rows read by the server (not sent): the part of every pgRouting call spent reading edges.</summary>
    public long EdgeQueryOnly()
    {
        using var cmd = new NpgsqlCommand($"SELECT count(*), sum(e.cost + e.reverse_cost) FROM ({EdgesSql}) e", connection);
        using var r = cmd.ExecuteReader();
        r.Read();
        return r.GetInt64(0);
    }

    /// <summary>PostgreSQL, PostGIS and pgRouting versions, for the report.</summary>
    public string Versions()
    {
        using var cmd = new NpgsqlCommand(
            "SELECT split_part(version(), ' on ', 1), postgis_lib_version(), (SELECT geos_version FROM (SELECT postgis_geos_version() AS geos_version) g), pgr_version()",
            connection);
        using var r = cmd.ExecuteReader();
        r.Read();
        return $"{r.GetString(0)}, PostGIS {r.GetString(1)} (GEOS {r.GetString(2).Split('-')[0]}), pgRouting {r.GetString(3)}";
    }
}
