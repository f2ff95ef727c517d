using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Finder;

/// <summary>
/// Walking metres from every network node to one hub, with the next step towards it: one backward Dijkstra per hub, done once.
/// A resident's query then costs a lookup per hub instead of a search over the city (the finder asks thousands of times a
/// minute for the same couple of dozen hubs). Same costs and tie rules as <see cref="NearestSourceFinder"/>: the hub's and the
/// query point's snap metres count, and a hub on the query point's own edge is reached along it.
/// </summary>
public sealed class HubDistanceTable
{
    private const int Terminal = -1;
    private const int Unreached = -2;

    private readonly float[] _metres;
    private readonly int[] _next; // edge << 1 | 1 when the step walks its edge from target to source; Terminal at the hub's edge

    /// <summary>The hub's place on the network.</summary>
    public NetworkSnap Hub { get; }

    /// <summary>Bytes held per network node (metres + next step).</summary>
    public const int BytesPerNode = 8;

    private HubDistanceTable(NetworkSnap hub, float[] metres, int[] next)
    {
        Hub = hub;
        _metres = metres;
        _next = next;
    }

    /// <summary>Builds the table for a hub on the network (backward search over <paramref name="incoming"/>).</summary>
    public static HubDistanceTable Build(WalkingGraph graph, IncomingArcs incoming, NetworkSnap hub, CancellationToken ct = default)
    {
        if (!hub.IsOnNetwork)
        {
            throw new ArgumentException("The hub is off the network.", nameof(hub));
        }
        var n = graph.NodeCount;
        var metres = new float[n];
        var next = new int[n];
        Array.Fill(metres, float.PositiveInfinity);
        Array.Fill(next, Unreached);
        var heap = new PriorityQueue<int, float>();
        int e = hub.EdgeIndex;
        float forward = graph.EdgeForwardCostMetres(e), reverse = graph.EdgeReverseCostMetres(e);
        // From the edge's source the hub point is reached walking forward, from its target walking backward.
        Seed(graph.EdgeSource(e), float.IsPositiveInfinity(forward) ? float.PositiveInfinity : (float)(forward * hub.Fraction));
        Seed(graph.EdgeTarget(e), float.IsPositiveInfinity(reverse) ? float.PositiveInfinity : (float)(reverse * (1 - hub.Fraction)));

        var settled = new bool[n];
        var count = 0;
        while (heap.TryDequeue(out var v, out var d))
        {
            if (settled[v] || d > metres[v])
            {
                continue;
            }
            settled[v] = true;
            if ((++count & 4095) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            for (int i = incoming.First[v], end = incoming.First[v + 1]; i < end; i++)
            {
                var u = incoming.From[i];
                var candidate = d + incoming.Cost[i];
                if (candidate < metres[u])
                {
                    metres[u] = candidate;
                    next[u] = incoming.EdgeDir[i];
                    heap.Enqueue(u, candidate);
                }
            }
        }
        return new HubDistanceTable(hub, metres, next);

        void Seed(int node, float m)
        {
            if (m < metres[node])
            {
                metres[node] = m;
                next[node] = Terminal;
                heap.Enqueue(node, m);
            }
        }
    }

    /// <summary>
    /// Walking metres from <paramref name="from"/> (on the network) to the hub point, snap metres at both ends included;
    /// +∞ when unreachable. <paramref name="viaNode"/> is the end of the query's edge the walk leaves by, or -1 when the walk
    /// stays on the shared edge.
    /// </summary>
    public double MetresFrom(WalkingGraph graph, NetworkSnap from, out int viaNode)
    {
        int e = from.EdgeIndex;
        float forward = graph.EdgeForwardCostMetres(e), reverse = graph.EdgeReverseCostMetres(e);
        var best = double.PositiveInfinity;
        viaNode = -1;
        if (Hub.EdgeIndex == e)
        {
            var along = Hub.Fraction >= from.Fraction
                ? (float.IsPositiveInfinity(forward) ? double.PositiveInfinity : forward * (Hub.Fraction - from.Fraction))
                : (float.IsPositiveInfinity(reverse) ? double.PositiveInfinity : reverse * (from.Fraction - Hub.Fraction));
            best = along;
        }
        var toTarget = float.IsPositiveInfinity(forward) ? double.PositiveInfinity : forward * (1 - from.Fraction) + _metres[graph.EdgeTarget(e)];
        var toSource = float.IsPositiveInfinity(reverse) ? double.PositiveInfinity : reverse * from.Fraction + _metres[graph.EdgeSource(e)];
        if (toSource < best)
        {
            best = toSource;
            viaNode = graph.EdgeSource(e);
        }
        if (toTarget < best)
        {
            best = toTarget;
            viaNode = graph.EdgeTarget(e);
        }
        return double.IsPositiveInfinity(best) ? best : from.SnapMetres + best + Hub.SnapMetres;
    }

    /// <summary>The route in plane metres, as <see cref="NearestSourceFinder"/> draws it: query point, its snapped point, along
    /// the network, the hub's snapped point, the hub point.</summary>
    public Coordinate[] Path(WalkingGraph graph, NetworkSnap from, int viaNode) => PathInto(graph, from, viaNode, new PlanePath()).ToCoordinates();

    /// <summary>Same as <see cref="Path"/>, into a flat buffer (no object per point: the finder draws thousands of routes a second).</summary>
    public PlanePath PathInto(WalkingGraph graph, NetworkSnap from, int viaNode, PlanePath points)
    {
        points.BeginPiece(PlanePath.OffNetwork);
        points.Add(from.Query.X, from.Query.Y);
        points.Add(from.Point!.X, from.Point.Y);
        if (viaNode < 0)
        {
            points.BeginPiece(from.EdgeIndex);
            AppendPiece(graph, from.EdgeIndex, from.Fraction, Hub.Fraction, points);
        }
        else
        {
            points.BeginPiece(from.EdgeIndex);
            AppendPiece(graph, from.EdgeIndex, from.Fraction, viaNode == graph.EdgeSource(from.EdgeIndex) ? 0 : 1, points);
            var node = viaNode;
            for (var guard = 0; _next[node] >= 0 && guard < _next.Length; guard++)
            {
                int step = _next[node], edge = step >> 1;
                var backwards = (step & 1) != 0;
                var n = graph.EdgePointCount(edge);
                points.BeginPiece(edge);
                for (var k = 0; k < n; k++)
                {
                    var (x, y) = graph.EdgePoint(edge, backwards ? n - 1 - k : k);
                    points.Add(x, y);
                }
                node = backwards ? graph.EdgeSource(edge) : graph.EdgeTarget(edge);
            }
            points.BeginPiece(Hub.EdgeIndex);
            AppendPiece(graph, Hub.EdgeIndex, node == graph.EdgeSource(Hub.EdgeIndex) ? 0 : 1, Hub.Fraction, points);
        }
        points.BeginPiece(PlanePath.OffNetwork);
        points.Add(Hub.Point!.X, Hub.Point.Y);
        points.Add(Hub.Query.X, Hub.Query.Y);
        return points;
    }

    /// <summary>The part of an edge between two fractions (0 = source, 1 = target), walked from <paramref name="from"/>.</summary>
    internal static void AppendPiece(WalkingGraph graph, int edge, double from, double to, PlanePath points)
    {
        from = Math.Clamp(from, 0, 1);
        to = Math.Clamp(to, 0, 1);
        var backwards = from > to;
        double lo = backwards ? to : from, hi = backwards ? from : to;
        var start = points.Count;
        var n = graph.EdgePointCount(edge);
        var total = graph.EdgeGeometryLengthMetres(edge);
        if (n == 2 || total <= 0)
        {
            var (ax, ay) = graph.EdgePoint(edge, 0);
            var (bx, by) = graph.EdgePoint(edge, n - 1);
            points.AddRaw(ax + lo * (bx - ax), ay + lo * (by - ay));
            points.AddRaw(ax + hi * (bx - ax), ay + hi * (by - ay));
        }
        else
        {
            double dLo = lo * total, dHi = hi * total, along = 0;
            var (px, py) = graph.EdgePoint(edge, 0);
            var started = false;
            for (var i = 1; i < n; i++)
            {
                var (x, y) = graph.EdgePoint(edge, i);
                var length = Math.Sqrt((x - px) * (x - px) + (y - py) * (y - py));
                var next = along + length;
                if (!started && dLo <= next)
                {
                    var t = length > 0 ? (dLo - along) / length : 0;
                    points.AddRaw(px + t * (x - px), py + t * (y - py));
                    started = true;
                }
                if (started)
                {
                    if (dHi <= next || i == n - 1)
                    {
                        var t = length > 0 ? Math.Min((dHi - along) / length, 1) : 1;
                        points.AddRaw(px + t * (x - px), py + t * (y - py));
                        break;
                    }
                    points.AddRaw(x, y);
                }
                along = next;
                px = x;
                py = y;
            }
        }
        if (backwards)
        {
            points.Reverse(start);
        }
        points.DropRepeatAt(start);
    }
}

/// <summary>
/// A path in plane metres as interleaved x, y (one array, not an object per point), optionally cut into pieces that each follow
/// one network edge (or walk between a point and the network), so directions can name the street of every piece.
/// </summary>
public sealed class PlanePath
{
    /// <summary>The edge of a piece that walks between a point and the network.</summary>
    public const int OffNetwork = -1;

