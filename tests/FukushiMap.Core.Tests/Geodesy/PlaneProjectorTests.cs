using FukushiMap.Core.Geodesy;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems.Transformations;

namespace FukushiMap.Core.Tests.Geodesy;

public class PlaneProjectorTests
{
    [Theory]
    [InlineData(6669)]
    [InlineData(6671)]
    [InlineData(6677)]
    [InlineData(6680)]
    [InlineData(6683)]
    public void LonLatAgreesWithProjNetsInverseTransverseMercatorWithin1e9Degrees(int srid)
    {
        // Situation: points up to 130 km east or west of the zone's central meridian and 300 km north or south of its origin.
        var projector = new PlaneProjector(srid);
        var projNet = new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(PlaneRectangularZones.CoordinateSystem(srid), PlaneRectangularZones.Jgd2011).MathTransform;
        var random = new Random(srid);
        for (var i = 0; i < 2000; i++)
        {
            double x = (random.NextDouble() - 0.5) * 260_000, y = (random.NextDouble() - 0.5) * 600_000;
            var (lon, lat) = projNet.Transform(x, y);
            var mine = projector.ToLonLat(x, y);
            Assert.Equal(lon, mine.Lon, 1e-9);
            Assert.Equal(lat, mine.Lat, 1e-9);
        }
    }

    [Fact]
    public void APolygonWithAHoleComesBackPointByPointInLonLat()
    {
        // Situation: a 2 km square with a 500 m square hole near 宇部市 (系III plane metres), as an isochrone comes out.
        var projector = new PlaneProjector(6671);
        var f = projector.PlaneFactory;
        double x0 = -88_000, y0 = -227_000;
        var shell = f.CreateLinearRing([new(x0, y0), new(x0 + 2000, y0), new(x0 + 2000, y0 + 2000), new(x0, y0 + 2000), new(x0, y0)]);
        var hole = f.CreateLinearRing([new(x0 + 500, y0 + 500), new(x0 + 500, y0 + 1000), new(x0 + 1000, y0 + 1000), new(x0 + 1000, y0 + 500), new(x0 + 500, y0 + 500)]);
        var plane = f.CreatePolygon(shell, [hole]);

        var lonLat = (Polygon)projector.ToLonLat(plane);

        Assert.Equal(PlaneRectangularZones.Jgd2011Srid, lonLat.SRID);
        Assert.Equal(1, lonLat.NumInteriorRings);
        var planePoints = plane.Coordinates;
        var lonLatPoints = lonLat.Coordinates;
        Assert.Equal(planePoints.Length, lonLatPoints.Length);
        for (var i = 0; i < planePoints.Length; i++)
        {
            var (lon, lat) = projector.ToLonLat(planePoints[i].X, planePoints[i].Y);
            Assert.Equal(lon, lonLatPoints[i].X);
            Assert.Equal(lat, lonLatPoints[i].Y);
        }
        // Back to the plane: the same square to well under a millimetre, and the same area.
        var back = projector.ToPlane(lonLat);
        for (var i = 0; i < planePoints.Length; i++)
        {
            Assert.Equal(planePoints[i].X, back.Coordinates[i].X, 1e-4);
            Assert.Equal(planePoints[i].Y, back.Coordinates[i].Y, 1e-4);
        }
        Assert.Equal(plane.Area, back.Area, 1e-3);
    }

    [Fact]
    public void OtherGeometriesAreTransformedToo()
    {
        var projector = new PlaneProjector(6671);
        var line = projector.PlaneFactory.CreateLineString([new(-88_000, -227_000), new(-87_000, -226_500)]);

        var lonLat = projector.ToLonLat(line);

        Assert.Equal(PlaneRectangularZones.Jgd2011Srid, lonLat.SRID);
        var (lon, lat) = projector.ToLonLat(-87_000, -226_500);
        Assert.Equal(lon, lonLat.Coordinates[1].X);
        Assert.Equal(lat, lonLat.Coordinates[1].Y);
    }
}
