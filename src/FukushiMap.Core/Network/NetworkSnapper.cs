using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// Snaps plane points (metres) onto the nearest point of the nearest edge of a <see cref="WalkingGraph"/>.
/// Uses a uniform grid over edge segments; exact (the true nearest segment, ties to the lower edge).
/// A point farther than <see cref="MaxSnapMetres"/> from every edge is reported off-network, with the distance to the
/// nearest edge, never dropped. Read-only after construction and safe to share across threads.
/// </summary>
public sealed class NetworkSnapper
{
    /// <summary>Default maximum snap distance: 500 metres.</summary>
    public const double DefaultMaxSnapMetres = 500;

    private readonly WalkingGraph _graph;
    private readonly int[] _segmentEdges;
    private readonly double[] _x0, _y0, _x1, _y1;
    private readonly double[] _segmentStartMetres;    // geometric distance along its edge where the segment starts
    private readonly double[] _edgeGeometryMetres;
    private readonly double _minX, _minY, _cellSize;
    private readonly int _columns, _rows;
    private readonly int[] _cellStarts;               // CSR over cells
    private readonly int[] _cellSegments;

    /// <summary>Indexes every edge segment of <paramref name="graph"/>.</summary>
    /// <param name="graph">The network.</param>
    /// <param name="maxSnapMetres">Farthest distance (metres) at which a point still counts as on the network.</param>
    public NetworkSnapper(WalkingGraph graph, double maxSnapMetres = DefaultMaxSnapMetres)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        if (!(maxSnapMetres >= 0)) throw new ArgumentOutOfRangeException(nameof(maxSnapMetres), maxSnapMetres, "Must be >= 0 metres.");
        MaxSnapMetres = maxSnapMetres;

        int edges = graph.EdgeCount;
        int segments = 0;
        for (int e = 0; e < edges; e++) segments += graph.EdgePointCount(e) - 1;
        _segmentEdges = new int[segments];
        _x0 = new double[segments]; _y0 = new double[segments]; _x1 = new double[segments]; _y1 = new double[segments];
        _segmentStartMetres = new double[segments];
        _edgeGeometryMetres = new double[edges];
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        int k = 0;
        for (int e = 0; e < edges; e++)
        {
            int n = graph.EdgePointCount(e);
            var (px, py) = graph.EdgePoint(e, 0);
            double along = 0;
            for (int i = 1; i < n; i++, k++)
            {
                var (x, y) = graph.EdgePoint(e, i);
                _segmentEdges[k] = e;
                _x0[k] = px; _y0[k] = py; _x1[k] = x; _y1[k] = y;
                _segmentStartMetres[k] = along;
                along += Math.Sqrt((x - px) * (x - px) + (y - py) * (y - py));
                minX = Math.Min(minX, Math.Min(px, x)); maxX = Math.Max(maxX, Math.Max(px, x));
                minY = Math.Min(minY, Math.Min(py, y)); maxY = Math.Max(maxY, Math.Max(py, y));
                px = x; py = y;
            }
            _edgeGeometryMetres[e] = along;
        }

        if (segments == 0)
        {
            _minX = _minY = 0; _cellSize = 1; _columns = _rows = 1;
            _cellStarts = new int[2]; _cellSegments = [];
            return;
        }
        // About two segments per cell on average, but never absurdly many cells.
        double width = Math.Max(maxX - minX, 1), height = Math.Max(maxY - minY, 1);
        double cell = Math.Max(Math.Sqrt(width * height / Math.Max(segments / 2.0, 1)), 1);
        while ((width / cell + 1) * (height / cell + 1) > 4_000_000) cell *= 2;
        _minX = minX; _minY = minY; _cellSize = cell;
        _columns = (int)(width / cell) + 1; _rows = (int)(height / cell) + 1;

