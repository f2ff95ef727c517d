using System.Globalization;
using System.Text;
using FukushiMap.Data.Network;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FukushiMap.Server.Tests.Network;

/// <summary>
/// The engine's exact nearest-source distances, through <c>./fukushimap distances</c>, equal pgRouting's
/// (<c>pgr_drivingDistance</c>, equicost=false, minimum per node) over the project's own edge table, to 1 cm, on the same nodes.
/// </summary>
[Collection(ServerCollection.Name)]
public class DistancesAgreeWithPgRoutingTests(ServerFixture server)
{
    private const double MaxMetres = 1200;

    [Fact]
    public async Task UbeFromTheFureaiCentresAgreesWithPgRouting()
    {
        var network = await EnsureNetworkAsync("ube-walk", Path.Combine("ube-osm-walk-network", "ube_walk_edges.geojson"), "35202");
        // Each ふれあいセンター within 500 m of the network, moved onto its nearest network node.
        var centres = Path.Combine(TestDatabase.RequireDataPath(), "gsi-designated-shelters", "ube_fureai_centers_24_derived.geojson");
        var nodes = await NearestNodesAsync(network, centres);
        Assert.True(nodes.Count >= 10, $"only {nodes.Count} centres near the network");
        await AssertAgreesAsync(network, nodes);
    }

    [Theory]
    [InlineData(20, 1)]
    [InlineData(100, 2)]
    public async Task UbeFromRandomNodesAgreesWithPgRouting(int count, int seed)
    {
        var network = await EnsureNetworkAsync("ube-walk", Path.Combine("ube-osm-walk-network", "ube_walk_edges.geojson"), "35202");
        await AssertAgreesAsync(network, await RandomNodesAsync(network, count, seed));
    }

    [Fact]
    public async Task AndorraPbfExtractFromRandomNodesAgreesWithPgRouting()
    {
        var network = await EnsureNetworkAsync("test-andorra", Path.Combine("osm-test-extracts", "graphhopper-andorra.osm.pbf"), null);
        await AssertAgreesAsync(network, await RandomNodesAsync(network, 20, 3));
    }

    private async Task AssertAgreesAsync(int networkId, List<(long Id, double Lon, double Lat)> sources)
    {
        var sourcesFile = Path.Combine(Directory.CreateTempSubdirectory("fukushimap-src-").FullName, "sources.geojson");
        var features = sources.Select(s => string.Create(CultureInfo.InvariantCulture,
            $$$"""{"type":"Feature","id":"{{{s.Id}}}","geometry":{"type":"Point","coordinates":[{{{s.Lon:R}}},{{{s.Lat:R}}}]},"properties":{}}"""));
        await File.WriteAllTextAsync(sourcesFile, $$$"""{"type":"FeatureCollection","features":[{{{string.Join(",", features)}}}]}""");
        var name = await NetworkNameAsync(networkId);

        var csv = new StringWriter();
        using var host = TestCommandHost.For(server.Database);
        var exit = await NetworkCommands.DistancesAsync(
            CliArgs.Parse(["--network", name, "--sources", sourcesFile, "--max-metres", MaxMetres.ToString(CultureInfo.InvariantCulture)]),
            host.Services, csv, CancellationToken.None);
        Assert.Equal(0, exit);
        var engine = ParseCsv(csv.ToString());

        var peer = await PgRoutingAsync(networkId, sources.Select(s => s.Id).ToArray());

        var engineReached = engine.Where(kv => kv.Value is not null).Select(kv => kv.Key).ToHashSet();
        Assert.Equal(peer.Count, engineReached.Count);
        Assert.True(engineReached.SetEquals(peer.Keys), "the engine and pgRouting reach different nodes");
        var worst = peer.Max(kv => Math.Abs(kv.Value - engine[kv.Key]!.Value));
        Assert.True(worst <= 0.01, $"largest difference {worst:F4} m exceeds 1 cm");
        // Every node of the network is listed once.
        Assert.Equal(await NodeCountAsync(networkId), engine.Count);
    }

    private static Dictionary<long, double?> ParseCsv(string csv)
    {
        var rows = new Dictionary<long, double?>();
        using var reader = new StringReader(csv);
        Assert.Equal("node_id,source_id,metres", reader.ReadLine());
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            var cells = line.Split(',');
            rows.Add(long.Parse(cells[0], CultureInfo.InvariantCulture),
                cells[2].Length == 0 ? null : double.Parse(cells[2], CultureInfo.InvariantCulture));
        }
        return rows;
    }

    private async Task<Dictionary<long, double>> PgRoutingAsync(int networkId, long[] startNodes)
    {
        await using var conn = new NpgsqlConnection(server.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT node, min(agg_cost) FROM pgr_drivingDistance(
              format('SELECT id, source, target, cost, reverse_cost FROM network_edges WHERE network_id = %s', @network),
              @starts, @max, directed => true, equicost => false)
            GROUP BY node
            """, conn);
        cmd.Parameters.AddWithValue("network", networkId);
        cmd.Parameters.AddWithValue("starts", startNodes);
        cmd.Parameters.AddWithValue("max", MaxMetres);
        var result = new Dictionary<long, double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result[r.GetInt64(0)] = r.GetDouble(1);
        }
        return result;
    }

    private async Task<int> EnsureNetworkAsync(string name, string relativePath, string? municipality)
    {
        await using var db = server.Database.CreateContext();
        var existing = await db.RoadNetworks.Where(n => n.Name == name).Select(n => (int?)n.Id).SingleOrDefaultAsync();
        if (existing is { } id)
        {
            return id;
        }
        var network = await NetworkImporter.ImportAsync(db,
            new NetworkImportRequest(Path.Combine(TestDatabase.RequireDataPath(), relativePath), name) { MunicipalityCode = municipality });
        return network.Id;
    }

    private async Task<string> NetworkNameAsync(int id)
    {
        await using var db = server.Database.CreateContext();
        return await db.RoadNetworks.Where(n => n.Id == id).Select(n => n.Name).SingleAsync();
    }

    private async Task<int> NodeCountAsync(int id)
    {
        await using var db = server.Database.CreateContext();
        return await db.NetworkNodes.CountAsync(n => n.NetworkId == id);
    }

    private async Task<List<(long, double, double)>> RandomNodesAsync(int networkId, int count, int seed)
    {
        await using var conn = new NpgsqlConnection(server.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, ST_X(geom), ST_Y(geom) FROM network_nodes WHERE network_id = @n ORDER BY id", conn);
        cmd.Parameters.AddWithValue("n", networkId);
        var all = new List<(long, double, double)>();
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                all.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
            }
        }
        var rng = new Random(seed);
        return all.OrderBy(_ => rng.Next()).Take(count).ToList();
    }

    private async Task<List<(long, double, double)>> NearestNodesAsync(int networkId, string pointsFile)
    {
        var json = await File.ReadAllTextAsync(pointsFile, Encoding.UTF8);
        await using var conn = new NpgsqlConnection(server.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            WITH pts AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 6668) AS g
                         FROM jsonb_array_elements(@json::jsonb->'features') AS f)
            SELECT DISTINCT n.id, ST_X(n.geom), ST_Y(n.geom)
            FROM pts CROSS JOIN LATERAL (
              SELECT id, geom FROM network_nodes WHERE network_id = @n ORDER BY geom <-> pts.g LIMIT 1) n
            WHERE ST_DWithin(n.geom::geography, pts.g::geography, 500)
            """, conn);
        cmd.Parameters.AddWithValue("json", json);
        cmd.Parameters.AddWithValue("n", networkId);
        var list = new List<(long, double, double)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
        }
        return list;
    }
}
