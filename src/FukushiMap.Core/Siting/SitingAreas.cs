using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Siting;

/// <summary>Areas drawn from placed people (plane metres), as the coverage gaps are drawn.</summary>
public static class SitingAreas
{
    /// <summary>
    /// The places of the given placements, each a disc of <paramref name="radiusMetres"/>, dissolved (a raster trace,
    /// within half a cell of the exact union) — e.g. where people become covered by the new sites.
    /// </summary>
    public static Geometry Dissolve(PopulationPlacement placement, IEnumerable<int> placements, GeometryFactory factory,
        double radiusMetres = 40, double cellMetres = 10)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(placements);
        ArgumentNullException.ThrowIfNull(factory);
        var points = placements.Select(i =>
        {
            var c = new Coordinate(placement.Xs[i], placement.Ys[i]);
            return factory.CreateLineString([c, c.Copy()]);
        }).ToList();
        return RasterBuffer.Buffer(factory, points, radiusMetres, cellMetres);
    }
}
