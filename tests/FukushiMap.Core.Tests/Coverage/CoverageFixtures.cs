using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Coverage;

/// <summary>Small visible fixtures for the coverage algorithms.</summary>
internal static class CoverageFixtures
{
    public static readonly GeometryFactory Factory = new();

    /// <summary>
    /// Situation: a street grid of <paramref name="columns"/> × <paramref name="rows"/> nodes, 100 m apart, node (c, r) at
    /// (100c, 100r); the municipality is the grid's square grown by 50 m.
    /// </summary>
    public static (WalkingGraph Graph, NetworkSnapper Snapper, Geometry Boundary) Grid(int columns = 9, int rows = 9)
    {
        var graph = GridNetwork.Create(columns, rows, 100);
        var boundary = Factory.ToGeometry(new Envelope(-50, (columns - 1) * 100 + 50, -50, (rows - 1) * 100 + 50));
        return (graph, new NetworkSnapper(graph), boundary);
    }

    public static PopulationUnitInput Unit(string code, int population, double x, double y, double? area = null, int[]? bands = null) =>
        new(code, code, population, new Coordinate(x, y)) { AreaSquareMetres = area, Bands = bands };

    public static PopulationPlacement Place(NetworkSnapper snapper, Geometry? boundary, IReadOnlyList<PopulationUnitInput> units,
        PlacementOptions? options = null) =>
        PopulationPlacer.Place(snapper, units, PopulationCells.Build(units, boundary, Factory), options);

    public static CoverageHub HubAt(NetworkSnapper snapper, double x, double y) => new(new Coordinate(x, y), snapper.Snap(x, y));

    /// <summary>People covered (walking) in a result.</summary>
    public static long Covered(CoverageResult r) =>
        Enumerable.Range(0, r.Placement.Count).Where(r.IsCovered).Sum(i => (long)r.Placement.PeopleAt(i));

    /// <summary>People covered (straight line) in a result.</summary>
    public static long StraightCovered(CoverageResult r) =>
        Enumerable.Range(0, r.Placement.Count).Where(r.IsStraightCovered).Sum(i => (long)r.Placement.PeopleAt(i));
}
