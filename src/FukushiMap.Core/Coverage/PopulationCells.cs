using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;

namespace FukushiMap.Core.Coverage;

/// <summary>
/// The area each population unit's people are spread over: its polygon when imported; otherwise the Voronoi cell of
/// its representative point (the places nearer to it than to any other unit's point), clipped to the municipality
/// and intersected with a circle of the unit's published area (radius √(A/π)) so that a large rural cell does not
/// draw its people towards a distant town. Plane metres throughout.
/// </summary>
public static class PopulationCells
{
    /// <summary>Segments per quarter circle of the area circle.</summary>
    private const int CircleQuadrantSegments = 16;

    /// <summary>Builds one cell per unit (units sharing a representative point share a cell).</summary>
    /// <param name="units">The units, plane metres.</param>
    /// <param name="boundary">The municipality outline (plane metres), or null when unknown.</param>
    /// <param name="factory">Factory for the cells.</param>
    public static PopulationCell[] Build(IReadOnlyList<PopulationUnitInput> units, Geometry? boundary, GeometryFactory factory)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(factory);
        if (boundary is not null && !boundary.IsValid) boundary = boundary.Buffer(0);
        var preparedBoundary = boundary is null ? null : NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(boundary);

        var sites = units.Where(u => u.Polygon is null).Select(u => new Coordinate(u.Point.X, u.Point.Y)).Distinct().ToList();
        var voronoi = VoronoiCells(sites, boundary, factory);

