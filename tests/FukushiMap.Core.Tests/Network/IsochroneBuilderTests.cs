using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class IsochroneBuilderTests
{
    private static readonly GeometryFactory Factory = new();
    private static readonly WalkingPace OneMetreAMinute = new(1); // minutes read as metres in these fixtures

    private static bool Covers(Geometry area, double x, double y) => area.Covers(Factory.CreatePoint(new Coordinate(x, y)));

    // Situation:
    //   (0) ------------------------------------- (1)    one 1000 m street
    //   source at (0), budget 400 m, walk-off 40 m  ->  reached up to x = 400, area up to about x = 440
    [Theory]
    [InlineData(5.0)]
    [InlineData(0.0)]
    public void APartlyReachedStreetIsCutAtTheRemainingBudget(double cellMetres)
    {
        var graph = GridNetwork.Create(2, 1, 1000);
        var builder = new IsochroneBuilder(graph, new IsochroneOptions { CellMetres = cellMetres });

        var area = builder.Build([SearchOrigin.AtNode(0)], [400.0], OneMetreAMinute).Single().Area;

        Assert.True(Covers(area, 390, 0));
        Assert.True(Covers(area, 420, 0));
        Assert.False(Covers(area, 460, 0));
        Assert.False(Covers(area, 200, 60));
    }

    // Situation (100 m grid, 9 × 9 nodes, source S in the middle at (400, 400)):
    //   the streets inside the 300 m block (100..400, 100..400) are missing, so its middle,
    //   (250, 250), is more than 40 m from any street: an unreached pocket that must stay a hole.
    //
    //    +--+--+--+--+--+
    //    |  |  |  |  |  |
    //    +--+--+--+--S--+
    //    |        |  |  |
    //    +  pocket+--+--+
    //    |        |  |  |
    //    +--+--+--+--+--+
    [Theory]
    [InlineData(5.0)]
    [InlineData(0.0)]
    public void AnUnreachedPocketStaysAHole(double cellMetres)
    {
        var builder = new WalkingGraphBuilder();
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < 9; c++)
                builder.AddNode(r * 9 + c, c * 100, r * 100);
        bool Inside(double x, double y) => x > 100 && x < 400 && y > 100 && y < 400;
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < 9; c++)
            {
                if (c < 8 && !Inside(c * 100 + 50, r * 100)) builder.AddUndirectedEdge(r * 9 + c, r * 9 + c + 1, 100);
                if (r < 8 && !Inside(c * 100, r * 100 + 50)) builder.AddUndirectedEdge(r * 9 + c, (r + 1) * 9 + c, 100);
            }
        var graph = builder.Build();
        var isochrones = new IsochroneBuilder(graph, new IsochroneOptions { CellMetres = cellMetres });

        var area = isochrones.Build([SearchOrigin.AtNode(4 * 9 + 4)], [2000.0], OneMetreAMinute).Single().Area;

        Assert.True(Covers(area, 100, 250)); // the street round the pocket
        Assert.True(Covers(area, 130, 250)); // within the walk-off of it
        Assert.False(Covers(area, 250, 250));
        Assert.True(area is Polygon { NumInteriorRings: > 0 });
    }

    // Situation: two blocks of 100 m streets, a 200 m river between them, one bridge at the top.
    //
    //   (0,400)--...--(400,400)=====bridge=====(600,400)--...--(1000,400)
    //      |              |                        |                |
    //     ...   west     ...        river         ...    east      ...
    //      |              |                        |                |
    //   (0,0)---...---(400,0)  S               (600,0)---...---(1000,0)
    //
    //   S at (400, 0); budget 300 m: the east bank is 200 m away as the crow flies but 600 m on foot.
    [Theory]
    [InlineData(5.0)]
    [InlineData(0.0)]
    public void NothingJumpsAcrossARiverTheNetworkDoesNotCross(double cellMetres)
    {
        var builder = new WalkingGraphBuilder();
        int Id(int bank, int c, int r) => bank * 100 + r * 5 + c;
        for (int bank = 0; bank < 2; bank++)
            for (int r = 0; r < 5; r++)
                for (int c = 0; c < 5; c++)
                    builder.AddNode(Id(bank, c, r), bank * 600 + c * 100, r * 100);
        for (int bank = 0; bank < 2; bank++)
            for (int r = 0; r < 5; r++)
                for (int c = 0; c < 5; c++)
                {
                    if (c < 4) builder.AddUndirectedEdge(Id(bank, c, r), Id(bank, c + 1, r), 100);
                    if (r < 4) builder.AddUndirectedEdge(Id(bank, c, r), Id(bank, c, r + 1), 100);
                }
        builder.AddUndirectedEdge(Id(0, 4, 4), Id(1, 0, 4), 200); // the bridge
        var graph = builder.Build();
        Assert.True(graph.TryGetNodeIndex(Id(0, 4, 0), out int start));

        var area = new IsochroneBuilder(graph, new IsochroneOptions { CellMetres = cellMetres }).Build([SearchOrigin.AtNode(start)], [300.0], OneMetreAMinute).Single().Area;

        Assert.True(Covers(area, 400, 0));
        Assert.True(Covers(area, 400, 290));
        Assert.True(Covers(area, 100, 0));
        Assert.False(Covers(area, 600, 0));
        Assert.False(Covers(area, 500, 0)); // mid-river
        Assert.False(Covers(area, 620, 100));
    }

    [Fact]
    public void TheAreaContainsEveryFullyReachedStreet()
    {
        var graph = GridNetwork.Create(11, 11, 100);
        var search = new MultiSourceDijkstra(graph);
        var builder = new IsochroneBuilder(graph);
        var origin = SearchOrigin.AtNode(5 * 11 + 5);

        var area = builder.Build([origin], [10.0], WalkingPace.Standard).Single().Area; // 800 m
        search.Run([origin], 800);

        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(area);
        int checkedEdges = 0;
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if (search.Metres(graph.EdgeSource(e)) + graph.EdgeForwardCostMetres(e) > 800
                && search.Metres(graph.EdgeTarget(e)) + graph.EdgeReverseCostMetres(e) > 800) continue;
            Assert.True(prepared.Covers(Factory.CreateLineString(graph.GetEdgeGeometry(e))), $"edge {e}");
            checkedEdges++;
        }
        Assert.True(checkedEdges > 100);
        Assert.False(Covers(area, 0, 0)); // the corner is 1000 m away; the nearest reached point, 200 m
    }

    [Fact]
    public void BandsComeBackInTheOrderAskedAndNest()
    {
        var graph = GridNetwork.Create(21, 21, 50);
        var builder = new IsochroneBuilder(graph);

        var bands = builder.Build([SearchOrigin.AtNode(10 * 21 + 10)], [10.0, 5.0], WalkingPace.Standard);

        Assert.Equal([10.0, 5.0], bands.Select(b => b.WalkMinutes));
        Assert.Equal([800.0, 400.0], bands.Select(b => b.WalkMetres));
        Assert.True(bands[0].Area.Covers(bands[1].Area));
        Assert.True(bands[0].Area.Area > bands[1].Area.Area);
    }

    // Situation:
    //   (0) ---------------------------------------------- (1)     one 1000 m street
    //   S0 at (0), S1 at (1); budget 800 m.
    [Fact]
    public void PerSourceAreasOverlapWhileNearestSourceAreasSplitWhereTheWalksMeet()
    {
        var graph = GridNetwork.Create(2, 1, 1000);
        var builder = new IsochroneBuilder(graph);
        SearchOrigin[] origins = [SearchOrigin.AtNode(0), SearchOrigin.AtNode(1)];

        var dissolved = builder.Build(origins, [800.0], OneMetreAMinute, IsochroneGrouping.Dissolved);
        var perSource = builder.Build(origins, [800.0], OneMetreAMinute, IsochroneGrouping.PerSource);
        var nearest = builder.Build(origins, [800.0], OneMetreAMinute, IsochroneGrouping.NearestSource);

        Assert.Equal(-1, Assert.Single(dissolved).SourceIndex);
        Assert.Equal([0, 1], perSource.Select(i => i.SourceIndex));
        Assert.Equal([0, 1], nearest.Select(i => i.SourceIndex));
        Assert.True(Covers(dissolved[0].Area, 500, 0));
        Assert.True(Covers(perSource[0].Area, 700, 0));
        Assert.False(Covers(nearest[0].Area, 700, 0));
        Assert.True(Covers(nearest[1].Area, 700, 0));
        Assert.True(Covers(nearest[0].Area, 500, 0) && Covers(nearest[1].Area, 500, 0)); // both reach the meeting point
        Assert.True(nearest[0].Area.Intersection(nearest[1].Area).Area < 2 * 40 * 80 + 1);
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(0.0)]
    public void ASnappedHubsAreaIncludesTheWalkOntoTheNetwork(double cellMetres)
    {
        // Situation: one 1000 m street; hub at (300, 150), 150 m off it; budget 400 m.
        var graph = GridNetwork.Create(2, 1, 1000);
        var snap = new NetworkSnapper(graph).Snap(300, 150);

        var area = new IsochroneBuilder(graph, new IsochroneOptions { CellMetres = cellMetres }).Build([snap], [400.0], OneMetreAMinute).Single().Area;

        Assert.True(Covers(area, 300, 150));
        Assert.True(Covers(area, 300, 75));
        Assert.True(Covers(area, 540, 0));   // 150 + 240 = 390 m
        Assert.False(Covers(area, 600, 0));  // 150 + 300 = 450 m, beyond the walk-off
    }

    [Fact]
    public void AHubMidEdgeThatReachesNeitherEndStillGetsItsPieceOfStreet()
    {
        // Situation: one 1000 m street, hub on it at 500 m, budget 100 m.
        var graph = GridNetwork.Create(2, 1, 1000);

        var area = new IsochroneBuilder(graph).Build([SearchOrigin.OnEdge(0, 0.5)], [100.0], OneMetreAMinute).Single().Area;

        Assert.True(Covers(area, 410, 0));
        Assert.True(Covers(area, 590, 0));
        Assert.False(Covers(area, 300, 0));
    }

    [Fact]
    public void NothingReachedGivesAnEmptyArea()
    {
        var graph = GridNetwork.Create(2, 1, 1000);

        var area = new IsochroneBuilder(graph).Build([SearchOrigin.AtNode(0, initialMetres: 500)], [100.0], OneMetreAMinute).Single().Area;

        Assert.True(area.IsEmpty);
    }

    [Fact]
    public void TheRasterOutlineMatchesTheExactBufferToWithinAFewPercent()
    {
        var random = new Random(3);
        var graph = MultiSourceDijkstraTests.RandomGraph(random, nodes: 150, edges: 320);
        SearchOrigin[] origins = [SearchOrigin.AtNode(0), SearchOrigin.OnEdge(5, 0.4, 20)];
        var exact = new IsochroneBuilder(graph, new IsochroneOptions { CellMetres = 0, QuadrantSegments = 8, SimplifyMetres = 0 });
        var raster = new IsochroneBuilder(graph);

        var a = exact.Build(origins, [300.0], OneMetreAMinute).Single().Area;
        var b = raster.Build(origins, [300.0], OneMetreAMinute).Single().Area;

        Assert.True(b.IsValid);
        Assert.True(a.SymmetricDifference(b).Area < 0.03 * a.Area, $"{a.SymmetricDifference(b).Area:0} of {a.Area:0} m²");
        Assert.True(a.Buffer(3).Covers(b));
        Assert.True(b.Buffer(3).Covers(a));
    }
}
