using FukushiMap.Core.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using static FukushiMap.Core.Tests.Coverage.CoverageFixtures;

namespace FukushiMap.Core.Tests.Coverage;

/// <summary>
/// Situation (9 × 9 street grid, 100 m blocks; • = representative point):
/// <code>
///   800 +--+--+--+--+--+--+--+--+
///       |  |  |  |  |  |  |• B |        A (150,150): 1,200 people, area 0.16 km²
///       ...                             B (650,650): 301 people, no area published
///   100 +--+--+--+--+--+--+--+--+       C (420,450): 9 people, area 300 m² (a 10 m circle: no street inside)
///       | • A|                          D (3,000, 3,000): far away, 40 people
///     0 +--+--+--+--+--+--+--+--+
///       0                      800
/// </code>
/// </summary>
public class PopulationPlacementTests
{
    /// <summary>The index of the unit <paramref name="code"/> in <see cref="Units"/> and the indices of the points its people were placed at.</summary>
    private static (int Unit, List<int> Points) PointsOf(PopulationPlacement placement, string code)
    {
        int unit = Array.FindIndex(Units, u => u.Code == code);
        return (unit, Enumerable.Range(0, placement.Count).Where(i => placement.Unit(i) == unit).ToList());
    }

    private static readonly PopulationUnitInput[] Units =
    [
        Unit("A", 1200, 150, 150, area: 160_000),
        Unit("B", 301, 650, 650),
        Unit("C", 9, 420, 450, area: 300),
        Unit("D", 40, 3000, 3000, area: 10_000),
    ];

    [Fact]
    public void EveryUnitKeepsItsPeopleExactly()
    {
        var (_, snapper, boundary) = Grid();
        var placement = Place(snapper, null, Units);
        for (int u = 0; u < Units.Length; u++)
        {
            var placed = Enumerable.Range(0, placement.Count).Where(i => placement.Unit(i) == u).Sum(placement.PeopleAt);
            Assert.Equal(Units[u].Population, placed);
        }
        Assert.Equal(Units.Sum(u => (long)u.Population), placement.TotalPeople);
        _ = boundary;
    }

    [Fact]
    public void PeopleStandOnStreetsInsideTheirOwnCellAtExactEdgePositions()
    {
        var (graph, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, Units);
        for (int i = 0; i < placement.Count; i++)
        {
            if (placement.Kind(i) != PlacementKind.Street) continue;
            var at = placement.Position(i);
            Assert.True(placement.Cells[placement.Unit(i)].Area.Covers(Factory.CreatePoint(at)), $"placement {i} at {at} lies outside its cell");
            var snap = placement.Snap(i);
            Assert.True(snap.IsOnNetwork);
            Assert.Equal(0, snap.SnapMetres);
            // The stated fraction along the edge gives back the position.
            var (ax, ay) = graph.EdgePoint(snap.EdgeIndex, 0);
            var (bx, by) = graph.EdgePoint(snap.EdgeIndex, 1);
            Assert.Equal(ax + snap.Fraction * (bx - ax), at.X, 6);
            Assert.Equal(ay + snap.Fraction * (by - ay), at.Y, 6);
        }
    }

    [Fact]
    public void PeopleFollowStreetLengthAcrossTheCell()
    {
        var (_, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, [Unit("A", 10_000, 400, 400)]);
        // One unit: its cell is the whole municipality; every 25 m of the 14.4 km of streets holds about the same number of people.
        var counts = Enumerable.Range(0, placement.Count).Select(placement.PeopleAt).ToList();
        Assert.Equal(10_000, counts.Sum());
        double expected = 10_000.0 / (2 * 9 * 8 * 100 / 25);
        Assert.All(counts, c => Assert.InRange(c, Math.Floor(expected), Math.Ceiling(expected)));
    }

    [Fact]
    public void ACellWithoutStreetsPutsItsPeopleAtTheSnappedRepresentativePoint()
    {
        var (_, snapper, boundary) = Grid();
        var placement = Place(snapper, boundary, Units);
        var (c, mine) = PointsOf(placement, "C");
        var single = Assert.Single(mine);
        Assert.Equal(PlacementKind.RepresentativePoint, placement.Kind(single));
        Assert.Equal(9, placement.PeopleAt(single));
        Assert.Equal(20, placement.Snap(single).SnapMetres, 6); // (420,450) is 20 m from the street x = 400
        Assert.Equal(9, placement.UnitPlacements[c].AtPoint);
    }

    [Fact]
    public void PeopleBeyondTheMaximumSnapDistanceAreNoNetworkNeverDropped()
    {
        var (_, snapper, _) = Grid();
        var placement = Place(snapper, null, Units);
        var (d, mine) = PointsOf(placement, "D");
        Assert.All(mine, i => Assert.Equal(PlacementKind.NoNetwork, placement.Kind(i)));
        Assert.Equal(40, mine.Sum(placement.PeopleAt));
        Assert.Equal(40, placement.UnitPlacements[d].NoNetwork);
    }

