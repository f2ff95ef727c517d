using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Buffer;

namespace FukushiMap.Core.Network;

/// <summary>How isochrones of several sources are grouped.</summary>
public enum IsochroneGrouping
{
    /// <summary>One area per band for all sources together (dissolved).</summary>
    Dissolved,
    /// <summary>One area per source and band, each from its own search; areas of neighbouring sources overlap.</summary>
    PerSource,
    /// <summary>One area per source and band from a single search, each street piece going to its nearest source;
    /// areas only overlap within the walk-off buffer.</summary>
    NearestSource,
}

/// <summary>One walking-time area.</summary>
/// <param name="SourceIndex">The source it belongs to, or -1 when dissolved over all sources.</param>
/// <param name="WalkMinutes">The band's walking minutes.</param>
/// <param name="WalkMetres">The band's budget in metres at the pace used.</param>
/// <param name="Area">Polygon or MultiPolygon in plane metres (empty when nothing is reached).</param>
public sealed record Isochrone(int SourceIndex, double WalkMinutes, double WalkMetres, Geometry Area);

/// <summary>Options for <see cref="IsochroneBuilder"/>.</summary>
public sealed record IsochroneOptions
{
    /// <summary>How far (metres) one may step off the reached streets: the buffer around them. Default 40 m.</summary>
    public double WalkOffMetres { get; init; } = 40;

    /// <summary>
    /// Raster cell (metres) used to buffer and dissolve the reached streets; the outline is within half a cell of the
    /// exact buffer. Default 5 m. Set 0 for NetTopologySuite's exact vector buffer, which is far slower on large areas.
    /// </summary>
    public double CellMetres { get; init; } = 5;

    /// <summary>Vector buffer only: segments per quarter circle in round caps and joins. Default 2.</summary>
    public int QuadrantSegments { get; init; } = 2;

    /// <summary>Vector buffer only: tolerance (metres) to which reached pieces are simplified first; 0 = none. Default 2 m.</summary>
    public double SimplifyMetres { get; init; } = 2;
}

/// <summary>
/// Builds walking isochrones (plane metres) from what a search actually reached: whole edges within the budget,
/// and the reached parts of partly reached edges (cut at the remaining budget from each end), buffered by the
/// walk-off distance and unioned (by default on a fine raster traced back to polygons; see
/// <see cref="IsochroneOptions.CellMetres"/>). Unreached pockets stay holes and nothing crosses a gap the network does not cross.
/// Safe to share across threads (search state is pooled).
/// </summary>
public sealed class IsochroneBuilder
{
    private readonly WalkingGraph _graph;
    private readonly GeometryFactory _factory;
    private readonly BufferParameters _bufferParameters;
    private readonly ConcurrentBag<Work> _pool = new();

    /// <summary>What one build uses and gives back: the search state and the buffers the reached pieces are collected in.</summary>
    private sealed class Work(WalkingGraph graph)
    {
        public readonly MultiSourceDijkstra Search = new(graph);
        public readonly LinePieces Pieces = new();
        public readonly PlanePath Scratch = new(32);
    }

