namespace FukushiMap.Core.Network;

/// <summary>Cuts pieces out of edge geometry by fraction of the edge (0 = source, 1 = target).</summary>
internal static class EdgeGeometry
{
    /// <summary>
    /// Appends the part of <paramref name="edge"/> between fractions <paramref name="from"/> and <paramref name="to"/>
    /// to <paramref name="points"/>, walking from <paramref name="from"/> towards <paramref name="to"/> (either way
    /// round). A point equal to the last one in the path is not repeated.
    /// </summary>
    public static void AppendPiece(WalkingGraph graph, int edge, double from, double to, PlanePath points)
    {
        from = Math.Clamp(from, 0, 1);
        to = Math.Clamp(to, 0, 1);
        bool backwards = from > to;
        double lo = backwards ? to : from, hi = backwards ? from : to;
        int start = points.Count;
        int n = graph.EdgePointCount(edge);
        double total = graph.EdgeGeometryLengthMetres(edge);
        if (n == 2 || total <= 0)
        {
            var (ax, ay) = graph.EdgePoint(edge, 0);
            var (bx, by) = graph.EdgePoint(edge, n - 1);
            points.AddRaw(ax + lo * (bx - ax), ay + lo * (by - ay));
            points.AddRaw(ax + hi * (bx - ax), ay + hi * (by - ay));
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
                    points.AddRaw(px + t * (x - px), py + t * (y - py));
                    started = true;
                }
                if (started)
                {
                    if (dHi <= next || i == n - 1)
                    {
                        double t = length > 0 ? Math.Min((dHi - along) / length, 1) : 1;
                        points.AddRaw(px + t * (x - px), py + t * (y - py));
                        break;
                    }
                    points.AddRaw(x, y);
                }
                along = next; px = x; py = y;
            }
        }
        if (backwards) points.Reverse(start);
        // Drop a first point that repeats the previous piece's last point.
        points.DropRepeatAt(start);
    }
}
