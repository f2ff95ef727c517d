using FukushiMap.Core.Geodesy;

namespace FukushiMap.Core.Network;

/// <summary>Douglas–Peucker over a <see cref="PlanePath"/>, for drawing a route: which points to keep (the ends always).</summary>
public static class RouteSimplifier
{
    /// <summary>
    /// Which points of <paramref name="path"/> to keep so that no dropped point lies farther than <paramref name="tolerance"/>
    /// metres from the simplified line; every point when the tolerance is ≤ 0 or the path has fewer than three points.
    /// </summary>
    public static bool[] Keep(PlanePath path, double tolerance)
    {
        var keep = new bool[path.Count];
        if (path.Count == 0)
        {
            return keep;
        }
        keep[0] = keep[^1] = true;
        if (path.Count < 3 || tolerance <= 0)
        {
            Array.Fill(keep, true);
            return keep;
        }
        var stack = new Stack<(int From, int To)>();
        stack.Push((0, path.Count - 1));
        var tolerance2 = tolerance * tolerance;
        while (stack.Count > 0)
        {
            var (from, to) = stack.Pop();
            double ax = path.X(from), ay = path.Y(from), dx = path.X(to) - ax, dy = path.Y(to) - ay;
            var length2 = dx * dx + dy * dy;
            var worst = -1;
            var worstDistance2 = tolerance2;
            for (var i = from + 1; i < to; i++)
            {
                double px = path.X(i) - ax, py = path.Y(i) - ay;
                double d2;
                if (length2 <= 0)
                {
                    d2 = px * px + py * py;
                }
                else
                {
                    var t = Math.Clamp((px * dx + py * dy) / length2, 0, 1);
                    double ex = px - t * dx, ey = py - t * dy;
                    d2 = ex * ex + ey * ey;
                }
                if (d2 > worstDistance2)
                {
                    worstDistance2 = d2;
                    worst = i;
                }
            }
            if (worst > 0)
            {
                keep[worst] = true;
                stack.Push((from, worst));
                stack.Push((worst, to));
            }
        }
        return keep;
    }

    /// <summary>
    /// A plane path as interleaved [lon, lat, lon, lat …] (degrees, JGD2011), simplified first (<paramref name="toleranceMetres"/>
    /// in the plane: a drawn route needs no vertex that moves the line by less than that).
    /// </summary>
    public static double[] ToLonLatFlat(PlanePath path, double toleranceMetres, GridLonLat grid)
    {
        var keep = Keep(path, toleranceMetres);
        var count = 0;
        foreach (var k in keep)
        {
            if (k)
            {
                count++;
            }
        }
        var flat = new double[count * 2];
        var j = 0;
        for (var i = 0; i < path.Count; i++)
        {
            if (!keep[i])
            {
                continue;
            }
            var (lon, lat) = grid.ToLonLat(path.X(i), path.Y(i));
            flat[j++] = lon;
            flat[j++] = lat;
        }
        return flat;
    }
}
