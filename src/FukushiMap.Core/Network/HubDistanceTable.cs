using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// Walking metres from every network node to one hub, with the next arc towards it: one backward search per hub
/// (<see cref="MultiSourceDijkstra"/> over the graph's arriving arcs), done once. A resident's query then costs a lookup per
/// hub instead of a search over the city (the finder asks thousands of times a minute for the same couple of dozen hubs).
/// Same costs and tie rules as <see cref="NearestSourceFinder"/>: the hub's and the query point's snap metres count, and a
/// hub on the query point's own edge is reached along it. Immutable once built and safe to share across threads.
/// </summary>
public sealed class HubDistanceTable
{
    private const int Terminal = -1;

    private readonly WalkingGraph _graph;
    private readonly float[] _metres;
    private readonly int[] _next; // the arc walked next towards the hub; Terminal at the hub's edge, below that unreached

    /// <summary>The hub's place on the network.</summary>
    public NetworkSnap Hub { get; }

    /// <summary>The graph the table was built on.</summary>
    public WalkingGraph Graph => _graph;

    /// <summary>Bytes held per network node (metres + next arc).</summary>
    public const int BytesPerNode = 8;

    private HubDistanceTable(WalkingGraph graph, NetworkSnap hub, float[] metres, int[] next)
    {
        _graph = graph;
        Hub = hub;
        _metres = metres;
        _next = next;
    }

    /// <summary>Builds the table for a hub on the network of <paramref name="graph"/>.</summary>
    /// <exception cref="ArgumentException">The hub is off the network.</exception>
    public static HubDistanceTable Build(WalkingGraph graph, NetworkSnap hub, CancellationToken ct = default) =>
        Build(new MultiSourceDijkstra(graph, SearchDirection.Backward), hub, ct);

    /// <summary>
    /// Builds the table with <paramref name="backward"/>, a <see cref="SearchDirection.Backward"/> search kept by the caller for
    /// further tables (one build at a time per search object).
    /// </summary>
    /// <exception cref="ArgumentException">The hub is off the network, or the search is not backward.</exception>
    public static HubDistanceTable Build(MultiSourceDijkstra backward, NetworkSnap hub, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backward);
        if (!hub.IsOnNetwork)
        {
            throw new ArgumentException("The hub is off the network.", nameof(hub));
        }
        if (backward.Direction != SearchDirection.Backward)
        {
            throw new ArgumentException("A hub table needs a backward search.", nameof(backward));
        }
        var graph = backward.Graph;
        // The snap metres are added per query (MetresFrom), so the search starts at the hub's snapped point at 0 m.
        backward.Run([SearchOrigin.OnEdge(hub.EdgeIndex, hub.Fraction)], double.PositiveInfinity, ct);
        var n = graph.NodeCount;
        var metres = new float[n];
        var next = new int[n];
        Array.Fill(metres, float.PositiveInfinity);
        Array.Fill(next, Terminal - 1);
        var settled = backward.SettledNodes;
        var settledMetres = backward.SettledMetres;
        for (var k = 0; k < settled.Length; k++)
        {
            var node = settled[k];
            metres[node] = settledMetres[k];
            var arc = backward.PredecessorArc(node);
            next[node] = arc >= 0 ? arc : Terminal;
        }
        return new HubDistanceTable(graph, hub, metres, next);
    }

    /// <summary>Walking metres from node <paramref name="node"/> to the hub's snapped point (hub snap metres not included); +∞ when unreachable.</summary>
    public float MetresFromNode(int node) => _metres[node];

    /// <summary>
    /// Walking metres from <paramref name="from"/> (on the network) to the hub point, snap metres at both ends included;
    /// +∞ when unreachable. <paramref name="viaNode"/> is the end of the query's edge the walk leaves by, or -1 when the walk
    /// stays on the shared edge.
    /// </summary>
    public double MetresFrom(NetworkSnap from, out int viaNode)
    {
        var graph = _graph;
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
    /// the network, the hub's snapped point, the hub point. <paramref name="viaNode"/> comes from <see cref="MetresFrom"/>.</summary>
    public Coordinate[] Path(NetworkSnap from, int viaNode) => PathInto(from, viaNode, new PlanePath()).ToCoordinates();

    /// <summary>Same as <see cref="Path"/>, into a flat buffer cut into a piece per edge (no object per point: the finder draws
    /// thousands of routes a second, and its directions name the street of each piece).</summary>
    public PlanePath PathInto(NetworkSnap from, int viaNode, PlanePath points)
    {
        var graph = _graph;
        points.BeginPiece(PlanePath.OffNetwork);
        points.Add(from.Query.X, from.Query.Y);
        points.Add(from.Point!.X, from.Point.Y);
        points.BeginPiece(from.EdgeIndex);
        if (viaNode < 0)
        {
            EdgeGeometry.AppendPiece(graph, from.EdgeIndex, from.Fraction, Hub.Fraction, points);
        }
        else
        {
            EdgeGeometry.AppendPiece(graph, from.EdgeIndex, from.Fraction, viaNode == graph.EdgeSource(from.EdgeIndex) ? 0 : 1, points);
            var node = viaNode;
            for (var guard = 0; _next[node] >= 0 && guard < _next.Length; guard++)
            {
                int arc = _next[node], edge = graph.ArcEdge(arc);
                var backwards = graph.ArcIsReverse(arc);
                var n = graph.EdgePointCount(edge);
                points.BeginPiece(edge);
                for (var k = 0; k < n; k++)
                {
                    var (x, y) = graph.EdgePoint(edge, backwards ? n - 1 - k : k);
                    points.Add(x, y);
                }
                node = graph.ArcTarget(arc);
            }
            points.BeginPiece(Hub.EdgeIndex);
            EdgeGeometry.AppendPiece(graph, Hub.EdgeIndex, node == graph.EdgeSource(Hub.EdgeIndex) ? 0 : 1, Hub.Fraction, points);
        }
        points.BeginPiece(PlanePath.OffNetwork);
        points.Add(Hub.Point!.X, Hub.Point.Y);
        points.Add(Hub.Query.X, Hub.Query.Y);
        return points;
    }
}
