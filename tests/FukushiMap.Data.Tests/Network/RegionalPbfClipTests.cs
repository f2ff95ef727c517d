using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Network;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;

namespace FukushiMap.Data.Tests.Network;

/// <summary>
/// <c>import network region.osm.pbf --municipality</c>: the ways kept from a generated regional PBF are exactly the walkable ways with a
/// node within the margin of the municipality's boundary (checked here with NTS distances on the plane, not with the importer's
/// buffered polygon), kept whole; bad inputs are refused with nothing stored.
/// </summary>
[Collection(NetworkDatabaseCollection.Name)]
public class RegionalPbfClipTests(NetworkDatabaseFixture fixture)
{
    private const string Code = "35990";
    private const string NoBoundaryCode = "35991";
    private const int PlaneSrid = 6671;
    private const double Margin = 300;
    private static readonly GeometryFactory s_lonLat = new(new PrecisionModel(), PlaneRectangularZones.Jgd2011Srid);

    // An L-shaped town near 宇部 (about 2 km across), so "inside the envelope" is not "inside the town".
    private static readonly Polygon s_town = s_lonLat.CreatePolygon([
        new(131.250, 33.950), new(131.272, 33.950), new(131.272, 33.960), new(131.260, 33.960), new(131.260, 33.970),
        new(131.250, 33.970), new(131.250, 33.950)]);

    [Fact]
    public async Task KeepsExactlyTheWalkableWaysWithANodeWithinTheMarginWhole()
    {
        await using var db = fixture.Database.CreateContext();
        await EnsureMunicipalitiesAsync(db);
        var projector = new PlaneProjector(PlaneSrid);
        var town = projector.ToPlane(s_town);
        var rng = new Random(13);
        var region = new RegionBuilder();

        // Random streets over a box of about 9 × 8 km around the town; nodes within 5 m of the margin line are moved, so that
        // polygonising the margin (the importer) and measuring distances (this test) cannot disagree on a hair.
        (double Lon, double Lat) RandomPoint()
        {
            while (true)
            {
                var p = (Lon: 131.215 + rng.NextDouble() * 0.095, Lat: 33.925 + rng.NextDouble() * 0.07);
                var (x, y) = projector.ToPlane(p.Lon, p.Lat);
                if (Math.Abs(town.Distance(new Point(x, y)) - Margin) > 5)
                {
                    return p;
                }
            }
        }
        string[] classes = ["residential", "footway", "service", "primary", "motorway", "cycleway", "track", "steps"];
        for (var i = 0; i < 400; i++)
        {
            var start = RandomPoint();
            var line = new List<(double, double)> { start };
            for (var k = 1 + rng.Next(6); k > 0; k--)
            {
                var last = line[^1];
                var next = (last.Item1 + (rng.NextDouble() - 0.5) * 0.006, last.Item2 + (rng.NextDouble() - 0.5) * 0.006);
                var (x, y) = projector.ToPlane(next.Item1, next.Item2);
                line.Add(Math.Abs(town.Distance(new Point(x, y)) - Margin) > 5 ? next : RandomPoint());
            }
            var tags = new TagsCollection(new Tag("highway", classes[rng.Next(classes.Length)]), new Tag("name", $"道{i}"));
            if (rng.NextDouble() < 0.1)
            {
                tags.Add("access", "private");
            }
            region.Way(line, tags, share: rng.NextDouble() < 0.3);
        }
        // Buildings inside: never kept. A way crossing the town with no node near it: not kept (the rule is about nodes).
        region.Way([(131.255, 33.955), (131.2552, 33.955), (131.2552, 33.9552), (131.255, 33.955)], new TagsCollection(new Tag("building", "yes")));
        var straddling = region.Way([(131.20, 33.955), (131.32, 33.955)], new TagsCollection(new Tag("highway", "residential")));
        // A long street from the centre of the town to 5 km out: kept whole.
        var crossing = region.Way([(131.255, 33.955), (131.28, 33.955), (131.31, 33.955)], new TagsCollection(new Tag("highway", "tertiary")));
        var path = region.Write();

        var expected = region.Ways
            .Where(w => OsmPbfReader.IsWalkable(w.Tags) && w.Line.Any(p =>
            {
                var (x, y) = projector.ToPlane(p.Lon, p.Lat);
                return town.IsWithinDistance(new Point(x, y), Margin);
            }))
            .Select(w => w.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.InRange(expected.Count, 20, 300);
        // Some are kept only for the margin (no node inside the town itself).
        Assert.Contains(region.Ways, w => expected.Contains(w.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) && w.Line.All(p =>
        {
            var (x, y) = projector.ToPlane(p.Lon, p.Lat);
            return !town.Contains(new Point(x, y));
        }));
        Assert.DoesNotContain(straddling.ToString(System.Globalization.CultureInfo.InvariantCulture), expected);

        var network = await NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-clip")
        {
            MunicipalityCode = Code,
            MarginMetres = Margin,
            Replace = true,
        });

        var kept = await db.NetworkEdges.Where(e => e.NetworkId == network.Id).Select(e => e.OsmWay!).Distinct().ToListAsync();
        Assert.Equal(expected.Order(), kept.Order());
        Assert.Equal(Code, network.MunicipalityCode);
        Assert.Equal(PlaneSrid, network.PlaneSrid);
        // The crossing street is stored to its far end, 5 km out, and its edges add up to its length.
        var crossingId = crossing.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var crossingEdges = await db.NetworkEdges.Where(e => e.NetworkId == network.Id && e.OsmWay == crossingId).ToListAsync();
        var crossingLine = projector.ToPlane(s_lonLat.CreateLineString([new(131.255, 33.955), new(131.28, 33.955), new(131.31, 33.955)]));
        // (OsmSharp's writer cuts coordinates to 1e-7°, about 1 cm here.)
        Assert.InRange(crossingEdges.Sum(e => e.LengthM) - crossingLine.Length, -0.05, 0.05);
        Assert.Contains(crossingEdges, e => e.Geom.Coordinates.Any(c => Math.Abs(c.X - 131.31) < 1e-6));
        // Every edge end is a stored node.
        var nodeIds = (await db.NetworkNodes.Where(n => n.NetworkId == network.Id).Select(n => n.Id).ToListAsync()).ToHashSet();
        Assert.All(await db.NetworkEdges.Where(e => e.NetworkId == network.Id).Select(e => new { e.Source, e.Target }).ToListAsync(),
            e => Assert.True(nodeIds.Contains(e.Source) && nodeIds.Contains(e.Target)));
    }

