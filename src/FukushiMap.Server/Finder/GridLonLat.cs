using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Finder;

/// <summary>
/// Plane metres → lon/lat by bilinear interpolation in a grid of exact transforms over a network's extent (cell
/// <see cref="CellMetres"/> m). The inverse transverse Mercator is smooth at this scale: the interpolation error is under a
/// millimetre (checked by a test), while a route of a few hundred points costs microseconds instead of a ProjNet call each.
/// Points outside the grid use the exact transform.
/// </summary>
public sealed class GridLonLat
{
    public const double CellMetres = 100;

    private readonly PlaneProjector _projector;
    private readonly double _x0, _y0;
    private readonly int _nx, _ny;
    private readonly double[] _lon, _lat;

    public GridLonLat(WalkingGraph graph, PlaneProjector projector)
    {
        _projector = projector;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < graph.NodeCount; i++)
        {
            minX = Math.Min(minX, graph.NodeX(i));
            maxX = Math.Max(maxX, graph.NodeX(i));
            minY = Math.Min(minY, graph.NodeY(i));
            maxY = Math.Max(maxY, graph.NodeY(i));
        }
        if (graph.NodeCount == 0)
        {
            minX = minY = maxX = maxY = 0;
        }
        // A margin of 1 km holds the query points and hubs snapped up to 500 m away.
        _x0 = minX - 1000;
        _y0 = minY - 1000;
        _nx = (int)Math.Ceiling((maxX - minX + 2000) / CellMetres) + 1;
        _ny = (int)Math.Ceiling((maxY - minY + 2000) / CellMetres) + 1;
        if ((long)_nx * _ny > 4_000_000)
        {
            // A network too large for a grid: exact transforms only.
            _nx = _ny = 0;
        }
        _lon = new double[_nx * _ny];
        _lat = new double[_nx * _ny];
        for (var j = 0; j < _ny; j++)
        {
            for (var i = 0; i < _nx; i++)
            {
                var (lon, lat) = projector.ToLonLat(_x0 + i * CellMetres, _y0 + j * CellMetres);
                _lon[j * _nx + i] = lon;
                _lat[j * _nx + i] = lat;
            }
        }
    }

    /// <summary>Lon/lat of a plane point (degrees, JGD2011).</summary>
    public (double Lon, double Lat) ToLonLat(double x, double y)
    {
        var fx = (x - _x0) / CellMetres;
        var fy = (y - _y0) / CellMetres;
        var i = (int)Math.Floor(fx);
        var j = (int)Math.Floor(fy);
        if (i < 0 || j < 0 || i >= _nx - 1 || j >= _ny - 1)
        {
            return _projector.ToLonLat(x, y);
        }
        double tx = fx - i, ty = fy - j;
        int k = j * _nx + i;
        return (Bilinear(_lon, k, tx, ty), Bilinear(_lat, k, tx, ty));
    }

    private double Bilinear(double[] v, int k, double tx, double ty) =>
        (v[k] * (1 - tx) + v[k + 1] * tx) * (1 - ty) + (v[k + _nx] * (1 - tx) + v[k + _nx + 1] * tx) * ty;

    /// <summary>
    /// A plane path as interleaved [lon, lat, lon, lat …] (degrees), simplified first (Douglas–Peucker, <paramref name="toleranceMetres"/>
    /// in the plane: a drawn route needs no vertex that moves the line by less than that).
    /// </summary>
    public double[] ToLonLatFlat(PlanePath path, double toleranceMetres)
    {
        var keep = RouteSimplifier.Keep(path, toleranceMetres);
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
            var (lon, lat) = ToLonLat(path.X(i), path.Y(i));
            flat[j++] = lon;
            flat[j++] = lat;
        }
        return flat;
    }
}

/// <summary>Douglas–Peucker over a plane path: which points to keep (the ends always).</summary>
public static class RouteSimplifier
{
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
}

/// <summary>
/// Writes [lon, lat] positions with at most 7 decimals by integer arithmetic: the shortest-round-trip double formatting of the
/// default writer costs more than the whole route search on the finder's hot path.
/// </summary>
public sealed class CoordinatesJsonConverter : System.Text.Json.Serialization.JsonConverter<double[]>
{
    /// <summary>Reads [[lon, lat], …] back into the interleaved form.</summary>
    public override double[] Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        [.. (System.Text.Json.JsonSerializer.Deserialize<double[][]>(ref reader) ?? []).SelectMany(p => p.Take(2))];

    /// <summary>Writes interleaved [lon, lat, lon, lat …] as GeoJSON positions [[lon, lat], …].</summary>
    public override void Write(System.Text.Json.Utf8JsonWriter writer, double[] value, System.Text.Json.JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteStartArray();
        for (var i = 0; i + 1 < value.Length; i += 2)
        {
            writer.WriteStartArray();
            Number(writer, value[i], buffer);
            Number(writer, value[i + 1], buffer);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void Number(System.Text.Json.Utf8JsonWriter writer, double v, Span<byte> buffer)
    {
        if (!double.IsFinite(v) || Math.Abs(v) > 1e9)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteRawValue(Format(v, buffer), skipInputValidation: true);
        }
    }

    /// <summary>UTF-8 text of <paramref name="v"/> rounded to 7 decimals, trailing zeros dropped (131.2778890 → 131.277889).</summary>
    public static ReadOnlySpan<byte> Format(double v, Span<byte> buffer)
    {
        var scaled = (long)Math.Round(v * 1e7, MidpointRounding.AwayFromZero);
        var n = 0;
        if (scaled < 0)
        {
            buffer[n++] = (byte)'-';
            scaled = -scaled;
        }
        long whole = scaled / 10_000_000, frac = scaled % 10_000_000;
        System.Buffers.Text.Utf8Formatter.TryFormat(whole, buffer[n..], out var written);
        n += written;
        if (frac != 0)
        {
            buffer[n++] = (byte)'.';
            var digits = 7;
            while (frac % 10 == 0)
            {
                frac /= 10;
                digits--;
            }
            for (var i = digits - 1; i >= 0; i--)
            {
                buffer[n + i] = (byte)('0' + frac % 10);
                frac /= 10;
            }
            n += digits;
        }
        return buffer[..n];
    }
}
