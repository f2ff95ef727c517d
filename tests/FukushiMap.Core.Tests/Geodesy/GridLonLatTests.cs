using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Geodesy;

public class GridLonLatTests
{
    [Fact]
    public void GridInterpolatedLonLatIsWithinAMillimetreOfTheExactTransform()
    {
        // Situation: a 3 × 3 grid of streets 2 km apart at the zone's origin; points anywhere over it.
        var projector = new PlaneProjector(6671);
        var grid = new GridLonLat(projector, GridNetwork.Create(3, 3, 2000).NodeExtent());
        var random = new Random(6);
        for (var i = 0; i < 500; i++)
        {
            double x = random.NextDouble() * 4000, y = random.NextDouble() * 4000;
            var exact = projector.ToLonLat(x, y);
            var fast = grid.ToLonLat(x, y);
            // 1e-8 degrees is about 1 mm.
            Assert.Equal(exact.Lon, fast.Lon, 1e-8);
            Assert.Equal(exact.Lat, fast.Lat, 1e-8);
        }
    }

    [Fact]
    public void PointsBeyondTheMarginAndEmptyExtentsUseTheExactTransform()
    {
        // Situation: an extent of one point at the origin; a point 5 km away lies outside its grid (1 km margin).
        var projector = new PlaneProjector(6671);
        var grid = new GridLonLat(projector, new Envelope());

        Assert.Equal(projector.ToLonLat(5000, 5000), grid.ToLonLat(5000, 5000));
        Assert.Equal(projector.ToLonLat(0, 0).Lon, grid.ToLonLat(0, 0).Lon, 1e-8);
    }
}
