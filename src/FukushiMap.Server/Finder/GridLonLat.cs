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

    /// <summary>A plane path as GeoJSON LineString coordinates [lon, lat], rounded to 1e-7° (about 1 cm).</summary>
    public double[][] ToLonLat(Coordinate[] path)
    {
        var result = new double[path.Length][];
        for (var i = 0; i < path.Length; i++)
        {
            var (lon, lat) = ToLonLat(path[i].X, path[i].Y);
            result[i] = [Math.Round(lon, 7), Math.Round(lat, 7)];
        }
        return result;
    }
}

/// <summary>
/// Writes [lon, lat] pairs with at most 7 decimals by integer arithmetic: the shortest-round-trip double formatting of the
/// default writer costs more than the whole route search on the finder's hot path.
/// </summary>
public sealed class CoordinatesJsonConverter : System.Text.Json.Serialization.JsonConverter<double[][]>
{
    public override double[][] Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        System.Text.Json.JsonSerializer.Deserialize<double[][]>(ref reader) ?? [];

    public override void Write(System.Text.Json.Utf8JsonWriter writer, double[][] value, System.Text.Json.JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteStartArray();
        foreach (var point in value)
        {
            writer.WriteStartArray();
            foreach (var v in point)
            {
                if (!double.IsFinite(v) || Math.Abs(v) > 1e9)
                {
                    writer.WriteNumberValue(v);
                    continue;
                }
                writer.WriteRawValue(Format(v, buffer), skipInputValidation: true);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
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
