using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class RouteSimplifierTests
{
    // Situation (plane metres):
    //
    //                      (100,100)
    //                          |
    //   (0,0)--(50,1)--(100,0)-+      a kink of 1 m halfway along the first 100 m, then a turn north
    private static PlanePath Route() => PlanePath.From([new(0, 0), new(50, 1), new(100, 0), new(100, 100)]);

    [Fact]
    public void APointThatMovesTheLineLessThanTheToleranceIsDropped()
    {
        Assert.Equal([true, false, true, true], RouteSimplifier.Keep(Route(), 3));
        Assert.Equal([true, true, true, true], RouteSimplifier.Keep(Route(), 0.5));
    }

    [Fact]
    public void NoToleranceOrAShortPathKeepsEveryPoint()
    {
        Assert.Equal([true, true, true, true], RouteSimplifier.Keep(Route(), 0));
        Assert.Equal([true, true], RouteSimplifier.Keep(PlanePath.From([new(0, 0), new(1, 1)]), 10));
        Assert.Empty(RouteSimplifier.Keep(new PlanePath(), 10));
    }

    [Fact]
    public void TheKeptPointsComeOutAsInterleavedLonLat()
    {
        var projector = new PlaneProjector(6671);
        var grid = new GridLonLat(projector, new Envelope(0, 100, 0, 100));

        var flat = RouteSimplifier.ToLonLatFlat(Route(), 3, grid);

        Assert.Equal(6, flat.Length);
        var (lon, lat) = projector.ToLonLat(100, 100);
        Assert.Equal(lon, flat[4], 1e-8);
        Assert.Equal(lat, flat[5], 1e-8);
    }
}
