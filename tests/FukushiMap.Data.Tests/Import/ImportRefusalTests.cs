using System.Globalization;
using System.Text;
using FukushiMap.Data.Import;
using FukushiMap.Testing;

namespace FukushiMap.Data.Tests.Import;

/// <summary>
/// Bad files are refused with a clear Japanese message per problem (file, row, field, reason), and every table's
/// row count is unchanged afterwards: an import is one transaction.
/// </summary>
[Collection(ImportDatabaseCollection.Name)]
public sealed class ImportRefusalTests
{
    // 宇部市, near 鵜の島ふれあいセンター.
    private const double Lon = 131.238018, Lat = 33.962073;

    private static async Task<ImportException> AssertRefusedAsync(ImportRequest request, string expectedReason)
    {
        var db = await TestDatabase.GetAsync("imports", withReferenceData: true);
        var before = await TableCounts.ReadAsync(db.ConnectionString);
        await using var ctx = db.CreateContext();
        var e = await Assert.ThrowsAsync<ImportException>(() => Importer.RunAsync(ctx, request));
        Assert.Contains(e.Problems, p => p.Reason.Contains(expectedReason));
        Assert.All(e.Problems, p => Assert.False(string.IsNullOrEmpty(p.File)));
        Assert.Equal(before, await TableCounts.ReadAsync(db.ConnectionString));
        return e;
    }

    private static ImportRequest Districts(string path) => new()
    {
        Kind = ImportKind.Districts, File = path, Municipality = "35202", LayerKey = "test-refused", LayerKind = "小学校区",
    };

    private static ImportRequest Hubs(string path) => new()
    {
        Kind = ImportKind.Hubs, File = path, Municipality = "35202", HubType = "ibasho",
    };

    [Fact]
    public async Task ABowTiePolygonIsRefusedAsSelfIntersecting()
    {
        // Situation: the ring crosses itself in the middle.
        //   (0,1)  (1,1)
        //      \  /
        //       \/
        //       /\
        //      /  \
        //   (0,0)  (1,0)
        var d = 0.01;
        var path = Fixtures.Write(Fixtures.TempDir(), "bowtie.geojson", Fixtures.Feature(
            FormattableString.Invariant($"{{\"type\":\"Polygon\",\"coordinates\":[[[{Lon},{Lat}],[{Lon + d},{Lat + d}],[{Lon + d},{Lat}],[{Lon},{Lat + d}],[{Lon},{Lat}]]]}}"),
            """{"name":"蝶ネクタイ校区"}"""));
        var e = await AssertRefusedAsync(Districts(path), "自己交差");
        var p = e.Problems.Single();
        Assert.Equal(("bowtie.geojson", 1, "geometry"), (p.File, p.Row, p.Field));
        Assert.Contains("--repair", p.Reason);
    }

    [Fact]
    public async Task AShiftJisDbfLabelledUtf8IsRefusedNamingFileRowAndField()
    {
        var dbf = Fixtures.Dbf(Fixtures.ShiftJis, [("name", 'C', 40, 0)], [["UBE"], ["鵜の島ふれあいセンター"]]);
        var zip = Fixtures.Zip(
            ("hubs.shp", Fixtures.PointShp([(Lon, Lat), (Lon + 0.001, Lat)])),
            ("hubs.dbf", dbf),
            ("hubs.prj", Encoding.ASCII.GetBytes(Fixtures.Wgs84Prj)),
            ("hubs.cpg", "UTF-8"u8.ToArray()));
        var path = Fixtures.Write(Fixtures.TempDir(), "hubs.zip", zip);
        var e = await AssertRefusedAsync(Hubs(path), "UTF-8 として正しくありません");
        var p = e.Problems.First(x => x.Reason.Contains("UTF-8"));
        Assert.Equal(("hubs.zip!hubs.dbf", 2, "name"), (p.File, p.Row, p.Field));
    }

    [Fact]
    public async Task ACsvWithLongitudeAndLatitudeSwappedIsRefused()
    {
        var csv = FormattableString.Invariant($"name,lon,lat\n鵜の島,{Lat},{Lon}\n恩田,{Lat + 0.01},{Lon + 0.01}\n");
        var path = Fixtures.Write(Fixtures.TempDir(), "swapped.csv", csv);
        var e = await AssertRefusedAsync(Hubs(path), "経度と緯度が入れ替わっているようです");
        Assert.Equal([1, 2], e.Problems.Select(p => p.Row));
        Assert.All(e.Problems, p => Assert.Equal("lon/lat", p.Field));
    }

