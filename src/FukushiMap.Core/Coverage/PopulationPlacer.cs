using FukushiMap.Core.Network;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace FukushiMap.Core.Coverage;

/// <summary>
/// Places each population unit's people onto the walking network inside the unit's cell, so that a person's walk
/// starts near where they live:
/// <list type="number">
/// <item>every street is sampled about every <see cref="PlacementOptions.SampleSpacingMetres"/>; each sample stands
/// for the street length around it and is a point on its edge (an exact partial-edge position);</item>
/// <item>the share of the cell lying outside the network data's extent is <c>no_network</c>;</item>
/// <item>the rest is shared over the samples inside the cell in proportion to street length, by the largest-remainder
/// method, so every unit's total (and each age band) is kept exactly;</item>
/// <item>a cell with no street inside puts its people at its representative point snapped onto the nearest street,
/// when that is within the snapper's maximum snap distance; otherwise they are <c>no_network</c>.</item>
/// </list>
/// </summary>
public static class PopulationPlacer
{
    /// <summary>Places <paramref name="units"/> (with their <paramref name="cells"/>) onto the network of <paramref name="snapper"/>.</summary>
    public static PopulationPlacement Place(NetworkSnapper snapper, IReadOnlyList<PopulationUnitInput> units,
        IReadOnlyList<PopulationCell> cells, PlacementOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapper);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count != units.Count) throw new ArgumentException("One cell per unit is needed.", nameof(cells));
        options ??= new PlacementOptions();
        if (!(options.SampleSpacingMetres > 0)) throw new ArgumentOutOfRangeException(nameof(options), "SampleSpacingMetres must be > 0.");
        int bandCount = options.BandNames.Count;
        foreach (var u in units)
        {
            if (u.Population < 0) throw new ArgumentException($"Unit {u.Code} has a negative population.", nameof(units));
            if (bandCount > 0 && (u.Bands is null || u.Bands.Count != bandCount || u.Bands.Any(b => b < 0)))
                throw new ArgumentException($"Unit {u.Code} lacks the {bandCount} age bands.", nameof(units));
        }
        var graph = snapper.Graph;
        var factory = cells.Count > 0 ? cells[0].Area.Factory : new GeometryFactory();
        var extent = Extent(graph, options, snapper.MaxSnapMetres, factory);
        var preparedExtent = PreparedGeometryFactory.Prepare(extent);

        // Units sharing a representative point share one cell object: sample per distinct cell.
        var cellIds = new Dictionary<Geometry, int>(ReferenceEqualityComparer.Instance);
        var unitCell = new int[units.Count];
        var distinctCells = new List<Geometry>();
        for (int i = 0; i < units.Count; i++)
        {
            var area = cells[i].Area;
            if (!cellIds.TryGetValue(area, out int id))
            {
                cellIds[area] = id = distinctCells.Count;
                distinctCells.Add(area);
            }
            unitCell[i] = id;
        }
        var samples = SampleStreets(graph, distinctCells, options.SampleSpacingMetres, cancellationToken);

        var kinds = new List<PlacementKind>();
        var unitIndex = new List<int>();
        var snaps = new List<NetworkSnap>();
        var xs = new List<double>();
        var ys = new List<double>();
        var people = new List<int>();
        var bands = Enumerable.Range(0, bandCount).Select(_ => new List<int>()).ToArray();
        var summaries = new UnitPlacement[units.Count];

        for (int i = 0; i < units.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var unit = units[i];
            var cell = cells[i].Area;
            var inCell = samples[unitCell[i]];
            double share = ShareInside(cell, unit.Point, extent, preparedExtent);
            var pointSnap = snapper.Snap(unit.Point);

            // Split the unit (and each band) into the part inside the network's extent and the part outside.
            var (inside, outside) = Split(unit.Population, share);
            var bandsInside = new int[bandCount];
            var bandsOutside = new int[bandCount];
            for (int b = 0; b < bandCount; b++) (bandsInside[b], bandsOutside[b]) = Split(unit.Bands![b], share);

            int onStreets = 0, atPoint = 0, beyondSnap = 0;
            double streetMetres = inCell.Sum(s => s.Weight);
            bool anyInside = inside > 0 || bandsInside.Any(v => v > 0);
            if (anyInside && inCell.Count > 0)
            {
                var weights = inCell.Select(s => s.Weight).ToArray();
                var shares = new int[inCell.Count];
                Apportionment.LargestRemainder(inside, weights, shares);
                var bandShares = new int[bandCount][];
                for (int b = 0; b < bandCount; b++)
                {
                    bandShares[b] = new int[inCell.Count];
                    Apportionment.LargestRemainder(bandsInside[b], weights, bandShares[b]);
                }
                for (int s = 0; s < inCell.Count; s++)
                {
                    bool any = shares[s] > 0;
                    for (int b = 0; b < bandCount && !any; b++) any = bandShares[b][s] > 0;
                    if (!any) continue;
                    var sample = inCell[s];
                    var at = new Coordinate(sample.X, sample.Y);
                    Add(PlacementKind.Street, new NetworkSnap
                    {
                        Query = at, IsOnNetwork = true, EdgeIndex = sample.Edge, Fraction = sample.Fraction,
                        OffsetMetres = sample.Fraction * graph.EdgeLengthMetres(sample.Edge), SnapMetres = 0, Point = at,
                    }, sample.X, sample.Y, shares[s], b => bandShares[b][s]);
                }
                onStreets = inside;
            }
            else if (anyInside && pointSnap.IsOnNetwork)
            {
                Add(PlacementKind.RepresentativePoint, pointSnap, unit.Point.X, unit.Point.Y, inside, b => bandsInside[b]);
                atPoint = inside;
            }
            else if (anyInside)
            {
                beyondSnap = inside;
                for (int b = 0; b < bandCount; b++) bandsOutside[b] += bandsInside[b];
                outside += inside;
            }
            if (outside > 0 || bandsOutside.Any(v => v > 0))
                Add(PlacementKind.NoNetwork, pointSnap with { IsOnNetwork = false }, unit.Point.X, unit.Point.Y, outside, b => bandsOutside[b]);
            summaries[i] = new UnitPlacement(onStreets, atPoint, outside - beyondSnap, beyondSnap, inCell.Count, streetMetres, share,
                pointSnap.SnapMetres);

            void Add(PlacementKind kind, NetworkSnap snap, double x, double y, int count, Func<int, int> band)
            {
                kinds.Add(kind); unitIndex.Add(i); snaps.Add(snap); xs.Add(x); ys.Add(y); people.Add(count);
                for (int b = 0; b < bandCount; b++) bands[b].Add(band(b));
            }
        }
        return new PopulationPlacement(units.ToArray(), cells.ToArray(), summaries, kinds.ToArray(), unitIndex.ToArray(),
            snaps.ToArray(), xs.ToArray(), ys.ToArray(), people.ToArray(), bands.Select(b => b.ToArray()).ToArray(),
            options.BandNames.ToArray(), extent, options.SampleSpacingMetres);
    }

    private static (int Inside, int Outside) Split(int total, double share)
    {
        if (share >= 1) return (total, 0);
        if (share <= 0) return (0, total);
        var parts = new int[2];
        Apportionment.LargestRemainder(total, [share, 1 - share], parts);
        return (parts[0], parts[1]);
    }

    private static double ShareInside(Geometry cell, Coordinate point, Geometry extent, IPreparedGeometry prepared)
    {
        if (cell.IsEmpty || !(cell.Area > 0)) return prepared.Contains(cell.Factory.CreatePoint(point)) ? 1 : 0;
        if (prepared.Contains(cell)) return 1;
        if (!prepared.Intersects(cell)) return 0;
        return Math.Clamp(OverlayNGRobust.Overlay(cell, extent, SpatialFunction.Intersection).Area / cell.Area, 0, 1);
    }

    private static Geometry Extent(WalkingGraph graph, PlacementOptions options, double snapMetres, GeometryFactory factory)
    {
        double margin = options.ExtentMarginMetres ?? snapMetres;
        Geometry extent;
        if (options.NetworkExtent is { } given) extent = given;
        else
        {
            var points = new Coordinate[graph.NodeCount];
            for (int n = 0; n < points.Length; n++) points[n] = new Coordinate(graph.NodeX(n), graph.NodeY(n));
            extent = new NetTopologySuite.Algorithm.ConvexHull(points, factory).GetConvexHull();
        }
        return margin > 0 && double.IsFinite(margin) ? extent.Buffer(margin, 8) : extent;
    }

    internal readonly record struct Sample(int Edge, double Fraction, double X, double Y, double Weight);

    /// <summary>Samples every street about every <paramref name="spacing"/> metres and files each sample under the cell holding it.</summary>
    private static List<Sample>[] SampleStreets(WalkingGraph graph, List<Geometry> cells, double spacing, CancellationToken ct)
    {
        var result = new List<Sample>[cells.Count];
        for (int c = 0; c < cells.Count; c++) result[c] = [];
        if (cells.Count == 0) return result;
        var tree = new STRtree<int>();
        var locators = new IndexedPointInAreaLocator[cells.Count];
        for (int c = 0; c < cells.Count; c++)
        {
            if (cells[c].IsEmpty) continue;
            tree.Insert(cells[c].EnvelopeInternal, c);
            locators[c] = new IndexedPointInAreaLocator(cells[c]);
        }
        tree.Build();
        var probe = new Envelope();
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if ((e & 1023) == 0) ct.ThrowIfCancellationRequested();
            double total = graph.EdgeGeometryLengthMetres(e);
            if (!(total > 0)) continue;
            int n = Math.Max(1, (int)Math.Ceiling(total / spacing));
            double weight = total / n;
            int points = graph.EdgePointCount(e);
            var (px, py) = graph.EdgePoint(e, 0);
            var (qx, qy) = graph.EdgePoint(e, 1);
            int segment = 1;
            double segStart = 0, segLength = Math.Sqrt((qx - px) * (qx - px) + (qy - py) * (qy - py));
            for (int k = 0; k < n; k++)
            {
                double along = (k + 0.5) * weight;
                while (along > segStart + segLength && segment < points - 1)
                {
                    segStart += segLength; segment++;
                    (px, py) = (qx, qy);
                    (qx, qy) = graph.EdgePoint(e, segment);
                    segLength = Math.Sqrt((qx - px) * (qx - px) + (qy - py) * (qy - py));
                }
                double t = segLength > 0 ? Math.Clamp((along - segStart) / segLength, 0, 1) : 0;
                double x = px + t * (qx - px), y = py + t * (qy - py);
                var at = new Coordinate(x, y);
                probe.Init(x, x, y, y);
                int found = -1;
                foreach (int c in tree.Query(probe))
                {
                    if (locators[c].Locate(at) != Location.Exterior && (found < 0 || c < found)) found = c;
                }
                if (found >= 0) result[found].Add(new Sample(e, along / total, x, y, weight));
            }
        }
        return result;
    }
}
