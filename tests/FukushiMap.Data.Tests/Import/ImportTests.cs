using System.Globalization;
using System.Text;
using FukushiMap.Data.Import;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Tests.Import;

/// <summary>Files that import: the real P20 shapefile, plane-coordinate shapefiles, CSV, repairs, the KIGO_E rule.</summary>
[Collection(ImportDatabaseCollection.Name)]
public sealed class ImportTests
{
    private const double Lon = 131.238018, Lat = 33.962073;

    private static Task<TestDatabase> Db() => TestDatabase.GetAsync("imports", withReferenceData: true);

    [Fact]
    public async Task ImportsTheRealP20ShapefileZipWithItsHazards()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        var request = new ImportRequest
        {
            Kind = ImportKind.Shelters, Municipality = "35202", Replace = true, Dataset = new DatasetInfo { Key = "test-p20" },
            File = Path.Combine(TestDatabase.RequireDataPath(), "ube-ksj-p20-shelters", "ube_shelters_original_shapefile.zip"),
        };
        var result = await Importer.RunAsync(ctx, request);

        Assert.Equal(42, result.Written["shelters"]);
        Assert.Contains(result.Notes, n => n.Contains("UTF-8（.cpg より）"));
        Assert.Contains(result.Notes, n => n.Contains("WGS84"));
        var dataset = await ctx.Datasets.SingleAsync(d => d.Key == "test-p20");
        Assert.Equal("国土数値情報（避難施設データ）（国土交通省）", dataset.Attribution);
        var unoshima = await ctx.Shelters.SingleAsync(s => s.DatasetId == dataset.Id && s.Name == "鵜の島ふれあいセンター");
        Assert.Equal("避難場所", unoshima.Kind);
        Assert.Equal("山口県宇部市鵜の島町7番6号", unoshima.Address);
        Assert.Equal(100, unoshima.Capacity);
        Assert.Equal(["地震", "洪水"], unoshima.Hazards); // P20_007 = 1, P20_009 = 1
        Assert.Equal(131.238058, unoshima.Location.X, 6);
    }

    [Fact]
    public async Task AShapefileInPlaneCoordinatesLandsWherePostgisPutsIt()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        var plane = await ctx.Database.SqlQuery<XY>(
            $"SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint({Lon}, {Lat}), 6668), 6671) AS p) t").SingleAsync();
        var zip = Fixtures.Zip(
            ("平面.shp", Fixtures.PointShp([(plane.X, plane.Y)])),
            ("平面.dbf", Fixtures.Dbf(Fixtures.ShiftJis, [("名称", 'C', 40, 0)], [["平面直角の拠点"]])),
            ("平面.prj", Encoding.ASCII.GetBytes(Fixtures.Zone3Prj)));
        var path = Fixtures.Write(Fixtures.TempDir(), "plane.zip", zip);
        var result = await Importer.RunAsync(ctx, new ImportRequest
        {
            Kind = ImportKind.Hubs, File = path, Municipality = "35202", HubType = "ibasho", Dataset = new DatasetInfo { Key = "test-plane" }, Replace = true,
        });

        Assert.Contains(result.Notes, n => n.Contains("第3系"));
        Assert.Contains(result.Notes, n => n.Contains("Shift_JIS"));
        var hub = await ctx.Hubs.SingleAsync(h => h.Dataset!.Key == "test-plane");
        Assert.Equal("平面直角の拠点", hub.Name);
        Assert.Equal(Lon, hub.Location.X, 1e-8);
        Assert.Equal(Lat, hub.Location.Y, 1e-8);
    }

    [Fact]
    public async Task AGeoJsonWithAPlaneZoneCrsIsUnprojected()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        var plane = await ctx.Database.SqlQuery<XY>(
            $"SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint({Lon}, {Lat}), 6668), 6671) AS p) t").SingleAsync();
        var point = FormattableString.Invariant($"[{plane.X},{plane.Y}]");
        var json = """{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::6671"}},"features":[{"type":"Feature","properties":{"name":"平面の居場所NAME"},"geometry":{"type":"Point","coordinates":POINT}}]}"""
            .Replace("NAME", Guid.NewGuid().ToString("N")).Replace("POINT", point);
        var path = Fixtures.Write(Fixtures.TempDir(), "plane.geojson", json);
        var result = await Importer.RunAsync(ctx, new ImportRequest { Kind = ImportKind.Hubs, File = path, Municipality = "35202", HubType = "ibasho" });
        var hub = await ctx.Hubs.SingleAsync(h => h.Dataset!.Key == result.DatasetKey);
        Assert.Equal(Lon, hub.Location.X, 1e-8);
        Assert.Equal(Lat, hub.Location.Y, 1e-8);
    }

    [Fact]
    public async Task AShapefilePolygonWithAHoleBecomesOneDistrict()
    {
        // Situation: a square shell (clockwise) with a square hole (counter-clockwise) in its middle.
        var d = 0.01;
        (double, double)[] shell = [(Lon, Lat), (Lon, Lat + d), (Lon + d, Lat + d), (Lon + d, Lat), (Lon, Lat)];
        (double, double)[] hole = [(Lon + d / 4, Lat + d / 4), (Lon + 3 * d / 4, Lat + d / 4), (Lon + 3 * d / 4, Lat + 3 * d / 4), (Lon + d / 4, Lat + 3 * d / 4), (Lon + d / 4, Lat + d / 4)];
        var zip = Fixtures.Zip(
            ("a27.shp", Fixtures.PolygonShp([[shell, hole]])),
            ("a27.dbf", Fixtures.Dbf(Fixtures.ShiftJis, [("A27_001", 'C', 5, 0), ("A27_002", 'C', 20, 0), ("A27_003", 'C', 10, 0), ("A27_004", 'C', 40, 0), ("A27_005", 'C', 60, 0)],
                [["35202", "宇部市立", "B135220001", "穴あき小学校", "宇部市鵜の島町"]])),
            ("a27.prj", Encoding.ASCII.GetBytes(Fixtures.Wgs84Prj)));
        var path = Fixtures.Write(Fixtures.TempDir(), "a27.zip", zip);
        var db = await Db();
        await using var ctx = db.CreateContext();
        await Importer.RunAsync(ctx, new ImportRequest
        {
            Kind = ImportKind.Districts, File = path, Municipality = "35202", LayerKey = "test-hole", LayerKind = "小学校区", Replace = true,
            Dataset = new DatasetInfo { Key = "test-hole" },
        });
        var district = await ctx.Districts.SingleAsync(x => x.Layer!.Key == "test-hole");
        Assert.Equal(("B135220001", "穴あき小学校", "宇部市鵜の島町"), (district.Code, district.Name, district.Address));
        var polygon = Assert.IsType<NetTopologySuite.Geometries.Polygon>(Assert.Single(district.Geometry.Geometries));
        Assert.Equal(1, polygon.NumInteriorRings);
        var postgisArea = await ctx.Database.SqlQuery<double>($"SELECT ST_Area(ST_Transform(geometry, 6671)) AS \"Value\" FROM districts WHERE id = {district.Id}").SingleAsync();
        Assert.Equal(postgisArea, district.AreaSquareMetres, postgisArea * 1e-6);
    }

    [Fact]
    public async Task ABowTieIsRepairedWhenAskedAndTheRepairIsReported()
    {
        var d = 0.01;
        var path = Fixtures.Write(Fixtures.TempDir(), "bowtie.geojson", Fixtures.Feature(
            FormattableString.Invariant($"{{\"type\":\"Polygon\",\"coordinates\":[[[{Lon},{Lat}],[{Lon + d},{Lat + d}],[{Lon + d},{Lat}],[{Lon},{Lat + d}],[{Lon},{Lat}]]]}}"),
            """{"name":"蝶ネクタイ校区"}"""));
        var db = await Db();
        await using var ctx = db.CreateContext();
        var result = await Importer.RunAsync(ctx, new ImportRequest
        {
            Kind = ImportKind.Districts, File = path, Municipality = "35202", LayerKey = "test-repair", LayerKind = "小学校区", Repair = true, Replace = true,
            Dataset = new DatasetInfo { Key = "test-repair" },
        });
        Assert.Contains(result.Notes, n => n.StartsWith("1件目") && n.Contains("自己交差") && n.Contains("修復しました"));
        var district = await ctx.Districts.SingleAsync(x => x.Layer!.Key == "test-repair");
        Assert.True(district.Geometry.IsValid);
        Assert.Equal(2, district.Geometry.NumGeometries); // the two triangles of the bow tie
    }

    [Fact]
    public async Task ACsvImportsOnceAndTheSameBytesAgainAreSkipped()
    {
        // A fresh name per run: the test database outlives the run, and identical bytes would be skipped.
        var csv = FormattableString.Invariant($"name,lon,lat,address,functions\n地域の居場所{Guid.NewGuid():N},{Lon},{Lat},宇部市鵜の島町,相談、居場所\n");
        var path = Fixtures.Write(Fixtures.TempDir(), "ibasho.csv", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(csv)]);
        var db = await Db();
        await using var ctx = db.CreateContext();
        var request = new ImportRequest { Kind = ImportKind.Hubs, File = path, Municipality = "35202", HubType = "居場所・サロン", TargetGroups = ["誰でも"] };
        var first = await Importer.RunAsync(ctx, request);
        var before = await TableCounts.ReadAsync(db.ConnectionString);
        var second = await Importer.RunAsync(ctx, request);

        Assert.False(first.Skipped);
        Assert.True(second.Skipped);
        Assert.Equal(first.DatasetKey, second.DatasetKey);
        Assert.Equal(before, await TableCounts.ReadAsync(db.ConnectionString));
        var hub = await ctx.Hubs.Include(h => h.HubType).SingleAsync(h => h.Dataset!.Key == first.DatasetKey);
        Assert.Equal("ibasho", hub.HubType!.Key);
        Assert.Equal(["相談", "居場所"], hub.Functions);
        Assert.Equal(["誰でも"], hub.TargetGroups);
    }

    [Fact]
    public async Task MultiPartAreasCountTheirPopulationOnceFromTheE1Row()
    {
        // Situation (a made-up 35999 テスト市): 999001 is split in two parts that both repeat its 120 people;
        // 999002 is whole; 999003 is water; 35202's row belongs to another city.
        (string, char, int, int)[] fields = [("KEY_CODE", 'C', 11, 0), ("KEN", 'C', 2, 0), ("CITY", 'C', 3, 0), ("MOJI", 'C', 40, 0), ("HCODE", 'N', 4, 0),
            ("KIGO_E", 'C', 2, 0), ("JINKO", 'N', 7, 0), ("SETAI", 'N', 7, 0), ("AREA", 'N', 12, 3), ("X_CODE", 'N', 11, 6), ("Y_CODE", 'N', 10, 6)];
        object?[][] rows =
        [
            ["35999999001", "35", "999", "分割町", 8101, "E2", 120, 50, 1000.5, 131.24, 33.95],
            ["35999999001", "35", "999", "分割町", 8101, "E1", 120, 50, 3000.25, 131.25, 33.96],
            ["35999999002", "35", "999", "一体町", 8101, null, 80, 30, 2000.0, 131.26, 33.97],
            ["35999999003", "35", "999", "一体町", 8154, null, 0, 0, 90000.0, 131.2, 33.9],
            ["35202066002", "35", "202", "則貞２丁目", 8101, null, 548, 260, 121171.929, 131.27783, 33.94397],
        ];
        var path = Fixtures.Write(Fixtures.TempDir(), "kigo.dbf", Fixtures.Dbf(Fixtures.ShiftJis, fields, rows));
        var db = await Db();
        await using var ctx = db.CreateContext();
        var result = await Importer.RunAsync(ctx, new ImportRequest
        {
            Kind = ImportKind.Population, File = path, Municipality = "35999", MunicipalityName = "テスト市", Prefecture = "山口県", Replace = true,
            Dataset = new DatasetInfo { Key = "test-kigo" },
        });

        var units = await ctx.PopulationUnits.Where(p => p.MunicipalityCode == "35999").OrderBy(p => p.KeyCode).ToListAsync();
        Assert.Equal(["35999999001", "35999999002"], units.Select(u => u.KeyCode));
        Assert.Equal(120, units[0].Population);
        Assert.Equal(1000.5 + 3000.25, units[0].AreaSquareMetres);
        Assert.Equal((131.25, 33.96), (units[0].Point.X, units[0].Point.Y)); // E1's representative point
        Assert.Equal(200, units.Sum(u => u.Population));
        Assert.Contains(result.Notes, n => n.Contains("水面"));
        Assert.Contains(result.Notes, n => n.Contains("35999 以外の 1 行"));
        var city = await ctx.Municipalities.SingleAsync(m => m.Code == "35999");
        Assert.Equal(("テスト市", 6671), (city.Name, city.PlaneSrid));
    }

    [Fact]
    public async Task AnEstatRowRepeatedWithoutKigoEIsAProblem()
    {
        (string, char, int, int)[] fields = [("KEY_CODE", 'C', 11, 0), ("JINKO", 'N', 7, 0), ("X_CODE", 'N', 11, 6), ("Y_CODE", 'N', 10, 6)];
        var path = Fixtures.Write(Fixtures.TempDir(), "dup.dbf", Fixtures.Dbf(Fixtures.ShiftJis, fields,
            [["35998000001", 5, 131.25, 33.96], ["35998000001", 5, 131.25, 33.96]]));
        var db = await Db();
        await using var ctx = db.CreateContext();
        var e = await Assert.ThrowsAsync<ImportException>(() => Importer.RunAsync(ctx, new ImportRequest
        {
            Kind = ImportKind.Population, File = path, Municipality = "35998", MunicipalityName = "重複市",
        }));
        Assert.Contains("重複", e.Problems.Single().Reason);
        Assert.False(await ctx.Municipalities.AnyAsync(m => m.Code == "35998"));
    }

    private sealed record XY(double X, double Y);
}