    /// <summary>Creates a builder for <paramref name="graph"/>.</summary>
    /// <param name="graph">The network.</param>
    /// <param name="options">Buffer options; defaults when null.</param>
    /// <param name="factory">Factory for the result (e.g. with SRID 6671); a plain floating one when null.</param>
    public IsochroneBuilder(WalkingGraph graph, IsochroneOptions? options = null, GeometryFactory? factory = null)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        Options = options ?? new IsochroneOptions();
        if (!(Options.WalkOffMetres > 0)) throw new ArgumentOutOfRangeException(nameof(options), "WalkOffMetres must be > 0.");
        if (!(Options.CellMetres >= 0)) throw new ArgumentOutOfRangeException(nameof(options), "CellMetres must be >= 0.");
        _factory = factory ?? new GeometryFactory();
        _bufferParameters = new BufferParameters(Math.Max(1, Options.QuadrantSegments), EndCapStyle.Round, JoinStyle.Round, 5);
    }

    /// <summary>The options in use.</summary>
    public IsochroneOptions Options { get; }

    /// <summary>
    /// Isochrones around snapped sources (e.g. hubs); the straight walk from each source point to its snapped point
    /// is part of the reached area. Off-network sources are rejected: report them rather than draw nothing.
    /// </summary>
    /// <param name="sources">Snapped sources.</param>
    /// <param name="walkMinutes">One or more bands, minutes.</param>
    /// <param name="pace">Walking pace turning minutes into metres.</param>
    /// <param name="grouping">Dissolved, per source, or by nearest source.</param>
    /// <param name="cancellationToken">Passed to the searches.</param>
    /// <returns>For <see cref="IsochroneGrouping.Dissolved"/> one isochrone per band in band order; otherwise per
    /// source (in source order) one per band.</returns>
    public IReadOnlyList<Isochrone> Build(IReadOnlyList<NetworkSnap> sources, IReadOnlyList<double> walkMinutes,
        WalkingPace pace, IsochroneGrouping grouping = IsochroneGrouping.Dissolved, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var origins = new SearchOrigin[sources.Count];
        for (int i = 0; i < origins.Length; i++) origins[i] = SearchOrigin.FromSnap(sources[i]);
        return BuildCore(origins, sources, walkMinutes, pace, grouping, cancellationToken);
    }

    /// <summary>Isochrones around search origins (nodes or points on edges); see the other overload.</summary>
    public IReadOnlyList<Isochrone> Build(ReadOnlySpan<SearchOrigin> origins, IReadOnlyList<double> walkMinutes,
        WalkingPace pace, IsochroneGrouping grouping = IsochroneGrouping.Dissolved, CancellationToken cancellationToken = default)
        => BuildCore(origins.ToArray(), null, walkMinutes, pace, grouping, cancellationToken);

    /// <summary>
    /// The street pieces reached within <paramref name="budgetMetres"/> by a finished <paramref name="search"/>
    /// (plane metres, unbuffered). With <paramref name="sourceIndex"/> ≥ 0 only the pieces nearest to that source.
    /// </summary>
    public MultiLineString ReachedLines(MultiSourceDijkstra search, double budgetMetres, int sourceIndex = -1)
    {
        ArgumentNullException.ThrowIfNull(search);
        var buckets = new Dictionary<int, LinePieces>();
        CollectPieces(search, budgetMetres, null, sourceIndex >= 0, Bucket(buckets, partition: sourceIndex >= 0), new PlanePath(32));
        var lines = sourceIndex < 0 ? buckets.GetValueOrDefault(-1) : buckets.GetValueOrDefault(sourceIndex);
        return _factory.CreateMultiLineString(lines?.ToLineStrings(_factory) ?? []);
    }

    private IReadOnlyList<Isochrone> BuildCore(SearchOrigin[] origins, IReadOnlyList<NetworkSnap>? snaps,
        IReadOnlyList<double> walkMinutes, WalkingPace pace, IsochroneGrouping grouping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(walkMinutes);
        if (walkMinutes.Count == 0) throw new ArgumentException("At least one band of minutes is needed.", nameof(walkMinutes));
        var budgets = walkMinutes.Select(m =>
            m >= 0 && double.IsFinite(m) ? pace.MinutesToMetres(m) : throw new ArgumentOutOfRangeException(nameof(walkMinutes), m, "Minutes must be finite and >= 0.")).ToArray();
        double maxBudget = budgets.Max();
        var result = new List<Isochrone>();
        var work = _pool.TryTake(out var pooled) ? pooled : new Work(_graph);
        var search = work.Search;
        try
        {
            switch (grouping)
            {
                case IsochroneGrouping.Dissolved:
                    search.Run(origins, maxBudget, cancellationToken);
                    for (int b = 0; b < budgets.Length; b++)
                    {
                        result.Add(new Isochrone(-1, walkMinutes[b], budgets[b], Dissolved(work, budgets[b], snaps)));
                    }
                    break;
                case IsochroneGrouping.PerSource:
                    for (int i = 0; i < origins.Length; i++)
                    {
                        search.Run(origins.AsSpan(i, 1), maxBudget, cancellationToken);
                        var one = snaps is null ? null : new[] { snaps[i] };
                        for (int b = 0; b < budgets.Length; b++)
                        {
                            result.Add(new Isochrone(i, walkMinutes[b], budgets[b], Dissolved(work, budgets[b], one)));
                        }
                    }
                    break;
                case IsochroneGrouping.NearestSource:
                    search.Run(origins, maxBudget, cancellationToken);
                    var perBand = budgets.Select(budget =>
                    {
                        var buckets = new Dictionary<int, LinePieces>();
                        CollectPieces(search, budget, snaps, partition: true, Bucket(buckets, partition: true), work.Scratch);
                        return buckets;
                    }).ToArray();
                    for (int i = 0; i < origins.Length; i++)
                        for (int b = 0; b < budgets.Length; b++)
                            result.Add(new Isochrone(i, walkMinutes[b], budgets[b], Buffer(perBand[b].GetValueOrDefault(i))));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(grouping), grouping, null);
            }
        }
        finally
        {
            _pool.Add(work);
        }
        return result;
    }

    /// <summary>All pieces reached within <paramref name="budget"/>, collected in the pooled buffer and buffered.</summary>
    private Geometry Dissolved(Work work, double budget, IReadOnlyList<NetworkSnap>? snaps)
    {
        var pieces = work.Pieces;
        pieces.Clear();
        CollectPieces(work.Search, budget, snaps, partition: false, _ => pieces, work.Scratch);
        return Buffer(pieces);
    }

    /// <summary>Where a piece goes: by its nearest source when <paramref name="partition"/> is set, else all under -1.</summary>
    private static Func<int, LinePieces> Bucket(Dictionary<int, LinePieces> buckets, bool partition) => label =>
    {
        int key = partition ? label : -1;
        if (!buckets.TryGetValue(key, out var pieces)) buckets[key] = pieces = new LinePieces();
        return pieces;
    };

    private Geometry Buffer(LinePieces? lines)
    {
        if (lines is null || lines.PieceCount == 0) return _factory.CreatePolygon();
        if (Options.CellMetres > 0) return RasterBuffer.Buffer(_factory, lines, Options.WalkOffMetres, Options.CellMetres);
        Geometry reached = _factory.CreateMultiLineString(lines.ToLineStrings(_factory));
        if (Options.SimplifyMetres > 0)
            reached = NetTopologySuite.Simplify.DouglasPeuckerSimplifier.Simplify(reached, Options.SimplifyMetres);
        return BufferOp.Buffer(reached, Options.WalkOffMetres, _bufferParameters);
    }

    /// <summary>
    /// Reached street pieces within <paramref name="budget"/>, each handed to <paramref name="sink"/>(its nearest source; with
    /// <paramref name="partition"/> an edge two sources meet on is split between them).
    /// Only the nodes the search settled are read (its sparse result), never an array the length of the graph.
    /// </summary>
    private void CollectPieces(MultiSourceDijkstra search, double budget, IReadOnlyList<NetworkSnap>? snaps,
        bool partition, Func<int, LinePieces> sink, PlanePath scratch)
    {
        var g = _graph;
        void Emit(int label, int edge, double from, double to)
        {
            scratch.Clear();
            EdgeGeometry.AppendPiece(g, edge, from, to, scratch);
            if (scratch.Count == 1) scratch.AddRaw(scratch.X(0), scratch.Y(0));
            sink(label).AddPiece(scratch);
        }
        // A whole edge is its geometry as it is: copied straight in, nothing to cut.
        void WholeEdge(int label, int edge)
        {
            var pieces = sink(label);
            pieces.BeginPiece();
            int s = g.EdgeSources[edge], t = g.EdgeTargets[edge];
            pieces.Add(g.NodeXs[s], g.NodeYs[s]);
            for (int i = g.GeometryOffsets[edge], end = g.GeometryOffsets[edge + 1]; i < end; i++) pieces.Add(g.GeometryXs[i], g.GeometryYs[i]);
            pieces.Add(g.NodeXs[t], g.NodeYs[t]);
        }
        void Line(int label, double ax, double ay, double bx, double by)
        {
            var pieces = sink(label);
            pieces.BeginPiece();
            pieces.Add(ax, ay);
            pieces.Add(bx, by);
        }

        var settled = search.SettledNodes;
        var settledMetres = search.SettledMetres;
        for (int k = 0; k < settled.Length; k++)
        {
            int u = settled[k];
            if (settledMetres[k] > budget) break; // settled in increasing order
            for (int a = g.FirstArcs[u], end = g.FirstArcs[u + 1]; a < end; a++)
            {
                int e = g.ArcEdgeDirs[a] >> 1;
                bool reverseArc = (g.ArcEdgeDirs[a] & 1) != 0;
                double fs = Reach(search, g.EdgeSources[e], g.EdgeForward[e], budget, out int ls);
                double ft = Reach(search, g.EdgeTargets[e], g.EdgeReverse[e], budget, out int lt);
                // Each edge once: from its source end when that end reaches into it, else from its target end.
                if (reverseArc && fs >= 0) continue;
                if (fs >= 0 && ft >= 0)
                {
                    if (!partition || ls == lt)
                    {
                        if (fs + ft >= 1) WholeEdge(ls, e);
                        else { Emit(ls, e, 0, fs); Emit(lt, e, 1, 1 - ft); }
                    }
                    else
                    {
                        // Two sources meet on this edge: each gets the part it reaches first.
                        double ms = search.RawMetres(g.EdgeSources[e]), mt = search.RawMetres(g.EdgeTargets[e]);
                        double fwd = g.EdgeForward[e], rev = g.EdgeReverse[e];
                        double meet = fwd + rev > 0 ? Math.Clamp((mt + rev - ms) / (fwd + rev), 0, 1) : 0.5;
                        Emit(ls, e, 0, Math.Min(fs, meet));
                        Emit(lt, e, 1, Math.Max(1 - ft, meet));
                    }
                }
                else if (fs >= 0) Emit(ls, e, 0, Math.Min(fs, 1));
                else Emit(lt, e, 1, 1 - Math.Min(ft, 1));
            }
        }

        // The origins' own edges (an origin mid-edge may reach neither end) and the walk onto the network.
        for (int i = 0; i < search.OriginCount; i++)
        {
            var o = search.Origin(i);
            double remaining = budget - o.InitialMetres;
            if (o.Node >= 0)
            {
                if (remaining >= 0)
                {
                    // A zero-length line buffers to a disc: the start is reached even if no street is.
                    Line(i, g.NodeXs[o.Node], g.NodeYs[o.Node], g.NodeXs[o.Node], g.NodeYs[o.Node]);
                }
            }
            else if (remaining >= 0)
            {
                int e = o.Edge;
                double fwd = g.EdgeForward[e], rev = g.EdgeReverse[e];
                double hi = double.IsPositiveInfinity(fwd) ? o.Fraction : fwd > 0 ? Math.Min(1, o.Fraction + remaining / fwd) : 1;
                double lo = double.IsPositiveInfinity(rev) ? o.Fraction : rev > 0 ? Math.Max(0, o.Fraction - remaining / rev) : 0;
                Emit(i, e, lo, hi);
            }
            if (snaps is not null && snaps[i].Point is { } p && snaps[i].SnapMetres > 0)
            {
                var q = snaps[i].Query;
                double t = Math.Min(1, budget / snaps[i].SnapMetres);
                Line(i, q.X, q.Y, q.X + t * (p.X - q.X), q.Y + t * (p.Y - q.Y));
            }
        }
    }

    /// <summary>
    /// Fraction of an edge reached from one end within the budget (may exceed 1), or -1 when that end is unreached,
    /// over budget, or cannot walk into the edge.
    /// </summary>
    private static double Reach(MultiSourceDijkstra search, int end, float cost, double budget, out int label)
    {
        label = -1;
        if (float.IsPositiveInfinity(cost) || !search.TryGetReached(end, out float m, out int source) || m > budget) return -1;
        label = source;
        return cost > 0 ? (budget - m) / cost : double.PositiveInfinity;
    }
}