    private double[] _xy;
    private readonly List<(int FirstPoint, int Edge)> _pieces = [];

    public PlanePath(int capacity = 128) => _xy = new double[capacity * 2];

    /// <summary>Number of points.</summary>
    public int Count { get; private set; }

    public double X(int i) => _xy[2 * i];

    public double Y(int i) => _xy[2 * i + 1];

    /// <summary>Starts a piece along <paramref name="edge"/> (<see cref="OffNetwork"/> for a walk onto or off the network): the
    /// points added from now on, after the last point so far, belong to it.</summary>
    public void BeginPiece(int edge) => _pieces.Add((Count, edge));

    /// <summary>The pieces as (edge, first point, last point), each sharing its first point with the end of the one before;
    /// one off-network piece over the whole path when none were marked.</summary>
    public IEnumerable<(int Edge, int First, int Last)> Pieces()
    {
        if (_pieces.Count == 0)
        {
            yield return (OffNetwork, 0, Count - 1);
            yield break;
        }
        for (var i = 0; i < _pieces.Count; i++)
        {
            var first = Math.Max(_pieces[i].FirstPoint - 1, 0);
            var last = (i + 1 < _pieces.Count ? _pieces[i + 1].FirstPoint : Count) - 1;
            if (last > first)
            {
                yield return (_pieces[i].Edge, first, last);
            }
        }
    }

