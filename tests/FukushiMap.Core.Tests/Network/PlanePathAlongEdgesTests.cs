using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

/// <summary>
/// When a city has too many hubs for distance tables, the finder searches instead: its route must still be cut along the
/// network's edges (so the directions name the streets), the same edges the tables' route follows.
/// </summary>
public class PlanePathAlongEdgesTests
{
    /// <summary>A 4 × 3 grid of streets 100 m apart; one street bends through an extra point.</summary>
    private static WalkingGraph Grid()
    {
        var b = new WalkingGraphBuilder();
        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                b.AddNode(Id(x, y), x * 100, y * 100);
            }
        }
        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                if (x < 3)
                {
                    var bend = x == 1 && y == 1 ? new[] { new Coordinate(100, 100), new Coordinate(150, 110), new Coordinate(200, 100) } : null;
                    b.AddUndirectedEdge(Id(x, y), Id(x + 1, y), bend is null ? 100 : 102, bend);
                }
                if (y < 2)
                {
                    b.AddUndirectedEdge(Id(x, y), Id(x, y + 1), 100);
                }
            }
        }
        return b.Build();

        static long Id(int x, int y) => 1 + x + 10 * y;
    }

    [Theory]
    [InlineData(10, 40, 290, 160, true)]   // across the grid, through the bent street
    [InlineData(130, 95, 170, 95, true)]   // along one street only
    [InlineData(0, 0, 300, 200, false)]    // corner (a node) to far corner: many routes tie, the two searches may pick others
    public void TheSearchRouteFollowsTheSameEdgesAsTheTableRoute(double fx, double fy, double hx, double hy, bool unique)
    {
        var graph = Grid();
        var snapper = new NetworkSnapper(graph);
        var from = snapper.Snap(fx, fy);
        var hub = snapper.Snap(hx, hy);

        var table = HubDistanceTable.Build(graph, hub);
        var metres = table.MetresFrom(from, out var via);
        var tableEdges = Edges(table.PathInto(from, via, new PlanePath()));

        var found = Assert.Single(new NearestSourceFinder(graph, [hub]).Find(from, 1, 10_000));
        Assert.Equal(metres, found.WalkMetres, 3);
        var searched = PlanePath.AlongEdges(graph, found.Path, from, hub);
        Assert.Equal(found.Path.Length, searched.Count);
        if (unique)
        {
            Assert.Equal(tableEdges, Edges(searched));
        }
        Assert.Contains(Edges(searched), e => e >= 0);
        // Every piece along an edge lies on that edge.
        foreach (var (edge, first, last) in searched.Pieces().Where(p => p.Edge >= 0))
        {
            var line = new LineString(graph.GetEdgeGeometry(edge));
            for (var i = first; i <= last; i++)
            {
                Assert.True(line.Distance(new Point(searched.X(i), searched.Y(i))) < 1e-6, $"point {i} off edge {edge}");
            }
        }
    }

    private static List<int> Edges(PlanePath path) =>
        [.. path.Pieces().Select(p => p.Edge).Where((e, i) => e >= 0).Aggregate(new List<int>(), (list, e) => { if (list.Count == 0 || list[^1] != e) list.Add(e); return list; })];
}