    [Fact]
    public async Task ARegionAwayFromTheMunicipalityIsRefusedNamingItsExtentAndStoresNothing()
    {
        await using var db = fixture.Database.CreateContext();
        await EnsureMunicipalitiesAsync(db);
        var region = new RegionBuilder();
        region.Way([(139.70, 35.68), (139.71, 35.68)], new TagsCollection(new Tag("highway", "residential")));
        var path = region.Write();
        var before = await CountsAsync(db);

        var error = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-clip-away") { MunicipalityCode = Code }));

        Assert.Contains("範囲に一つもありません", error.Message);
        Assert.Contains("経度 139.7", error.Message);
        Assert.Contains("テスト市", error.Message);
        Assert.Equal(before, await CountsAsync(db));
    }

    [Fact]
    public async Task AMunicipalityWithoutABoundaryOrUnknownIsRefusedAndStoresNothing()
    {
        await using var db = fixture.Database.CreateContext();
        await EnsureMunicipalitiesAsync(db);
        var region = new RegionBuilder();
        region.Way([(131.255, 33.955), (131.256, 33.955)], new TagsCollection(new Tag("highway", "residential")));
        var path = region.Write();
        var before = await CountsAsync(db);

        var noBoundary = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-clip-none") { MunicipalityCode = NoBoundaryCode }));
        var unknown = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-clip-unknown") { MunicipalityCode = "35992" }));

        Assert.Contains("境界がまだない", noBoundary.Message);
        Assert.Contains(NoBoundaryCode, noBoundary.Message);
        Assert.Contains("登録されていない", unknown.Message);
        Assert.Equal(before, await CountsAsync(db));
    }

