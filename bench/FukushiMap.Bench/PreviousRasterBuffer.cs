// A kept copy of FukushiMap.Core's RasterBuffer as it was before issue 14 (git: main at 7db5bbe), so the bench can measure how
// close today's isochrone polygon is to the previous one (intersection over union) in the same run. Not used by the product.
using System.Buffers;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace FukushiMap.Bench;

/// <summary>
/// (Previous version, see the top of the file.) A fast, approximate buffer-and-dissolve of many lines: cells whose centre lies within the distance of any line
/// are marked on a raster, and the marked region is traced back to polygons with marching squares.
/// The boundary is within half a cell of the exact buffer's. Rings never touch (filled cells join only through
/// shared sides), so the result is a valid Polygon or MultiPolygon with holes where nothing is within reach.
/// </summary>
/// <remarks>
/// Measured on the 宇部市 walk network (a 15-minute walk, ~2,800 street pieces): NetTopologySuite's vector buffer of
/// the MultiLineString took seconds (its noding at plane-coordinate magnitudes is slow); buffering pieces and
/// unioning them took hundreds of milliseconds; this raster takes a few milliseconds. The raster is a pooled array, each
/// vertex's disc is drawn once however many pieces meet there, and the tracer skips runs of uniform squares
/// (FukushiMap.Bench, the heaviest 15-minute 宇部市 isochrone: about 4 ms down to under 3 ms of CPU for this step, same output).
/// </remarks>
internal static class PreviousRasterBuffer
{
    /// <summary>Largest raster side; the cell grows for very large areas so memory stays bounded.</summary>
    private const int MaxCellsPerSide = 2500;