    [Fact]
    public async Task ATruncatedZipIsRefusedAsCutShort()
    {
        var real = await File.ReadAllBytesAsync(Path.Combine(TestDatabase.RequireDataPath(), "ube-ksj-p20-shelters", "ube_shelters_original_shapefile.zip"));
        var path = Fixtures.Write(Fixtures.TempDir(), "cut.zip", real[..(real.Length / 2)]);
        await AssertRefusedAsync(new ImportRequest { Kind = ImportKind.Shelters, File = path, Municipality = "35202" }, "途中で切れています");
    }

    [Fact]
    public async Task ATwoMillionVertexPolygonIsRefusedBeforeItIsBuilt()
    {
        const int n = 2_000_000;
        var sb = new StringBuilder(n * 40);
        sb.Append("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"巨大校区"},"geometry":{"type":"Polygon","coordinates":[[""");
        for (var i = 0; i < n; i++)
        {
            var a = 2 * Math.PI * i / n;
            sb.Append(CultureInfo.InvariantCulture, $"[{Lon + 0.01 * Math.Cos(a):F7},{Lat + 0.01 * Math.Sin(a):F7}],");
        }
        sb.Append(CultureInfo.InvariantCulture, $"[{Lon + 0.01:F7},{Lat:F7}]]]}}}}]}}");
        var path = Fixtures.Write(Fixtures.TempDir(), "huge.geojson", sb.ToString());
        try
        {
            var e = await AssertRefusedAsync(Districts(path), "頂点が多すぎます");
            Assert.True(e.Problems.Count == 1, string.Join("\n", e.Problems));
            Assert.Contains("2,000,001", e.Problems[0].Reason);
        }
        finally
        {
            File.Delete(path); // about 50 MB
        }
    }

