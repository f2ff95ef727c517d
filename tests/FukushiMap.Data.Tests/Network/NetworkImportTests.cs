using System.Text.Json;
using FukushiMap.Data.Network;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Tests.Network;

[Collection(NetworkDatabaseCollection.Name)]
public class NetworkImportTests(NetworkDatabaseFixture fixture)
{
    private static string Shared(params string[] parts) => Path.Combine([TestDatabase.RequireDataPath(), .. parts]);

    [Fact]
    public async Task UbeOsmnxRowsKeepTheirLengthsAsCostsWithTwoWayStreetsAsOneEdge()
    {
        var edgesPath = Shared("ube-osm-walk-network", "ube_walk_edges.geojson");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(edgesPath));
        var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
        var nodeLines = File.ReadLines(Shared("ube-osm-walk-network", "ube_walk_nodes.csv")).Skip(1).Count(l => l.Length > 0);

        await using var db = fixture.Database.CreateContext();
        var network = await fixture.EnsureUbeAsync(db);
        var edges = db.NetworkEdges.Where(e => e.NetworkId == network.Id);

        Assert.Equal(nodeLines, await db.NetworkNodes.CountAsync(n => n.NetworkId == network.Id));
        // Every file row is one direction of one stored edge: forward rows are costs, their twins reverse costs.
        var directions = await edges.CountAsync() + await edges.CountAsync(e => e.ReverseCost >= 0);
        Assert.Equal(features.Count, directions);
        var fileLengths = features.Sum(f => f.GetProperty("properties").GetProperty("length").GetDouble());
        var storedCosts = await edges.SumAsync(e => e.Cost) + await edges.Where(e => e.ReverseCost >= 0).SumAsync(e => e.ReverseCost);
        Assert.Equal(fileLengths, storedCosts, 3);
        Assert.True(await edges.CountAsync(e => e.ReverseCost >= 0) > features.Count / 3, "two-way streets are paired");
    }

    [Fact]
    public async Task UbeEdgeGeometriesStartAtTheirSourceNode()
    {
        await using var db = fixture.Database.CreateContext();
        var network = await fixture.EnsureUbeAsync(db);
        var misplaced = await db.Database.SqlQueryRaw<long>(
            """
            SELECT count(*) AS "Value" FROM network_edges e JOIN network_nodes n ON n.network_id = e.network_id AND n.id = e.source
            WHERE e.network_id = {0} AND NOT ST_Equals(ST_StartPoint(e.geom), n.geom)
            """, network.Id).SingleAsync();
        Assert.Equal(0, misplaced);
    }

    [Fact]
    public async Task PbfExtractKeepsOnlyWalkableWaysSplitAtSharedNodesWithPlaneLengths()
    {
        await using var db = fixture.Database.CreateContext();
        var network = await NetworkImporter.ImportAsync(db,
            new NetworkImportRequest(Shared("osm-test-extracts", "graphhopper-andorra.osm.pbf"), "test-andorra") { Replace = true });

        Assert.True(network.EdgeCount > 1000);
        Assert.Equal(0, await db.NetworkEdges.CountAsync(e => e.NetworkId == network.Id
            && (e.Highway == "motorway" || e.Highway == "trunk" || e.Highway == "motorway_link" || e.Highway == "trunk_link")));
        // Every edge end is a stored node, and costs are the same both ways.
        var dangling = await db.Database.SqlQueryRaw<long>(
            """
            SELECT count(*) AS "Value" FROM network_edges e WHERE e.network_id = {0} AND (
              NOT EXISTS (SELECT 1 FROM network_nodes n WHERE n.network_id = e.network_id AND n.id = e.source) OR
              NOT EXISTS (SELECT 1 FROM network_nodes n WHERE n.network_id = e.network_id AND n.id = e.target) OR
              e.cost <> e.reverse_cost OR e.cost <> e.length_m)
            """, network.Id).SingleAsync();
        Assert.Equal(0, dangling);
        // Lengths measured on our local plane agree with PostGIS's geodesic length to 0.1 %.
        var ratios = await db.Database.SqlQueryRaw<double>(
            """
            SELECT sum(length_m) / sum(ST_Length(geom::geography)) AS "Value" FROM network_edges WHERE network_id = {0}
            """, network.Id).SingleAsync();
        Assert.InRange(ratios, 0.999, 1.001);
        // Split where ways share nodes: no stored node is an interior vertex of a line another edge ends at.
        var interiorJunctions = await db.Database.SqlQueryRaw<long>(
            """
            WITH ends AS (SELECT source AS id FROM network_edges WHERE network_id = {0} UNION SELECT target FROM network_edges WHERE network_id = {0}),
                 junctions AS (SELECT n.geom FROM network_nodes n JOIN ends USING (id) WHERE n.network_id = {0}),
                 interior AS (SELECT ST_PointN(e.geom, i) AS geom FROM network_edges e, generate_series(2, ST_NPoints(e.geom) - 1) AS i
                              WHERE e.network_id = {0})
            SELECT count(*) AS "Value" FROM interior JOIN junctions j ON ST_Equals(interior.geom, j.geom)
            """, network.Id).SingleAsync();
        Assert.Equal(0, interiorJunctions);
    }

    [Fact]
    public async Task EdgeFileWithDanglingNodeAndNegativeLengthIsRejectedAndStoresNothing()
    {
        var dir = Directory.CreateTempSubdirectory("fukushimap-net-");
        var edges = Path.Combine(dir.FullName, "bad_edges.geojson");
        var nodes = Path.Combine(dir.FullName, "bad_nodes.csv");
        File.WriteAllText(nodes, "osm_node_id,lon,lat\n1,131.25,33.95\n2,131.26,33.95\n");
        File.WriteAllText(edges, """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[131.25,33.95],[131.26,33.95]]},"properties":{"u":1,"v":2,"length":923.1}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[131.25,33.95],[131.27,33.95]]},"properties":{"u":1,"v":3,"length":1800}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[131.26,33.95],[131.25,33.95]]},"properties":{"u":2,"v":1,"length":-5}}
            ]}
            """);
        await using var db = fixture.Database.CreateContext();
        var before = await CountsAsync(db);

        var error = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(edges, "bad") { NodesPath = nodes }));

        Assert.Contains(error.Problems, p => p.Row == 2 && p.Reason.Contains('3'));
        Assert.Contains(error.Problems, p => p.Row == 3 && p.Field == "length");
        Assert.Equal(before, await CountsAsync(db));
    }

    [Fact]
    public async Task CorruptPbfIsRejectedWithAClearMessageAndStoresNothing()
    {
        var bytes = File.ReadAllBytes(Shared("osm-test-extracts", "valhalla-harrisburg.osm.pbf"));
        // Keep the header and first blocks, then garble the middle of the file.
        var corrupt = bytes.ToArray();
        var rng = new Random(7);
        for (var i = corrupt.Length / 3; i < corrupt.Length / 3 + 4096; i++)
        {
            corrupt[i] = (byte)rng.Next(256);
        }
        var path = Path.Combine(Directory.CreateTempSubdirectory("fukushimap-pbf-").FullName, "corrupt.osm.pbf");
        File.WriteAllBytes(path, corrupt);
        await using var db = fixture.Database.CreateContext();
        var before = await CountsAsync(db);

        var error = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "corrupt")));

        Assert.Contains("PBF", error.Message);
        Assert.Equal(before, await CountsAsync(db));
    }

    private static async Task<(int Networks, int Nodes, int Edges)> CountsAsync(FukushiMapDbContext db) =>
        (await db.RoadNetworks.CountAsync(), await db.NetworkNodes.CountAsync(), await db.NetworkEdges.CountAsync());
}
