using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Bench;

/// <summary>
/// The 15-minute polygon of one hub node as IsochroneBuilder drew it before issue 14 (git: main at 7db5bbe): the reached street
/// pieces cut from the graph's geometry the way EdgeGeometry did, as line strings, buffered by <see cref="PreviousRasterBuffer"/>.
/// Written against the engine's public API; kept only so the bench can compare today's polygon with the previous one.
/// </summary>
public static class PreviousIsochrone
{
    public static Geometry Polygon(WalkingGraph g, int hubNode, double budget, double walkOffMetres = 40, double cellMetres = 5)
    {
        var factory = new GeometryFactory();
        var search = new MultiSourceDijkstra(g);
        search.Run([SearchOrigin.AtNode(hubNode)], budget);
        var lines = new List<LineString>();
        void Emit(int edge, double from, double to) => lines.Add(Piece(factory, g, edge, from, to));
        foreach (int u in search.SettledNodes)
        {
            if (search.Metres(u) > budget) break;
            for (int a = g.FirstArc(u), end = g.FirstArc(u + 1); a < end; a++)
            {
                int e = g.ArcEdge(a);
                double fs = Reach(search, g.EdgeSource(e), g.EdgeForwardCostMetres(e), budget);
                double ft = Reach(search, g.EdgeTarget(e), g.EdgeReverseCostMetres(e), budget);
                if (g.ArcIsReverse(a) && fs >= 0) continue;
                if (fs >= 0 && ft >= 0)
                {
                    if (fs + ft >= 1) Emit(e, 0, 1);
                    else { Emit(e, 0, fs); Emit(e, 1, 1 - ft); }
                }
                else if (fs >= 0) Emit(e, 0, Math.Min(fs, 1));
                else Emit(e, 1, 1 - Math.Min(ft, 1));
            }
        }
        var c = new Coordinate(g.NodeX(hubNode), g.NodeY(hubNode));
        lines.Add(factory.CreateLineString([c, c.Copy()]));
        return PreviousRasterBuffer.Buffer(factory, lines, walkOffMetres, cellMetres);
    }

    private static double Reach(MultiSourceDijkstra search, int end, float cost, double budget)
    {
        if (float.IsPositiveInfinity(cost) || !search.IsReached(end)) return -1;
        double m = search.Metres(end);
        if (m > budget) return -1;
        return cost > 0 ? (budget - m) / cost : double.PositiveInfinity;
    }

    // EdgeGeometry.AppendPiece of the time, into a list.
    private static LineString Piece(GeometryFactory factory, WalkingGraph graph, int edge, double from, double to)
    {
        from = Math.Clamp(from, 0, 1);
        to = Math.Clamp(to, 0, 1);
        bool backwards = from > to;
        double lo = backwards ? to : from, hi = backwards ? from : to;
        var points = new List<Coordinate>();
        int n = graph.EdgePointCount(edge);
        double total = graph.EdgeGeometryLengthMetres(edge);
        if (n == 2 || total <= 0)
        {
            var (ax, ay) = graph.EdgePoint(edge, 0);
            var (bx, by) = graph.EdgePoint(edge, n - 1);
            points.Add(new Coordinate(ax + lo * (bx - ax), ay + lo * (by - ay)));
            points.Add(new Coordinate(ax + hi * (bx - ax), ay + hi * (by - ay)));
        }
        else
        {
            double dLo = lo * total, dHi = hi * total, along = 0;
            var (px, py) = graph.EdgePoint(edge, 0);
            bool started = false;
            for (int i = 1; i < n; i++)
            {
                var (x, y) = graph.EdgePoint(edge, i);
                double length = Math.Sqrt((x - px) * (x - px) + (y - py) * (y - py));
                double next = along + length;
                if (!started && dLo <= next)
                {
                    double t = length > 0 ? (dLo - along) / length : 0;
                    points.Add(new Coordinate(px + t * (x - px), py + t * (y - py)));
                    started = true;
                }
                if (started)
                {
                    if (dHi <= next || i == n - 1)
                    {
                        double t = length > 0 ? Math.Min((dHi - along) / length, 1) : 1;
                        points.Add(new Coordinate(px + t * (x - px), py + t * (y - py)));
                        break;
                    }
                    points.Add(new Coordinate(x, y));
                }
                along = next; px = x; py = y;
            }
        }
        if (backwards) points.Reverse();
        if (points.Count == 1) points.Add(points[0].Copy());
        return factory.CreateLineString(points.ToArray());
    }
}