    [Fact]
    public void TheShareOfACellOutsideTheNetworkDataIsNoNetworkByArea()
    {
        // A unit half inside the network's extent: the extent ends at x = 400 (with no margin).
        var (_, snapper, _) = Grid();
        var extent = Factory.ToGeometry(new Envelope(-50, 400, -50, 850));
        var unit = Unit("E", 1000, 400, 400, area: Math.PI * 200 * 200);
        var placement = Place(snapper, null, [unit], new PlacementOptions { NetworkExtent = extent, ExtentMarginMetres = 0 });
        var summary = placement.UnitPlacements[0];
        Assert.InRange(summary.ShareInsideExtent, 0.49, 0.51);
        Assert.Equal(1000, summary.OnStreets + summary.NoNetwork);
        Assert.Equal((int)Math.Round(1000 * summary.ShareInsideExtent), summary.OnStreets);
        Assert.Equal(summary.NoNetwork, Enumerable.Range(0, placement.Count).Where(i => placement.Kind(i) == PlacementKind.NoNetwork).Sum(placement.PeopleAt));
    }

    [Fact]
    public void AgeBandsAreEachKeptExactly()
    {
        var (_, snapper, boundary) = Grid();
        var units = new[]
        {
            Unit("A", 1000, 150, 150, 160_000, [120, 580, 300, 140]),
            Unit("B", 77, 650, 650, null, [7, 40, 30, 11]),
        };
        var placement = Place(snapper, boundary, units, new PlacementOptions { BandNames = ["0-14", "15-64", "65+", "75+"] });
        for (int u = 0; u < units.Length; u++)
            for (int b = 0; b < 4; b++)
            {
                var placed = Enumerable.Range(0, placement.Count).Where(i => placement.Unit(i) == u).Sum(i => placement.BandAt(b, i));
                Assert.Equal(units[u].Bands![b], placed);
            }
    }
}

public class PopulationCellsTests
{
    [Fact]
    public void VoronoiCellsDoNotOverlapAndEachHoldsItsOwnPoint()
    {
        var units = new[] { Unit("A", 1, 100, 100), Unit("B", 1, 700, 120), Unit("C", 1, 400, 700), Unit("D", 1, 420, 380) };
        var boundary = Factory.ToGeometry(new Envelope(0, 800, 0, 800));
        var cells = PopulationCells.Build(units, boundary, Factory);
        for (int i = 0; i < cells.Length; i++)
        {
            Assert.Equal(CellKind.Voronoi, cells[i].Kind);
            Assert.True(cells[i].Area.Contains(Factory.CreatePoint(units[i].Point)));
            for (int j = i + 1; j < cells.Length; j++) Assert.True(cells[i].Area.Intersection(cells[j].Area).Area < 1e-6);
        }
        Assert.Equal(boundary.Area, cells.Sum(c => c.Area.Area), 3);
    }

    [Fact]
    public void APublishedAreaLimitsTheCellToACircleOfThatArea()
    {
        var units = new[] { Unit("A", 1, 100, 100, area: 20_000), Unit("B", 1, 700, 700, area: 10_000_000) };
        var cells = PopulationCells.Build(units, Factory.ToGeometry(new Envelope(0, 800, 0, 800)), Factory);
        Assert.Equal(CellKind.VoronoiLimitedByArea, cells[0].Kind);
        Assert.InRange(cells[0].Area.Area, 19_900, 20_000); // the 64-sided circle is just inside the true circle
        Assert.True(cells[1].Area.Area < 800 * 800);          // a huge area is limited by the Voronoi cell and the boundary instead
    }

    [Fact]
    public void TheQuickCircleClipEqualsTheGeneralOverlay()
    {
        var random = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            var points = Enumerable.Range(0, 6).Select(_ => new Coordinate(random.NextDouble() * 500, random.NextDouble() * 500)).ToArray();
            var convex = Factory.CreateMultiPointFromCoords(points).ConvexHull();
            var centre = new Coordinate(random.NextDouble() * 500, random.NextDouble() * 500);
            double radius = 20 + random.NextDouble() * 200;
            var quick = PopulationCells.IntersectCircle(convex, centre, radius, Factory);
            var circle = Factory.CreatePolygon(Enumerable.Range(0, 65).Select(k => new Coordinate(
                centre.X + radius * Math.Cos(2 * Math.PI * (k % 64) / 64), centre.Y + radius * Math.Sin(2 * Math.PI * (k % 64) / 64))).ToArray());
            var exact = OverlayNGRobust.Overlay(convex, circle, SpatialFunction.Intersection);
            Assert.Equal(exact.Area, quick.Area, 3);
        }
    }

    [Fact]
    public void AnImportedPolygonIsTheCell()
    {
        var square = Factory.ToGeometry(new Envelope(0, 10, 0, 10));
        var cells = PopulationCells.Build([Unit("A", 1, 5, 5) with { Polygon = square }, Unit("B", 1, 50, 50)], null, Factory);
        Assert.Equal(CellKind.Polygon, cells[0].Kind);
        Assert.Equal(100, cells[0].Area.Area, 6);
    }
}
