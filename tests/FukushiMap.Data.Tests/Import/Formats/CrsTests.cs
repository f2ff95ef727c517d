using System.IO.Compression;
using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

using FukushiMap.Data.Tests.Import;

namespace FukushiMap.Data.Tests.Import.Formats;

[Collection(ImportDatabaseCollection.Name)]
public sealed class CrsTests
{
    [Theory]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", 4326)]
    [InlineData("EPSG:6668", 6668)]
    [InlineData("urn:ogc:def:crs:EPSG::6671", 6671)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/2451", 2451)]
    [InlineData("EPSG:4612", 4612)]
    public void RecognisesCrsNames(string name, int expected) => Assert.Equal(expected, Crs.FromName(name));

    [Theory]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:4301")]
    [InlineData("nonsense")]
    public void RefusesCrsNamesItCannotStoreFaithfully(string name) => Assert.Null(Crs.FromName(name));

    [Fact]
    public void RecognisesTheEstatPrjAsJgd2000()
    {
        var prj = File.ReadAllText(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "35-yamaguchi-all.prj"));
        Assert.Equal((4612, null), Crs.FromPrj(prj));
    }

    [Fact]
    public void RecognisesThePrjInsideTheRealP20ZipAsWgs84()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(TestDatabase.RequireDataPath(), "ube-ksj-p20-shelters", "ube_shelters_original_shapefile.zip"));
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".prj")).Open());
        Assert.Equal((4326, null), Crs.FromPrj(reader.ReadToEnd()));
    }

    [Fact]
    public void RecognisesAnEsriZonePrjByName() => Assert.Equal((6671, null), Crs.FromPrj(Fixtures.Zone3Prj));

    [Fact]
    public void RecognisesAZoneByItsParametersWhenTheNameSaysNothing()
    {
        var anonymous = Fixtures.Zone3Prj.Replace("JGD_2011_Japan_Zone_3", "Custom").Replace("D_JGD_2011", "D_JGD_2011");
        Assert.Equal((6671, null), Crs.FromPrj(anonymous));
        var ix = anonymous.Replace("132.1666666666667", "139.8333333333333");
        Assert.Equal((6677, null), Crs.FromPrj(ix));
        var jgd2000 = ix.Replace("GCS_JGD_2011", "GCS_JGD_2000").Replace("D_JGD_2011", "D_JGD_2000");
        Assert.Equal((2451, null), Crs.FromPrj(jgd2000));
    }

    [Fact]
    public void RecognisesAnOgcWktByItsAuthority()
    {
        const string wkt = """PROJCS["JGD2011 / Japan Plane Rectangular CS IX",GEOGCS["JGD2011",DATUM["Japanese_Geodetic_Datum_2011",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","1128"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","6668"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",36],PARAMETER["central_meridian",139.833333333333],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","6677"]]""";
        Assert.Equal((6677, null), Crs.FromPrj(wkt));
    }

    [Fact]
    public void RefusesTheOldTokyoDatumWithAReason()
    {
        const string tokyo = """GEOGCS["GCS_Tokyo",DATUM["D_Tokyo",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""";
        var (srid, reason) = Crs.FromPrj(tokyo);
        Assert.Null(srid);
        Assert.Contains("旧日本測地系", reason);
    }

    [Fact]
    public void RefusesAMercatorThatIsNotAPlaneZone()
    {
        var utm = Fixtures.Zone3Prj.Replace("JGD_2011_Japan_Zone_3", "Custom").Replace("0.9999", "0.9996");
        Assert.Null(Crs.FromPrj(utm).Srid);
    }

    [Fact]
    public async Task ProjNetAgreesWithPostgisInZoneThreeToTheMillimetre()
    {
        var db = await TestDatabase.GetAsync("imports", withReferenceData: true);
        await using var ctx = db.CreateContext();
        var projector = new PlaneProjector(6671);
        (double Lon, double Lat)[] points = [(131.238018, 33.962073), (131.27783, 33.94397), (131.34868, 33.98705), (131.19952, 33.97453)];
        foreach (var (lon, lat) in points)
        {
            var postgis = await ctx.Database.SqlQuery<XY>(
                $"SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint({lon}, {lat}), 6668), 6671) AS p) t").SingleAsync();
            var (x, y) = projector.ToPlane(lon, lat);
            Assert.Equal(postgis.X, x, 0.003);
            Assert.Equal(postgis.Y, y, 0.003);

            var back = Crs.ToStorage(projector.PlaneFactory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(postgis.X, postgis.Y)), 6671);
            Assert.Equal(lon, back.Coordinate.X, 1e-8);
            Assert.Equal(lat, back.Coordinate.Y, 1e-8);
        }
    }

    private sealed record XY(double X, double Y);
}
