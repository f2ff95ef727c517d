using FukushiMap.Core.Network;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Simplify;

namespace FukushiMap.Core.Coverage;

/// <summary>Options for <see cref="GapFinder"/>.</summary>
public sealed record GapOptions
{
    /// <summary>Radius (metres) drawn round each uncovered, populated street sample; samples closer than twice this join one gap. Default 40 m.</summary>
    public double RadiusMetres { get; init; } = 40;

    /// <summary>Raster cell (metres) of the buffer-and-dissolve. Default 10 m.</summary>
    public double CellMetres { get; init; } = 10;

    /// <summary>Outline simplification tolerance (metres); 0 (default): none, the raster outline is already coarse.</summary>
    public double SimplifyMetres { get; init; }

    /// <summary>Band (index into the placement's bands) gaps are ranked by first, e.g. 65+; null: by people.</summary>
    public int? RankBand { get; init; }
}

/// <summary>A populated area beyond walking reach.</summary>
/// <param name="Area">Polygon (plane metres).</param>
/// <param name="People">Uncovered people inside.</param>
/// <param name="Bands">Uncovered people per band (empty without bands).</param>
/// <param name="NearestMetres">Walking metres from the gap's nearest part to the nearest hub (+∞ when no hub can be reached).</param>
/// <param name="FarthestMetres">Walking metres from its farthest reachable part to the nearest hub (+∞ when none can be reached).</param>
/// <param name="NearestHub">Index of the nearest hub, or -1.</param>
/// <param name="Units">Units (indices) whose people are in the gap, most people first.</param>
/// <param name="District">The district the gap lies in when gaps were cut by districts, else -1.</param>
/// <param name="StraightLine">True for a place without network data, measured as the crow flies (「直線距離（道路データなし）」):
/// its area is the unit's cell outside the network data, its metres straight-line metres.</param>
public sealed record CoverageGap(Geometry Area, long People, long[] Bands, double NearestMetres, double FarthestMetres, int NearestHub,
    IReadOnlyList<int> Units, int District = -1, bool StraightLine = false);

/// <summary>Districts to cut gaps by: the district of every placement and each district's area (plane metres).</summary>
public sealed record GapDistricts(IReadOnlyList<int> DistrictOfPlacement, IReadOnlyList<Geometry> Areas);

/// <summary>
/// Gaps: the populated street samples beyond walking reach, each drawn as a disc of <see cref="GapOptions.RadiusMetres"/>
/// and dissolved into polygons (cut by districts when given, so that a large uncovered stretch of town becomes one gap
/// per district a planner can act on); each polygon counts the uncovered people in it and the walk from it to the
/// nearest hub. Ranked by the uncovered people of <see cref="GapOptions.RankBand"/> (e.g. 65+) when given, then by all
/// uncovered people. People without network (<see cref="PlacementKind.NoNetwork"/>) are not walking gaps: see
/// <see cref="FindStraightLine"/> and <see cref="FindAll"/>.
/// </summary>
public static class GapFinder
{
    /// <summary>
    /// The walking gaps and the straight-line ones (places without network data beyond the straight-line radius), ranked
    /// together by the same rule; each says how it was measured (<see cref="CoverageGap.StraightLine"/>).
    /// </summary>
    public static IReadOnlyList<CoverageGap> FindAll(CoverageResult result, GapOptions? options = null, GeometryFactory? factory = null,
        GapDistricts? districts = null)
    {
        options ??= new GapOptions();
        var all = Find(result, options, factory, districts).Concat(FindStraightLine(result, districts));
        return Rank(all, options, result.Placement.BandNames.Count);
    }

    /// <summary>
    /// Places without network data whose people are beyond the straight-line radius of every hub: one per unit (and district),
    /// its area the unit's cell outside the network data, its metres straight-line metres to the nearest hub.
    /// </summary>
    public static IReadOnlyList<CoverageGap> FindStraightLine(CoverageResult result, GapDistricts? districts = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var p = result.Placement;
        int bands = p.BandNames.Count;
        var gaps = new List<CoverageGap>();
        for (int i = 0; i < p.Count; i++)
        {
            if (p.Kinds[i] != PlacementKind.NoNetwork || result.IsStraightCovered(i)) continue;
            bool any = p.People[i] > 0;
            for (int b = 0; b < bands && !any; b++) any = p.Bands[b][i] > 0;
            if (!any) continue;
            int unit = p.UnitIndex[i];
            int district = districts is null ? -1 : districts.DistrictOfPlacement[i];
            var area = p.Cells[unit].Area;
            if (!p.NetworkExtent.IsEmpty && area.Intersects(p.NetworkExtent))
            {
                var outside = OverlayNGRobust.Overlay(area, p.NetworkExtent, SpatialFunction.Difference);
                if (!outside.IsEmpty && outside.Area > 0) area = outside;
            }
            if (district >= 0 && districts!.Areas[district] is { IsEmpty: false } d && !d.Covers(area))
            {
                var inside = OverlayNGRobust.Overlay(area, d, SpatialFunction.Intersection);
                if (!inside.IsEmpty && inside.Area > 0) area = inside;
            }
            double m = result.StraightNearestMetres[i];
            var bandPeople = new long[bands];
            for (int b = 0; b < bands; b++) bandPeople[b] = p.Bands[b][i];
            gaps.Add(new CoverageGap(area, p.People[i], bandPeople, m, m, result.StraightNearestHub[i], [unit], district, StraightLine: true));
        }
        return gaps;
    }

