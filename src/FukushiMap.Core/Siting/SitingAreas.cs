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

    /// <summary>
    /// The cells (estimated areas) of the 町丁・字 of the given placements, dissolved — where people are known only by their
    /// unit's representative point (no network data), the honest picture of where they live.
    /// </summary>
    public static Geometry Cells(PopulationPlacement placement, IEnumerable<int> placements, GeometryFactory factory)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(placements);
        ArgumentNullException.ThrowIfNull(factory);
        var cells = placements.Select(i => placement.UnitIndex[i]).Distinct().Select(u => placement.Cells[u].Area).Where(a => !a.IsEmpty).ToList();
        return cells.Count == 0 ? factory.CreatePolygon() : NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(cells);
    }
}