    [Theory]
    [InlineData("<?xml version='1.0'?><osm version='0.6'><node id='1' lat='33.95' lon='131.25'/></osm>", "OSM XML")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[]}", "GeoJSON")]
    [InlineData("PK\u0003\u0004 a zip", "ZIP")]
    [InlineData("just some text, not a map", "OSM PBF の形")]
    public async Task AFileThatIsNotPbfIsRefusedSayingSoAndStoresNothing(string content, string named)
    {
        await using var db = fixture.Database.CreateContext();
        await EnsureMunicipalitiesAsync(db);
        var path = Path.Combine(Directory.CreateTempSubdirectory("fukushimap-clip-").FullName, "region.osm.pbf");
        await File.WriteAllTextAsync(path, content);
        var before = await CountsAsync(db);

        var error = await Assert.ThrowsAsync<NetworkImportException>(() =>
            NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, "test-clip-notpbf") { MunicipalityCode = Code }));

        Assert.Contains(named, error.Message);
        Assert.Contains("PBF", error.Message);
        Assert.Equal(before, await CountsAsync(db));
    }

    private static async Task EnsureMunicipalitiesAsync(FukushiMapDbContext db)
    {
        var boundary = s_lonLat.CreateMultiPolygon([s_town]);
        var town = await db.Municipalities.SingleOrDefaultAsync(m => m.Code == Code);
        if (town is null)
        {
            db.Municipalities.Add(new Municipality { Code = Code, Name = "テスト市", Prefecture = "山口県", PlaneSrid = PlaneSrid, Boundary = boundary });
        }
        else
        {
            town.Boundary = boundary;
        }
        if (!await db.Municipalities.AnyAsync(m => m.Code == NoBoundaryCode))
        {
            db.Municipalities.Add(new Municipality { Code = NoBoundaryCode, Name = "境界なし町", Prefecture = "山口県", PlaneSrid = PlaneSrid });
        }
        await db.SaveChangesAsync();
    }

    private static async Task<(int Networks, int Nodes, int Edges)> CountsAsync(FukushiMapDbContext db) =>
        (await db.RoadNetworks.CountAsync(), await db.NetworkNodes.CountAsync(), await db.NetworkEdges.CountAsync());

    /// <summary>Ways as lon/lat lines, written as a PBF with nodes (in id order) before ways; <c>share</c> reuses the last way's end node.</summary>
    private sealed class RegionBuilder
    {
        private readonly List<Node> _nodes = [];

        public List<(long Id, List<(double Lon, double Lat)> Line, TagsCollection Tags)> Ways { get; } = [];

        public long Way(IEnumerable<(double Lon, double Lat)> line, TagsCollection tags, bool share = false)
        {
            var points = line.ToList();
            var refs = new List<long>();
            if (share && Ways.Count > 0 && _nodes.Count > 0)
            {
                // Starts where the previous way ended (a junction), then goes on from there.
                var last = _nodes[^1];
                refs.Add(last.Id!.Value);
                points.Insert(0, (last.Longitude!.Value, last.Latitude!.Value));
            }
            foreach (var (lon, lat) in refs.Count > 0 ? points.Skip(1) : points)
            {
                var node = new Node { Id = _nodes.Count + 1, Longitude = lon, Latitude = lat };
                Stamp(node);
                _nodes.Add(node);
                refs.Add(node.Id.Value);
            }
            var id = Ways.Count + 1;
            Ways.Add((id, points, tags));
            _wayRefs.Add([.. refs]);
            return id;
        }

        private readonly List<long[]> _wayRefs = [];

        /// <summary>OsmSharp's PBF writer needs every object's metadata.</summary>
        private static void Stamp(OsmGeo geo)
        {
            geo.Version = 1;
            geo.ChangeSetId = 1;
            geo.TimeStamp = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
            geo.UserId = 1;
            geo.UserName = "test";
            geo.Visible = true;
        }

        public string Write()
        {
            var path = Path.Combine(Directory.CreateTempSubdirectory("fukushimap-clip-").FullName, "region.osm.pbf");
            using var stream = File.Create(path);
            var target = new PBFOsmStreamTarget(stream, compress: true);
            target.Initialize();
            foreach (var node in _nodes)
            {
                target.AddNode(node);
            }
            for (var i = 0; i < Ways.Count; i++)
            {
                var way = new Way { Id = Ways[i].Id, Nodes = _wayRefs[i], Tags = Ways[i].Tags };
                Stamp(way);
                target.AddWay(way);
            }
            target.Flush();
            target.Close();
            return path;
        }
    }
}