    /// <summary>Finds the gaps of <paramref name="result"/>.</summary>
    public static IReadOnlyList<CoverageGap> Find(CoverageResult result, GapOptions? options = null, GeometryFactory? factory = null,
        GapDistricts? districts = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new GapOptions();
        factory ??= new GeometryFactory();
        var p = result.Placement;
        int bands = p.BandNames.Count;
        if (districts is not null && districts.DistrictOfPlacement.Count != p.Count)
            throw new ArgumentException("One district per placement is needed.", nameof(districts));

        // Uncovered, populated placements, grouped by district (one group without districts).
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < p.Count; i++)
        {
            if (p.Kinds[i] == PlacementKind.NoNetwork || result.IsCovered(i)) continue;
            bool any = p.People[i] > 0;
            for (int b = 0; b < bands && !any; b++) any = p.Bands[b][i] > 0;
            if (!any) continue;
            int d = districts is null ? -1 : districts.DistrictOfPlacement[i];
            if (!groups.TryGetValue(d, out var list)) groups[d] = list = [];
            list.Add(i);
        }
        if (groups.Count == 0) return [];

        // Each district's gaps on their own (in parallel): discs dissolved on a raster, cut to the district, clusters located.
        var pieces = groups.ToArray();
        var perGroup = new (List<Geometry> Polygons, Dictionary<int, int> PolygonOfPlacement)[pieces.Length];
        Parallel.For(0, pieces.Length, g =>
        {
            var (district, members) = pieces[g];
            var discs = members.Select(i =>
            {
                var c = new Coordinate(p.Xs[i], p.Ys[i]);
                return factory.CreateLineString([c, c.Copy()]);
            }).ToList();
            Geometry dissolved = RasterBuffer.Buffer(factory, discs, options.RadiusMetres, options.CellMetres);
            if (district >= 0 && districts!.Areas[district] is { IsEmpty: false } area
                && (!area.EnvelopeInternal.Contains(dissolved.EnvelopeInternal) || !area.Covers(dissolved)))
                dissolved = OverlayNGRobust.Overlay(dissolved, area, SpatialFunction.Intersection);
            var local = new List<Geometry>();
            for (int k = 0; k < dissolved.NumGeometries; k++)
            {
                var piece = dissolved.GetGeometryN(k);
                if (piece is not Polygon || piece.IsEmpty) continue;
                local.Add(options.SimplifyMetres > 0 ? TopologyPreservingSimplifier.Simplify(piece, options.SimplifyMetres) : piece);
            }
            var tree = new STRtree<int>();
            var locators = new IndexedPointInAreaLocator[local.Count];
            for (int k = 0; k < local.Count; k++) { tree.Insert(local[k].EnvelopeInternal, k); locators[k] = new(local[k]); }
            tree.Build();
            // Samples whose discs surely overlap form one cluster; a cluster lies in one polygon, so one look-up per cluster.
            var cluster = Clusters(p, members, 2 * options.RadiusMetres - 2 * options.CellMetres);
            var polygonOfCluster = new Dictionary<int, int>();
            var polygonOfPlacement = new Dictionary<int, int>();
            for (int j = 0; j < members.Count; j++)
            {
                int i = members[j];
                if (!polygonOfCluster.TryGetValue(cluster[j], out int k))
                    polygonOfCluster[cluster[j]] = k = Locate(tree, locators, local, new Coordinate(p.Xs[i], p.Ys[i]));
                if (k >= 0) polygonOfPlacement[i] = k;
            }
            perGroup[g] = (local, polygonOfPlacement);
        });
        var polygons = new List<Geometry>();
        var polygonDistrict = new List<int>();
        var polygonOfPlacement = new Dictionary<int, int>();
        for (int g = 0; g < pieces.Length; g++)
        {
            int first = polygons.Count;
            polygons.AddRange(perGroup[g].Polygons);
            polygonDistrict.AddRange(Enumerable.Repeat(pieces[g].Key, perGroup[g].Polygons.Count));
            foreach (var (i, k) in perGroup[g].PolygonOfPlacement) polygonOfPlacement[i] = first + k;
        }