        var counts = new int[_columns * _rows + 1];
        for (int pass = 0; pass < 2; pass++)
        {
            var cellSegments = pass == 1 ? new int[counts[^1]] : null;
            var next = pass == 1 ? (int[])counts.Clone() : null;
            for (int s = 0; s < segments; s++)
            {
                int c0 = Column(Math.Min(_x0[s], _x1[s])), c1 = Column(Math.Max(_x0[s], _x1[s]));
                int r0 = Row(Math.Min(_y0[s], _y1[s])), r1 = Row(Math.Max(_y0[s], _y1[s]));
                for (int r = r0; r <= r1; r++)
                    for (int c = c0; c <= c1; c++)
                    {
                        if (pass == 0) counts[r * _columns + c + 1]++;
                        else cellSegments![next![r * _columns + c]++] = s;
                    }
            }
            if (pass == 0) for (int i = 0; i < _columns * _rows; i++) counts[i + 1] += counts[i];
            else _cellSegments = cellSegments!;
        }
        _cellStarts = counts;
        _cellSegments ??= [];
    }

    /// <summary>Farthest distance in metres at which a point still snaps onto the network.</summary>
    public double MaxSnapMetres { get; }

    /// <summary>The indexed graph.</summary>
    public WalkingGraph Graph => _graph;

    /// <summary>Snaps a plane point (metres).</summary>
    public NetworkSnap Snap(Coordinate point)
    {
        ArgumentNullException.ThrowIfNull(point);
        int best = -1;
        double bestDist2 = double.PositiveInfinity, bestT = 0;
        double x = point.X, y = point.Y;
        if (_segmentEdges.Length > 0)
        {
            int cx = (int)Math.Floor((x - _minX) / _cellSize), cy = (int)Math.Floor((y - _minY) / _cellSize);
            // The first ring that can touch the grid.
            int start = Math.Max(Math.Max(-cx, cx - (_columns - 1)), Math.Max(-cy, cy - (_rows - 1)));
            start = Math.Max(start, 0);
            for (int ring = start; ; ring++)
            {
                int rowLo = cy - ring, rowHi = cy + ring, colLo = cx - ring, colHi = cx + ring;
                for (int r = Math.Max(rowLo, 0); r <= Math.Min(rowHi, _rows - 1); r++)
                {
                    if (r == rowLo || r == rowHi)
                    {
                        for (int c = Math.Max(colLo, 0); c <= Math.Min(colHi, _columns - 1); c++)
                            ScanCell(r * _columns + c, x, y, ref best, ref bestDist2, ref bestT);
                    }
                    else
                    {
                        if (colLo >= 0) ScanCell(r * _columns + colLo, x, y, ref best, ref bestDist2, ref bestT);
                        if (colHi < _columns && colHi != colLo) ScanCell(r * _columns + colHi, x, y, ref best, ref bestDist2, ref bestT);
                    }
                }
                double bound = ring * _cellSize;
                if (best >= 0 && bestDist2 <= bound * bound) break;
                if (rowLo <= 0 && colLo <= 0 && rowHi >= _rows - 1 && colHi >= _columns - 1) break;
            }
        }
        if (best < 0)
            return new NetworkSnap { Query = point, IsOnNetwork = false, EdgeIndex = -1, Fraction = 0, OffsetMetres = 0, SnapMetres = double.PositiveInfinity, Point = null };

        int edge = _segmentEdges[best];
        double sx = _x0[best] + bestT * (_x1[best] - _x0[best]), sy = _y0[best] + bestT * (_y1[best] - _y0[best]);
        double segLength = Math.Sqrt((_x1[best] - _x0[best]) * (_x1[best] - _x0[best]) + (_y1[best] - _y0[best]) * (_y1[best] - _y0[best]));
        double total = _edgeGeometryMetres[edge];
        double fraction = total > 0 ? Math.Clamp((_segmentStartMetres[best] + bestT * segLength) / total, 0, 1) : 0;
        double distance = Math.Sqrt(bestDist2);
        return new NetworkSnap
        {
            Query = point,
            IsOnNetwork = distance <= MaxSnapMetres,
            EdgeIndex = edge,
            Fraction = fraction,
            OffsetMetres = fraction * _graph.EdgeLengthMetres(edge),
            SnapMetres = distance,
            Point = new Coordinate(sx, sy),
        };
    }

    /// <summary>Snaps a plane point given as (x, y) metres.</summary>
    public NetworkSnap Snap(double x, double y) => Snap(new Coordinate(x, y));

    private void ScanCell(int cell, double x, double y, ref int best, ref double bestDist2, ref double bestT)
    {
        for (int i = _cellStarts[cell]; i < _cellStarts[cell + 1]; i++)
        {
            int s = _cellSegments[i];
            double d2 = SegmentDistance2(s, x, y, out double t);
            if (d2 < bestDist2 || (d2 == bestDist2 && s < best)) { bestDist2 = d2; best = s; bestT = t; }
        }
    }

    private double SegmentDistance2(int s, double x, double y, out double t)
    {
        double ax = _x0[s], ay = _y0[s], dx = _x1[s] - ax, dy = _y1[s] - ay;
        double len2 = dx * dx + dy * dy;
        t = len2 > 0 ? Math.Clamp(((x - ax) * dx + (y - ay) * dy) / len2, 0, 1) : 0;
        double px = ax + t * dx - x, py = ay + t * dy - y;
        return px * px + py * py;
    }

    private int Column(double x) => Math.Clamp((int)((x - _minX) / _cellSize), 0, _columns - 1);
    private int Row(double y) => Math.Clamp((int)((y - _minY) / _cellSize), 0, _rows - 1);
}