    public static Geometry Buffer(GeometryFactory factory, IReadOnlyList<LineString> lines, double distance, double cellMetres)
    {
        if (lines.Count == 0 || !(distance > 0)) return factory.CreatePolygon();
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var line in lines)
        {
            var e = line.EnvelopeInternal;
            minX = Math.Min(minX, e.MinX); minY = Math.Min(minY, e.MinY);
            maxX = Math.Max(maxX, e.MaxX); maxY = Math.Max(maxY, e.MaxY);
        }
        double cell = Math.Max(cellMetres, Math.Max(maxX - minX, maxY - minY) / MaxCellsPerSide);
        double originX = minX - distance - cell, originY = minY - distance - cell;
        int width = (int)Math.Ceiling((maxX + distance + cell - originX) / cell) + 1;
        // Sample points at cell centres; one empty sample row/column of padding all round closes every contour.
        int height = (int)Math.Ceiling((maxY + distance + cell - originY) / cell) + 1;
        var raster = new Raster(width, height, originX, originY, cell, distance);
        try
        {
            // Each vertex's disc is drawn once: inside a line as the end cap of the segment before it, and where lines meet
            // (pieces of streets meet at nodes) only by the first line that gets there.
            var capped = new HashSet<(double X, double Y)>();
            foreach (var line in lines)
            {
                var points = line.CoordinateSequence;
                double px = points.GetX(0), py = points.GetY(0);
                int n = points.Count;
                if (n == 1)
                {
                    if (capped.Add((px, py))) raster.FillCapsule(px, py, px, py, startCap: true, endCap: false);
                    continue;
                }
                bool startCap = capped.Add((px, py));
                for (int i = 1; i < n; i++)
                {
                    double x = points.GetX(i), y = points.GetY(i);
                    bool endCap = i < n - 1 || capped.Add((x, y));
                    raster.FillCapsule(px, py, x, y, startCap, endCap);
                    startCap = false;
                    px = x; py = y;
                }
            }
            return Trace(factory, raster);
        }
        finally
        {
            raster.Return();
        }
    }

    /// <summary>The samples and their grid; <see cref="FillCapsule"/> marks every sample within R of a segment.</summary>
    private sealed class Raster
    {
        public readonly byte[] Filled;     // 1 = sample within reach; pooled, so longer than Width * Height
        public readonly int Width, Height;
        public readonly double OriginX, OriginY, Cell, R;
        public Raster(int width, int height, double originX, double originY, double cell, double r)
        {
            Width = width; Height = height; OriginX = originX; OriginY = originY; Cell = cell; R = r;
            Filled = ArrayPool<byte>.Shared.Rent(width * height);
            Array.Clear(Filled, 0, width * height);
        }
        public void Return() => ArrayPool<byte>.Shared.Return(Filled);

        /// <summary>
        /// Marks every sample within R of segment AB: the band along the segment, and the discs at A and B when asked for
        /// (a disc some other segment already drew is not drawn again).
        /// </summary>
        public void FillCapsule(double ax, double ay, double bx, double by, bool startCap, bool endCap)
        {
            double r = R, cell = Cell, originX = OriginX, originY = OriginY, invCell = 1 / cell;
            double dx = bx - ax, dy = by - ay;
            double length = Math.Sqrt(dx * dx + dy * dy);
            double ux = length > 0 ? dx / length : 0, uy = length > 0 ? dy / length : 0;
            bool along = Math.Abs(ux) >= 1e-12, across = Math.Abs(uy) >= 1e-12;
            double invUx = along ? 1 / ux : 0, invUy = across ? 1 / uy : 0;
            double r2 = r * r;
            // Rows the capsule can touch: the band (its half-width r projects to r·|ux| vertically) and the caps.
            double bandHalf = length > 0 ? r * Math.Abs(ux) : r;
            double yLo = Math.Min(ay, by) - bandHalf, yHi = Math.Max(ay, by) + bandHalf;
            if (endCap) { yLo = Math.Min(yLo, by - r); yHi = Math.Max(yHi, by + r); }
            if (startCap) { yLo = Math.Min(yLo, ay - r); yHi = Math.Max(yHi, ay + r); }
            int rowLo = Math.Max(0, (int)Math.Ceiling((yLo - originY) * invCell));
            int rowHi = Math.Min(Height - 1, (int)Math.Floor((yHi - originY) * invCell));
            var filled = Filled;
            int width = Width;
            for (int row = rowLo; row <= rowHi; row++)
            {
                double y = originY + row * cell;
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                if (endCap)
                {
                    double dyb = y - by, hb = r2 - dyb * dyb;
                    if (hb >= 0) { double half = Math.Sqrt(hb); lo = bx - half; hi = bx + half; }
                }
                double dya = y - ay;
                if (startCap)
                {
                    double ha = r2 - dya * dya;
                    if (ha >= 0) { double half = Math.Sqrt(ha); lo = Math.Min(lo, ax - half); hi = Math.Max(hi, ax + half); }
                }
                if (length > 0)
                {
                    // The band along the segment: 0 <= (p-A)·u <= length and |(p-A)×u| <= r, both linear in x.
                    double bandLo = double.NegativeInfinity, bandHi = double.PositiveInfinity;
                    double t = dya * uy, s = dya * ux;
                    if (along)
                    {
                        double x1 = -t * invUx, x2 = (length - t) * invUx;
                        bandLo = Math.Min(x1, x2); bandHi = Math.Max(x1, x2);
                    }
                    else if (t < 0 || t > length) bandLo = double.PositiveInfinity;
                    if (across)
                    {
                        double x1 = (s - r) * invUy, x2 = (s + r) * invUy;
                        bandLo = Math.Max(bandLo, Math.Min(x1, x2)); bandHi = Math.Min(bandHi, Math.Max(x1, x2));
                    }
                    else if (s < -r || s > r) bandLo = double.PositiveInfinity;
                    if (bandLo <= bandHi) { lo = Math.Min(lo, bandLo + ax); hi = Math.Max(hi, bandHi + ax); }
                }
                if (lo > hi) continue;
                int colLo = Math.Max(0, (int)Math.Ceiling((lo - originX) * invCell));
                int colHi = Math.Min(width - 1, (int)Math.Floor((hi - originX) * invCell));
                if (colLo <= colHi) filled.AsSpan(row * width + colLo, colHi - colLo + 1).Fill(1);
            }
        }
    }

    /// <summary>Marching squares over the samples, contours oriented with the filled side on the left.</summary>
    private static Geometry Trace(GeometryFactory factory, Raster raster)
    {
        int width = raster.Width, height = raster.Height;
        double originX = raster.OriginX, originY = raster.OriginY, cell = raster.Cell;
        var filled = raster.Filled;
        // Crossing ids: horizontal sample edge (i,j)-(i+1,j) is j*width+i; vertical (i,j)-(i,j+1) is vOffset + j*width+i.
        int vOffset = width * height;
        // next[id] = the crossing following crossing id along its contour (a dictionary: memory follows the outline, not the
        // raster); order = crossings in the order found, so rings come out in the same order every time.
        var next = new Dictionary<int, int>();
        var order = new List<int>();
        for (int j = 0; j < height - 1; j++)
        {
            int row = j * width, above = row + width;
            var here = filled.AsSpan(row, width);
            var there = filled.AsSpan(above, width);
            int i = 0;
            while (i < width - 1)
            {
                // Skip a run of squares whose four corners all equal this one's bottom-left corner.
                byte v = here[i];
                int runHere = here[i..].IndexOfAnyExcept(v);
                int runThere = there[i..].IndexOfAnyExcept(v);
                int run = Math.Min(runHere < 0 ? width - i : runHere, runThere < 0 ? width - i : runThere);
                // Squares i .. i+run-2 have all corners equal to v.
                if (run >= 2) { i += run - 1; continue; }
                Square(i);
                i++;
            }

            // Corners counter-clockwise: bottom-left, bottom-right, top-right, top-left (bits 0..3); sides counter-clockwise:
            // bottom, right, top, left (side k runs from corner k to corner k+1).
            void Square(int i)
            {
                int c0 = filled[row + i], c1 = filled[row + i + 1], c2 = filled[above + i + 1], c3 = filled[above + i];
                int mask = c0 | c1 << 1 | c2 << 2 | c3 << 3;
                if (mask == 0 || mask == 15) return;
                int e0 = row + i, e1 = vOffset + row + i + 1, e2 = above + i, e3 = vOffset + row + i;
                for (int k = 0; k < 4; k++)
                {
                    if ((mask >> k & 1) == 0 || (mask >> ((k + 1) & 3) & 1) != 0) continue;
                    // Join the filled→empty side to the nearest empty→filled side going clockwise: keeps the filled corner
                    // on the left and separates diagonal corners of a saddle.
                    for (int step = 1; step < 4; step++)
                    {
                        int m = (k - step) & 3;
                        if ((mask >> m & 1) == 0 && (mask >> ((m + 1) & 3) & 1) != 0)
                        {
                            int from = k switch { 0 => e0, 1 => e1, 2 => e2, _ => e3 };
                            next[from] = m switch { 0 => e0, 1 => e1, 2 => e2, _ => e3 };
                            order.Add(from);
                            break;
                        }
                    }
                }
            }
        }

        var shells = new List<(LinearRing Ring, double Area)>();
        var holes = new List<LinearRing>();
        var ring = new List<Coordinate>();
        foreach (int start in order)
        {
            if (!next.ContainsKey(start)) continue; // already on a traced ring
            ring.Clear();
            int id = start;
            do
            {
                var p = Midpoint(id);
                // Drop points in the middle of straight runs.
                if (ring.Count >= 2 && Collinear(ring[^2], ring[^1], p)) ring[^1] = p;
                else ring.Add(p);
                int following = next[id];
                next.Remove(id);
                id = following;
            } while (id != start);
            if (ring.Count >= 3 && Collinear(ring[^2], ring[^1], ring[0])) ring.RemoveAt(ring.Count - 1);
            if (ring.Count >= 3 && Collinear(ring[^1], ring[0], ring[1])) ring.RemoveAt(0);
            if (ring.Count < 3) continue;
            ring.Add(ring[0].Copy());
            var linear = factory.CreateLinearRing(ring.ToArray());
            double signedArea = Area.OfRingSigned(linear.CoordinateSequence);
            // NTS: negative signed area = counter-clockwise = filled on the left = a shell.
            if (signedArea < 0) shells.Add((linear, -signedArea)); else holes.Add(linear);
        }

        shells.Sort((a, b) => a.Area.CompareTo(b.Area));
        var holesOf = shells.Select(_ => new List<LinearRing>()).ToArray();
        foreach (var hole in holes)
        {
            var probe = hole.GetCoordinateN(0);
            for (int s = 0; s < shells.Count; s++)
            {
                if (!shells[s].Ring.EnvelopeInternal.Contains(hole.EnvelopeInternal)) continue;
                if (PointLocation.IsInRing(probe, shells[s].Ring.CoordinateSequence)) { holesOf[s].Add(hole); break; }
            }
        }
        var polygons = new Polygon[shells.Count];
        for (int s = 0; s < shells.Count; s++) polygons[s] = factory.CreatePolygon(shells[s].Ring, holesOf[s].ToArray());
        return polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);

        Coordinate Midpoint(int id)
        {
            bool vertical = id >= vOffset;
            int k = vertical ? id - vOffset : id;
            int i = k % width, j = k / width;
            return vertical
                ? new Coordinate(originX + i * cell, originY + (j + 0.5) * cell)
                : new Coordinate(originX + (i + 0.5) * cell, originY + j * cell);
        }
    }

    private static bool Collinear(Coordinate a, Coordinate b, Coordinate c) =>
        Math.Abs((b.X - a.X) * (c.Y - a.Y) - (b.Y - a.Y) * (c.X - a.X)) < 1e-9 * (1 + Math.Abs(b.X - a.X) + Math.Abs(b.Y - a.Y));
}