        var people = new long[polygons.Count];
        var bandPeople = new long[polygons.Count][];
        var nearest = new double[polygons.Count];
        var farthest = new double[polygons.Count];
        var nearestHub = new int[polygons.Count];
        var unitPeople = new Dictionary<int, long>[polygons.Count];
        for (int k = 0; k < polygons.Count; k++)
        {
            bandPeople[k] = new long[bands];
            nearest[k] = double.PositiveInfinity;
            farthest[k] = double.NegativeInfinity;
            nearestHub[k] = -1;
            unitPeople[k] = [];
        }
        foreach (var (i, k) in polygonOfPlacement)
        {
            people[k] += p.People[i];
            for (int b = 0; b < bands; b++) bandPeople[k][b] += p.Bands[b][i];
            double m = result.NearestMetres[i];
            if (m < nearest[k]) { nearest[k] = m; nearestHub[k] = result.NearestHub[i]; }
            if (double.IsFinite(m) && m > farthest[k]) farthest[k] = m;
            unitPeople[k][p.UnitIndex[i]] = unitPeople[k].GetValueOrDefault(p.UnitIndex[i]) + p.People[i];
        }
        var gaps = new List<CoverageGap>();
        for (int k = 0; k < polygons.Count; k++)
        {
            if (people[k] == 0 && bandPeople[k].All(v => v == 0)) continue;
            gaps.Add(new CoverageGap(polygons[k], people[k], bandPeople[k], nearest[k],
                double.IsFinite(farthest[k]) ? farthest[k] : double.PositiveInfinity, nearestHub[k],
                unitPeople[k].OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).ToList(), polygonDistrict[k]));
        }
        return Rank(gaps, options, bands);
    }

    private static List<CoverageGap> Rank(IEnumerable<CoverageGap> gaps, GapOptions options, int bands)
    {
        int? rank = options.RankBand is { } rb && rb >= 0 && rb < bands ? rb : null;
        return gaps
            .OrderByDescending(g => rank is { } r ? g.Bands[r] : g.People)
            .ThenByDescending(g => g.People)
            .ThenBy(g => g.Area.EnvelopeInternal.MinX).ThenBy(g => g.Area.EnvelopeInternal.MinY)
            .ToList();
    }

    /// <summary>Cluster label (a representative's position in <paramref name="members"/>) of every member: members within
    /// <paramref name="link"/> metres of each other, transitively, share a label.</summary>
    private static int[] Clusters(PopulationPlacement p, List<int> members, double link)
    {
        var parent = new int[members.Count];
        for (int j = 0; j < parent.Length; j++) parent[j] = j;
        int Find(int x)
        {
            while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
            return x;
        }
        if (link > 0)
        {
            var grid = new Dictionary<(long, long), List<int>>();
            (long, long) Key(int j) => ((long)Math.Floor(p.Xs[members[j]] / link), (long)Math.Floor(p.Ys[members[j]] / link));
            for (int j = 0; j < members.Count; j++)
            {
                var key = Key(j);
                if (!grid.TryGetValue(key, out var list)) grid[key] = list = [];
                list.Add(j);
            }
            double link2 = link * link;
            for (int j = 0; j < members.Count; j++)
            {
                var (gx, gy) = Key(j);
                double x = p.Xs[members[j]], y = p.Ys[members[j]];
                for (long dx = -1; dx <= 1; dx++)
                    for (long dy = -1; dy <= 1; dy++)
                    {
                        if (!grid.TryGetValue((gx + dx, gy + dy), out var near)) continue;
                        foreach (int k in near)
                        {
                            if (k <= j) continue;
                            double ex = p.Xs[members[k]] - x, ey = p.Ys[members[k]] - y;
                            if (ex * ex + ey * ey > link2) continue;
                            int a = Find(j), b = Find(k);
                            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
                        }
                    }
            }
        }
        var labels = new int[members.Count];
        for (int j = 0; j < labels.Length; j++) labels[j] = Find(j);
        return labels;
    }

    private static int Locate(STRtree<int> tree, IndexedPointInAreaLocator[] locators, IReadOnlyList<Geometry> polygons, Coordinate at)
    {
        var candidates = tree.Query(new Envelope(at));
        foreach (int k in candidates)
            if (locators[k].Locate(at) != Location.Exterior) return k;
        // Each sample is the centre of its own disc, far inside the outline; this is only a safety net.
        int best = -1;
        double bestDistance = double.PositiveInfinity;
        var probe = new Envelope(at);
        probe.ExpandBy(50);
        foreach (int k in tree.Query(probe))
        {
            double d = polygons[k].Distance(polygons[k].Factory.CreatePoint(at));
            if (d < bestDistance) { bestDistance = d; best = k; }
        }
        return best;
    }
}