    /// <summary>Adds a point unless it repeats the last one.</summary>
    public void Add(double x, double y)
    {
        if (Count > 0 && _xy[2 * Count - 2] == x && _xy[2 * Count - 1] == y)
        {
            return;
        }
        AddRaw(x, y);
    }

    internal void AddRaw(double x, double y)
    {
        if (2 * Count + 2 > _xy.Length)
        {
            Array.Resize(ref _xy, _xy.Length * 2);
        }
        _xy[2 * Count] = x;
        _xy[2 * Count + 1] = y;
        Count++;
    }

    /// <summary>Reverses the points from <paramref name="start"/> to the end.</summary>
    internal void Reverse(int start)
    {
        for (int i = start, j = Count - 1; i < j; i++, j--)
        {
            (_xy[2 * i], _xy[2 * j]) = (_xy[2 * j], _xy[2 * i]);
            (_xy[2 * i + 1], _xy[2 * j + 1]) = (_xy[2 * j + 1], _xy[2 * i + 1]);
        }
    }

    /// <summary>Removes the point at <paramref name="index"/> when it repeats the one before.</summary>
    internal void DropRepeatAt(int index)
    {
        if (index > 0 && index < Count && X(index) == X(index - 1) && Y(index) == Y(index - 1))
        {
            Array.Copy(_xy, 2 * index + 2, _xy, 2 * index, 2 * (Count - index - 1));
            Count--;
        }
    }

    public static PlanePath From(Coordinate[] points)
    {
        var path = new PlanePath(Math.Max(points.Length, 2));
        foreach (var p in points)
        {
            path.AddRaw(p.X, p.Y);
        }
        return path;
    }

    public Coordinate[] ToCoordinates()
    {
        var result = new Coordinate[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = new Coordinate(X(i), Y(i));
        }
        return result;
    }
}

/// <summary>For each node, the walkable steps that arrive at it (the graph stores only steps that leave a node).</summary>
public sealed class IncomingArcs
{
    public int[] First { get; }
    public int[] From { get; }
    public float[] Cost { get; }
    public int[] EdgeDir { get; }

    public IncomingArcs(WalkingGraph graph)
    {
        var n = graph.NodeCount;
        var counts = new int[n + 1];
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (!float.IsPositiveInfinity(graph.EdgeForwardCostMetres(e)))
            {
                counts[graph.EdgeTarget(e) + 1]++;
            }
            if (!float.IsPositiveInfinity(graph.EdgeReverseCostMetres(e)))
            {
                counts[graph.EdgeSource(e) + 1]++;
            }
        }
        for (var i = 0; i < n; i++)
        {
            counts[i + 1] += counts[i];
        }
        First = counts;
        From = new int[counts[n]];
        Cost = new float[counts[n]];
        EdgeDir = new int[counts[n]];
        var fill = (int[])counts.Clone();
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            int s = graph.EdgeSource(e), t = graph.EdgeTarget(e);
            if (!float.IsPositiveInfinity(graph.EdgeForwardCostMetres(e)))
            {
                var i = fill[t]++;
                From[i] = s;
                Cost[i] = graph.EdgeForwardCostMetres(e);
                EdgeDir[i] = e << 1;
            }
            if (!float.IsPositiveInfinity(graph.EdgeReverseCostMetres(e)))
            {
                var i = fill[s]++;
                From[i] = t;
                Cost[i] = graph.EdgeReverseCostMetres(e);
                EdgeDir[i] = e << 1 | 1;
            }
        }
    }
}
