using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// A path in plane metres as interleaved x, y (one array, not an object per point), optionally cut into pieces that each follow
/// one network edge (or walk between a point and the network), so directions can name the street of every piece.
/// Reusable: <see cref="Clear"/> keeps the buffer.
/// </summary>
public sealed class PlanePath
{
    /// <summary>The edge of a piece that walks between a point and the network.</summary>
    public const int OffNetwork = -1;

    private double[] _xy;
    private readonly List<(int FirstPoint, int Edge)> _pieces = [];

    /// <summary>An empty path with room for <paramref name="capacity"/> points before it grows.</summary>
    public PlanePath(int capacity = 128) => _xy = new double[Math.Max(capacity, 1) * 2];

    /// <summary>Number of points.</summary>
    public int Count { get; private set; }

    /// <summary>Plane X (easting) of point <paramref name="i"/>, metres.</summary>
    public double X(int i) => _xy[2 * i];

    /// <summary>Plane Y (northing) of point <paramref name="i"/>, metres.</summary>
    public double Y(int i) => _xy[2 * i + 1];

    /// <summary>Forgets the points and pieces, keeping the buffer.</summary>
    public void Clear()
    {
        Count = 0;
        _pieces.Clear();
    }

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

    /// <summary>Adds a point even when it repeats the last one.</summary>
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

    /// <summary>
    /// The search's route (plane points, as <see cref="NearestSourceFinder"/> draws it) cut into pieces along the network edges it
    /// follows, like the tables' routes, so the directions can name every street: the walk onto the network, the rest of the
    /// start's edge, each whole edge node to node (recognised by its end node and its number of points), the part of the hub's
    /// edge, the walk off the network. Points it cannot follow stay one unnamed piece.
    /// </summary>
    public static PlanePath AlongEdges(WalkingGraph graph, Coordinate[] points, NetworkSnap from, NetworkSnap to)
    {
        var path = new PlanePath(Math.Max(points.Length, 2));
        int start = Array.FindIndex(points, p => p.Equals2D(from.Point!)), end = Array.FindLastIndex(points, p => p.Equals2D(to.Point!));
        if (start < 0 || end < start)
        {
            foreach (var p in points)
            {
                path.AddRaw(p.X, p.Y);
            }
            return path;
        }
        path.BeginPiece(PlanePath.OffNetwork);
        Add(0, start);
        bool IsNode(int node, int index) => graph.NodeX(node) == points[index].X && graph.NodeY(node) == points[index].Y;
        // The start's edge up to the first of its end nodes the route passes (none when it walks along one edge to the hub).
        int k = start, node = IsNode(graph.EdgeSource(from.EdgeIndex), start) ? graph.EdgeSource(from.EdgeIndex)
            : IsNode(graph.EdgeTarget(from.EdgeIndex), start) ? graph.EdgeTarget(from.EdgeIndex) : -1;
        for (var i = start + 1; i < end && node < 0; i++)
        {
            if (IsNode(graph.EdgeSource(from.EdgeIndex), i)) node = graph.EdgeSource(from.EdgeIndex);
            else if (IsNode(graph.EdgeTarget(from.EdgeIndex), i)) node = graph.EdgeTarget(from.EdgeIndex);
            if (node >= 0)
            {
                path.BeginPiece(from.EdgeIndex);
                Add(k + 1, i);
                k = i;
            }
        }
        // Whole edges from node to node, while one fits the next points exactly.
        for (var guard = 0; node >= 0 && guard < points.Length; guard++)
        {
            var next = -1;
            for (var arc = graph.FirstArc(node); arc < graph.FirstArc(node + 1) && next < 0; arc++)
            {
                int edge = graph.ArcEdge(arc), target = graph.ArcTarget(arc), last = k + graph.EdgePointCount(edge) - 1;
                if (last <= end && IsNode(target, last))
                {
                    path.BeginPiece(edge);
                    Add(k + 1, last);
                    (k, next) = (last, target);
                }
            }
            node = next;
        }
        path.BeginPiece(to.EdgeIndex);
        Add(k + 1, end);
        path.BeginPiece(PlanePath.OffNetwork);
        Add(end + 1, points.Length - 1);
        return path;

        void Add(int first, int last)
        {
            for (var i = first; i <= last; i++)
            {
                path.AddRaw(points[i].X, points[i].Y);
            }
        }
    }

    /// <summary>A path of <paramref name="points"/> as they are (one off-network piece).</summary>
    public static PlanePath From(Coordinate[] points)
    {
        var path = new PlanePath(Math.Max(points.Length, 2));
        foreach (var p in points)
        {
            path.AddRaw(p.X, p.Y);
        }
        return path;
    }

    /// <summary>The points as coordinates (plane metres).</summary>
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
