using System.Collections.Concurrent;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>One source found by <see cref="NearestSourceFinder"/>.</summary>
/// <param name="SourceIndex">Index into the finder's sources.</param>
/// <param name="WalkMetres">Walking metres (cost metre-equivalents) from the query point to the source point,
/// both snap distances included.</param>
/// <param name="Path">Route in plane metres: query point, its snapped point, along the network, the source's snapped
/// point, the source point.</param>
public sealed record NearestSource(int SourceIndex, double WalkMetres, Coordinate[] Path);

/// <summary>
/// Finds the N sources (e.g. welfare hubs) nearest to a point by walking metres, with the route.
/// A forward Dijkstra from the query point stops as soon as no unseen source can beat the N-th found.
/// Immutable after construction and safe to share across threads (search state is pooled).
/// </summary>
public sealed class NearestSourceFinder
{
    private readonly WalkingGraph _graph;
    private readonly NetworkSnap[] _sources;
    private readonly bool[] _edgeHasSource;
    private readonly Dictionary<int, int[]> _sourcesByEdge;
    private readonly ConcurrentBag<MultiSourceDijkstra> _pool = new();

    /// <summary>Indexes <paramref name="sources"/> by edge. Off-network sources are kept but never found.</summary>
    public NearestSourceFinder(WalkingGraph graph, IReadOnlyList<NetworkSnap> sources)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToArray();
        _edgeHasSource = new bool[graph.EdgeCount];
        _sourcesByEdge = _sources
            .Select((s, i) => (s, i))
            .Where(p => p.s.IsOnNetwork)
            .GroupBy(p => p.s.EdgeIndex)
            .ToDictionary(g => g.Key, g => g.Select(p => p.i).ToArray());
        foreach (int e in _sourcesByEdge.Keys) _edgeHasSource[e] = true;
    }

    /// <summary>The sources, as given.</summary>
    public IReadOnlyList<NetworkSnap> Sources => _sources;

    /// <summary>
    /// The up to <paramref name="count"/> sources nearest to <paramref name="from"/> within
    /// <paramref name="maxMetres"/> walking metres, nearest first (ties by source index).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> is off-network.</exception>
    public IReadOnlyList<NearestSource> Find(NetworkSnap from, int count, double maxMetres, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var origin = SearchOrigin.FromSnap(from);
        var candidates = new Dictionary<int, Candidate>();
        float threshold = float.PositiveInfinity;
        var g = _graph;

        void Offer(int source, double metres, int viaNode, int viaArc)
        {
            if (!(metres <= maxMetres)) return;
            if (candidates.TryGetValue(source, out var c) && c.Metres <= metres) return;
            candidates[source] = new Candidate(metres, viaNode, viaArc);
            if (candidates.Count >= count)
                threshold = (float)candidates.Values.Select(v => v.Metres).OrderBy(m => m).ElementAt(count - 1);
        }

        // Sources on the same edge, reached directly along it.
        if (_sourcesByEdge.TryGetValue(from.EdgeIndex, out var sameEdge))
        {
            float forward = g.EdgeForward[from.EdgeIndex], reverse = g.EdgeReverse[from.EdgeIndex];
            foreach (int j in sameEdge)
            {
                var s = _sources[j];
                double along = s.Fraction >= from.Fraction
                    ? (float.IsPositiveInfinity(forward) ? double.PositiveInfinity : forward * (s.Fraction - from.Fraction))
                    : (float.IsPositiveInfinity(reverse) ? double.PositiveInfinity : reverse * (from.Fraction - s.Fraction));
                Offer(j, from.SnapMetres + along + s.SnapMetres, -1, -1);
            }
        }

        var search = Rent();
        try
        {
            search.Run([origin], maxMetres, cancellationToken, (u, metres, _) =>
            {
                if (metres > threshold) return true;
                for (int a = g.FirstArcs[u], end = g.FirstArcs[u + 1]; a < end; a++)
                {
                    int e = g.ArcEdgeDirs[a] >> 1;
                    if (!_edgeHasSource[e]) continue;
                    bool reverse = (g.ArcEdgeDirs[a] & 1) != 0;
                    foreach (int j in _sourcesByEdge[e])
                    {
                        var s = _sources[j];
                        double along = g.PackedArcs[a].Cost * (reverse ? 1 - s.Fraction : s.Fraction);
                        Offer(j, metres + along + s.SnapMetres, u, a);
                    }
                }
                return false;
            });

            var chosen = candidates.OrderBy(kv => kv.Value.Metres).ThenBy(kv => kv.Key).Take(count);
            var result = new List<NearestSource>();
            foreach (var (j, c) in chosen)
                result.Add(new NearestSource(j, c.Metres, BuildPath(search, from, _sources[j], c)));
            return result;
        }
        finally
        {
            _pool.Add(search);
        }
    }

    private readonly record struct Candidate(double Metres, int ViaNode, int ViaArc);

    private MultiSourceDijkstra Rent() => _pool.TryTake(out var search) ? search : new MultiSourceDijkstra(_graph);

    private Coordinate[] BuildPath(MultiSourceDijkstra search, NetworkSnap from, NetworkSnap to, Candidate c)
    {
        var g = _graph;
        var points = new PlanePath(32);
        points.Add(from.Query.X, from.Query.Y);
        points.Add(from.Point!.X, from.Point.Y);
        if (c.ViaNode < 0)
        {
            EdgeGeometry.AppendPiece(g, from.EdgeIndex, from.Fraction, to.Fraction, points);
        }
        else
        {
            var arcs = new List<int>();
            int node = c.ViaNode;
            for (int arc = search.PredecessorArc(node); arc >= 0; arc = search.PredecessorArc(node))
            {
                arcs.Add(arc);
                node = g.ArcSource(arc);
            }
            arcs.Reverse();
            // node is now the start node: an end of the query point's edge.
            EdgeGeometry.AppendPiece(g, from.EdgeIndex, from.Fraction, node == g.EdgeSources[from.EdgeIndex] ? 0 : 1, points);
            foreach (int arc in arcs)
            {
                bool reverse = g.ArcIsReverse(arc);
                EdgeGeometry.AppendPiece(g, g.ArcEdge(arc), reverse ? 1 : 0, reverse ? 0 : 1, points);
            }
            bool lastReverse = g.ArcIsReverse(c.ViaArc);
            EdgeGeometry.AppendPiece(g, to.EdgeIndex, lastReverse ? 1 : 0, to.Fraction, points);
        }
        points.Add(to.Point!.X, to.Point.Y);
        points.Add(to.Query.X, to.Query.Y);
        return points.ToCoordinates();
    }
}