        var cells = new PopulationCell[units.Count];
        for (int i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            if (unit.Polygon is { IsEmpty: false } polygon)
            {
                cells[i] = new PopulationCell(polygon.IsValid ? polygon : polygon.Buffer(0), CellKind.Polygon);
                continue;
            }
            var site = new Coordinate(unit.Point.X, unit.Point.Y);
            Geometry cell = voronoi[site];
            var kind = CellKind.Voronoi;
            if (unit.AreaSquareMetres is > 0 and var area && double.IsFinite(area))
            {
                cell = IntersectCircle(cell, site, Math.Sqrt(area / Math.PI), factory);
                kind = CellKind.VoronoiLimitedByArea;
            }
            if (preparedBoundary is not null && !preparedBoundary.Contains(cell))
            {
                var clipped = OverlayNGRobust.Overlay(cell, boundary, SpatialFunction.Intersection);
                // A representative point on a coast the simplified outline cuts off keeps its unclipped cell.
                if (clipped.Area > 0) cell = clipped;
            }
            cells[i] = new PopulationCell(Polygonal(cell, factory), kind);
        }
        return cells;
    }

    /// <summary>Voronoi cell of every distinct site, each clipped to a box well around the sites and the boundary.</summary>
    private static Dictionary<Coordinate, Geometry> VoronoiCells(List<Coordinate> sites, Geometry? boundary, GeometryFactory factory)
    {
        var result = new Dictionary<Coordinate, Geometry>();
        if (sites.Count == 0) return result;
        var envelope = new Envelope();
        foreach (var s in sites) envelope.ExpandToInclude(s);
        if (boundary is not null) envelope.ExpandToInclude(boundary.EnvelopeInternal);
        envelope.ExpandBy(Math.Max(1000, Math.Max(envelope.Width, envelope.Height)));
        var box = factory.ToGeometry(envelope);

        if (sites.Count >= 3)
        {
            var builder = new VoronoiDiagramBuilder { ClipEnvelope = envelope };
            builder.SetSites(sites);
            var diagram = builder.GetDiagram(factory);
            for (int i = 0; i < diagram.NumGeometries; i++)
            {
                var cell = diagram.GetGeometryN(i);
                if (cell.UserData is Coordinate site) result[new Coordinate(site.X, site.Y)] = cell;
            }
        }
        // Too few or collinear sites give no diagram: cut the box by the half-planes nearer to each site instead.
        foreach (var site in sites)
        {
            if (result.ContainsKey(site)) continue;
            Geometry cell = box;
            foreach (var other in sites)
            {
                if (other.Equals2D(site)) continue;
                cell = OverlayNGRobust.Overlay(cell, HalfPlane(site, other, envelope, factory), SpatialFunction.Intersection);
            }
            result[site] = cell;
        }
        return result;
    }

    /// <summary>
    /// A convex cell ∩ a circle (as a polygon of 4 × <see cref="CircleQuadrantSegments"/> sides): the circle clipped by
    /// each side of the cell in turn (Sutherland–Hodgman), which is exact for convex cells and far quicker than a
    /// general overlay. Voronoi cells are convex; anything else goes through the general overlay.
    /// </summary>
    internal static Geometry IntersectCircle(Geometry cell, Coordinate centre, double radius, GeometryFactory factory)
    {
        int n = 4 * CircleQuadrantSegments;
        var circle = new List<Coordinate>(n);
        for (int k = 0; k < n; k++)
        {
            double a = 2 * Math.PI * k / n;
            circle.Add(new Coordinate(centre.X + radius * Math.Cos(a), centre.Y + radius * Math.Sin(a)));
        }
        if (cell is not Polygon { NumInteriorRings: 0 } polygon || !IsConvex(polygon.ExteriorRing.Coordinates))
        {
            var ring = circle.Append(circle[0]).ToArray();
            return OverlayNGRobust.Overlay(cell, factory.CreatePolygon(ring), SpatialFunction.Intersection);
        }
        var clip = polygon.ExteriorRing.Coordinates;
        bool ccw = NetTopologySuite.Algorithm.Orientation.IsCCW(clip);
        var output = circle;
        for (int e = 0; e < clip.Length - 1 && output.Count > 0; e++)
        {
            var a = ccw ? clip[e] : clip[e + 1];
            var b = ccw ? clip[e + 1] : clip[e];
            var input = output;
            output = new List<Coordinate>(input.Count + 2);
            for (int i = 0; i < input.Count; i++)
            {
                var p = input[i];
                var q = input[(i + 1) % input.Count];
                double sp = Side(a, b, p), sq = Side(a, b, q);
                if (sp >= 0) output.Add(p);
                if ((sp >= 0) != (sq >= 0))
                {
                    double t = sp / (sp - sq);
                    output.Add(new Coordinate(p.X + t * (q.X - p.X), p.Y + t * (q.Y - p.Y)));
                }
            }
        }
        if (output.Count < 3) return factory.CreatePolygon();
        output.Add(output[0].Copy());
        return factory.CreatePolygon(output.ToArray());

        static double Side(Coordinate a, Coordinate b, Coordinate p) => (b.X - a.X) * (p.Y - a.Y) - (b.Y - a.Y) * (p.X - a.X);
    }

    private static bool IsConvex(Coordinate[] ring)
    {
        int sign = 0;
        for (int i = 0; i < ring.Length - 1; i++)
        {
            var a = ring[i];
            var b = ring[i + 1];
            var c = ring[(i + 2) % (ring.Length - 1)];
            double cross = (b.X - a.X) * (c.Y - b.Y) - (b.Y - a.Y) * (c.X - b.X);
            if (Math.Abs(cross) < 1e-9) continue;
            int s = Math.Sign(cross);
            if (sign == 0) sign = s;
            else if (s != sign) return false;
        }
        return true;
    }

    /// <summary>The part of a box around <paramref name="envelope"/> nearer to <paramref name="a"/> than to <paramref name="b"/>.</summary>
    private static Polygon HalfPlane(Coordinate a, Coordinate b, Envelope envelope, GeometryFactory factory)
    {
        double mx = (a.X + b.X) / 2, my = (a.Y + b.Y) / 2;
        double dx = b.X - a.X, dy = b.Y - a.Y, len = Math.Sqrt(dx * dx + dy * dy);
        double ux = dx / len, uy = dy / len;           // towards b
        double far = 4 * Math.Max(envelope.Width, envelope.Height) + len;
        double px = -uy * far, py = ux * far;           // along the bisector
        return factory.CreatePolygon([
            new Coordinate(mx + px, my + py), new Coordinate(mx + px - ux * far, my + py - uy * far),
            new Coordinate(mx - px - ux * far, my - py - uy * far), new Coordinate(mx - px, my - py), new Coordinate(mx + px, my + py),
        ]);
    }

    /// <summary>Keeps only the polygonal part of an overlay result (slivers of lines or points are dropped).</summary>
    private static Geometry Polygonal(Geometry g, GeometryFactory factory)
    {
        if (g is Polygon or MultiPolygon) return g;
        var polygons = new List<Polygon>();
        for (int i = 0; i < g.NumGeometries; i++)
            if (g.GetGeometryN(i) is Polygon p && !p.IsEmpty) polygons.Add(p);
        return polygons.Count == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons.ToArray());
    }
}