    [Fact]
    public async Task APointFarOutsideTheMunicipalityIsRefused()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "tokyo.csv", "name,lon,lat\n東京駅,139.7671,35.6812\n鵜の島,131.238018,33.962073\n");
        var e = await AssertRefusedAsync(Hubs(path), "市区町村の境界から 5 km 以上離れています");
        Assert.Equal(1, e.Problems.Single().Row);
    }

    [Fact]
    public async Task NotANumberCoordinatesAreRefused()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "nan.csv", "name,lon,lat\nA,NaN,33.96\nB,131.2,Infinity\n");
        var e = await AssertRefusedAsync(Hubs(path), "NaN または無限大");
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public async Task AFileOverTheFeatureCapIsRefused()
    {
        var csv = "name,lon,lat\n" + string.Concat(Enumerable.Range(0, 11).Select(i => FormattableString.Invariant($"拠点{i},{Lon},{Lat}\n")));
        var path = Fixtures.Write(Fixtures.TempDir(), "many.csv", csv);
        await AssertRefusedAsync(Hubs(path) with { Limits = ImportLimits.Default with { MaxFeatures = 10 } }, "行が多すぎます");
    }

    [Fact]
    public async Task AFileOverTheSizeCapIsRefusedBeforeReading()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "big.csv", "name,lon,lat\n" + new string('x', 2048) + ",131.2,33.9\n");
        await AssertRefusedAsync(Hubs(path) with { Limits = ImportLimits.Default with { MaxFileBytes = 1024 } }, "ファイルが大きすぎます");
    }

    [Fact]
    public async Task AnUnknownHubTypeIsRefusedListingTheKnownOnes()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "ok.csv", FormattableString.Invariant($"name,lon,lat\nA,{Lon},{Lat}\n"));
        var e = await AssertRefusedAsync(Hubs(path) with { HubType = "存在しない種類" }, "拠点の種類「存在しない種類」がありません");
        Assert.Contains("fureai-center", e.Problems.Single().Reason);
    }

    [Fact]
    public async Task OneBadRowAmongGoodOnesWritesNothing()
    {
        var csv = FormattableString.Invariant($"name,lon,lat\nA,{Lon},{Lat}\n,{Lon},{Lat}\nC,{Lon},{Lat}\n");
        var path = Fixtures.Write(Fixtures.TempDir(), "one-bad.csv", csv);
        var e = await AssertRefusedAsync(Hubs(path), "名前が空です");
        Assert.Equal((2, "name"), (e.Problems.Single().Row, e.Problems.Single().Field));
    }

    [Fact]
    public async Task AGeoJsonInAnUnsupportedCrsIsRefusedNamingIt()
    {
        var json = """{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[14609000,4022000]}}]}""";
        var path = Fixtures.Write(Fixtures.TempDir(), "webmercator.geojson", json);
        var e = await AssertRefusedAsync(Hubs(path), "EPSG::3857");
        Assert.Equal("crs", e.Problems.Single().Field);
    }

    // Words of .NET parser messages (System.Text.Json, NTS, FormatException, OsmSharp) that must never reach the user.
    private static readonly System.Text.RegularExpressions.Regex s_parserText = new(
        @"(?i)\b(invalid|exception|expected|unexpected|parameter|token|stream|was not|start of a value|input string|(?<!-)format)\b");

    private static void AssertJapaneseOnly(IEnumerable<string> reasons)
    {
        foreach (var reason in reasons)
        {
            Assert.DoesNotMatch(s_parserText, reason);
        }
    }

    private static async Task<ImportException> AssertRefusedInJapaneseAsync(ImportRequest request, string expectedReason)
    {
        var e = await AssertRefusedAsync(request, expectedReason);
        AssertJapaneseOnly(e.Problems.Select(p => p.Reason));
        return e;
    }

    private static (string, byte[])[] ShapefileParts(string stem) =>
    [
        (stem + ".shp", Fixtures.PointShp([(Lon, Lat)])),
        (stem + ".dbf", Fixtures.Dbf(Fixtures.ShiftJis, [("name", 'C', 40, 0)], [["鵜の島"]])),
        (stem + ".prj", Encoding.ASCII.GetBytes(Fixtures.Wgs84Prj)),
    ];

    private const string OsmXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <osm version="0.6" generator="test">
          <node id="1" lat="33.962" lon="131.238"/>
          <node id="2" lat="33.963" lon="131.239"/>
          <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
        </osm>
        """;

    [Theory]
    [InlineData("../hubs", "「..」でフォルダの外を指す")]
    [InlineData("data/../../hubs", "「..」でフォルダの外を指す")]
    [InlineData("/tmp/hubs", "絶対パス")]
    [InlineData("C:/hubs", "絶対パス")]
    public async Task AZipWhoseEntriesEscapeTheFolderIsRefusedAsZipSlip(string stem, string expected)
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "slip.zip", Fixtures.Zip(ShapefileParts(stem)));
        var e = await AssertRefusedInJapaneseAsync(Hubs(path), expected);
        Assert.Contains("zip slip", e.Problems.Single().Reason);
        Assert.Contains(stem, e.Problems.Single().Reason);
    }

    [Fact]
    public async Task AZippedShapefileWithoutItsDbfIsRefusedNamingTheMissingFile()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "nodbf.zip", Fixtures.Zip(ShapefileParts("hubs").Where(p => !p.Item1.EndsWith(".dbf")).ToArray()));
        await AssertRefusedInJapaneseAsync(Hubs(path), "hubs.dbf がありません");
    }

    [Fact]
    public async Task AShpWithoutADbfBesideItIsRefusedNamingTheMissingFile()
    {
        var dir = Fixtures.TempDir();
        foreach (var (name, bytes) in ShapefileParts("hubs").Where(p => !p.Item1.EndsWith(".dbf")))
        {
            Fixtures.Write(dir, name, bytes);
        }
        await AssertRefusedInJapaneseAsync(Hubs(Path.Combine(dir, "hubs.shp")), "hubs.dbf がありません");
    }

    [Fact]
    public async Task AShpWithTheWrongMagicNumberIsRefusedSayingItIsNotAShapefile()
    {
        var parts = ShapefileParts("hubs");
        var shp = parts[0].Item2.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(shp, 1234);
        parts[0] = ("hubs.shp", shp);
        var path = Fixtures.Write(Fixtures.TempDir(), "magic.zip", Fixtures.Zip(parts));
        var e = await AssertRefusedInJapaneseAsync(Hubs(path), "シェープファイルの .shp ではありません");
        Assert.Contains("9994", e.Problems.Single().Reason);
        Assert.Contains("1234", e.Problems.Single().Reason);
    }

    [Fact]
    public async Task OsmXmlGivenAsGeoJsonIsCalledOsmXml()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "ube.geojson", OsmXml);
        var e = await AssertRefusedInJapaneseAsync(Hubs(path), "GeoJSON ではなく OSM XML（.osm）のファイルです");
        Assert.Contains("osmium", e.Problems.Single().Reason);
    }

    [Theory]
    [InlineData("ube.osm")]
    [InlineData("ube.osm.pbf")]
    public async Task OsmXmlGivenAsANetworkIsCalledOsmXmlAndNothingIsStored(string name)
    {
        var db = await TestDatabase.GetAsync("imports", withReferenceData: true);
        var path = Fixtures.Write(Fixtures.TempDir(), name, OsmXml);
        var before = await TableCounts.ReadAsync(db.ConnectionString);
        await using var ctx = db.CreateContext();
        var e = await Assert.ThrowsAsync<FukushiMap.Data.Network.NetworkImportException>(() =>
            FukushiMap.Data.Network.NetworkImporter.ImportAsync(ctx, new FukushiMap.Data.Network.NetworkImportRequest(path, "osm-xml-refused")));
        Assert.Contains(e.Problems, p => p.Reason.Contains("ではなく OSM XML（.osm）のファイルです") && p.Reason.Contains(".osm.pbf"));
        AssertJapaneseOnly(e.Problems.Select(p => p.Reason));
        Assert.Equal(before, await TableCounts.ReadAsync(db.ConnectionString));
    }

    [Fact]
    public async Task BrokenNetworkFilesAreRefusedInJapanese()
    {
        var db = await TestDatabase.GetAsync("imports", withReferenceData: true);
        var dir = Fixtures.TempDir();
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        await using var ctx = db.CreateContext();
        foreach (var (name, bytes, expected) in new[]
        {
            ("edges.geojson", Encoding.UTF8.GetBytes("""{"type":"FeatureCollection","features":[{"type":"Feature",}"""), "JSON の書き方が正しくありません"),
            ("garbage.osm.pbf", garbage, "PBF"),
        })
        {
            var path = Fixtures.Write(dir, name, bytes);
            var e = await Assert.ThrowsAsync<FukushiMap.Data.Network.NetworkImportException>(() =>
                FukushiMap.Data.Network.NetworkImporter.ImportAsync(ctx, new FukushiMap.Data.Network.NetworkImportRequest(path, "broken-refused")));
            Assert.Contains(e.Problems, p => p.Reason.Contains(expected));
            AssertJapaneseOnly(e.Problems.Select(p => p.Reason));
        }
    }

    [Fact]
    public async Task MalformedJsonIsRefusedWithItsLineInJapanese()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "broken.geojson", "{\"type\":\"FeatureCollection\",\n\"features\":[{\"type\":\"Feature\" \"geometry\":null}]}");
        var e = await AssertRefusedInJapaneseAsync(Hubs(path), "JSON の書き方が正しくありません");
        Assert.Contains("2 行目", e.Problems.Single().Reason);
    }

    [Fact]
    public async Task AnUnreadableWktCellIsRefusedNamingRowAndFieldInJapanese()
    {
        var path = Fixtures.Write(Fixtures.TempDir(), "wkt.csv", "name,wkt\n鵜の島,POINT (131.238018 33.962073)\n恩田,POINT (abc def)\n");
        var e = await AssertRefusedInJapaneseAsync(Hubs(path), "WKT として読めません");
        Assert.Equal((2, "wkt"), (e.Problems.Single().Row, e.Problems.Single().Field));
    }

    [Fact]
    public async Task AnAreaThatIsNotANumberIsRefusedNamingRowAndField()
    {
        var csv = FormattableString.Invariant($"KEY_CODE,JINKO,AREA,lon,lat\n352020010,120,12.5,{Lon},{Lat}\n352020020,80,広い,{Lon + 0.001},{Lat}\n");
        var path = Fixtures.Write(Fixtures.TempDir(), "population.csv", csv);
        var e = await AssertRefusedInJapaneseAsync(new ImportRequest { Kind = ImportKind.Population, File = path, Municipality = "35202", Replace = true }, "面積「広い」");
        Assert.Contains(e.Problems, p => (p.Row, p.Field) == (2, "AREA"));
    }
}
