using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Geodesy;

/// <summary>
/// Plane metres → lon/lat by bilinear interpolation in a grid of exact transforms over an extent (cell
/// <see cref="CellMetres"/> m, with a margin of 1 km). The inverse transverse Mercator is smooth at this
/// scale: the interpolation error is under a millimetre (checked by a test), while a route of a few hundred points costs
/// microseconds instead of a ProjNet call each. Points outside the grid use the exact transform. Immutable; safe to share.
/// </summary>
public sealed class GridLonLat
{
    /// <summary>Side of a grid cell, plane metres.</summary>
    public const double CellMetres = 100;

    private readonly PlaneProjector _projector;
    private readonly double _x0, _y0;
    private readonly int _nx, _ny;
    private readonly double[] _lon, _lat;

    // A margin of 1 km holds the query points and hubs snapped up to 500 m away from a network.
    private const double MarginMetres = 1000;
    // An extent larger than this many grid points (a network too large for a grid) gets exact transforms only.
    private const long MaxGridPoints = 4_000_000;

    /// <summary>
    /// Computes the grid over <paramref name="planeExtent"/> (plane metres of <paramref name="projector"/>'s zone, e.g. a walking
    /// network's nodes; a null envelope counts as the single point (0, 0)).
    /// </summary>
    public GridLonLat(PlaneProjector projector, Envelope planeExtent)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(planeExtent);
        _projector = projector;
        double minX = 0, minY = 0, maxX = 0, maxY = 0;
        if (!planeExtent.IsNull)
        {
            (minX, minY, maxX, maxY) = (planeExtent.MinX, planeExtent.MinY, planeExtent.MaxX, planeExtent.MaxY);
        }
        _x0 = minX - MarginMetres;
        _y0 = minY - MarginMetres;
        _nx = (int)Math.Ceiling((maxX - minX + 2 * MarginMetres) / CellMetres) + 1;
        _ny = (int)Math.Ceiling((maxY - minY + 2 * MarginMetres) / CellMetres) + 1;
        if ((long)_nx * _ny > MaxGridPoints)
        {
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

    /// <summary>Lon/lat (degrees, JGD2011) of a plane point (metres).</summary>
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
}
