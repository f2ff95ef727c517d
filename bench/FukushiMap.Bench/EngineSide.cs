using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Bench;

/// <summary>Per node index: metres to the nearest hub (+∞ when none within the bound) and that hub's index (-1).</summary>
public sealed record EngineCoverage(float[] Metres, int[] NearestHubs);

/// <summary>
/// The engine side of each workload, written as a real caller would write it once the graph is built
/// (the graph is built once per city and shared, as the server's NetworkCatalog does).
/// </summary>
public sealed class EngineSide(WalkingGraph graph, PlaneProjector projector)
{
    private readonly IsochroneBuilder _isochrones = new(graph);

    public WalkingGraph Graph => graph;

    /// <summary>
    /// All-node nearest hub within <paramref name="maxMetres"/>, everything a call needs after the graph is built:
    /// hub node ids to node indices, fresh search state (nothing reused from an earlier call), the bounded multi-source
    /// Dijkstra, and copying metres and nearest hub of every node out into new arrays.
    /// </summary>
    public EngineCoverage NearestHub(long[] hubNodeIds, double maxMetres) => NearestHub(hubNodeIds, maxMetres, new MultiSourceDijkstra(graph));

    /// <summary>
    /// The same with search state taken from a pool (here: <paramref name="search"/>, reused), as the server's
    /// IsochroneBuilder and NearestSourceFinder do: everything else (origins, search, copying out into new arrays) as above.
    /// </summary>
    public EngineCoverage NearestHub(long[] hubNodeIds, double maxMetres, MultiSourceDijkstra search)
    {
        var origins = new SearchOrigin[hubNodeIds.Length];
        for (var i = 0; i < origins.Length; i++)
        {
            if (!graph.TryGetNodeIndex(hubNodeIds[i], out var node)) throw new InvalidOperationException($"Node {hubNodeIds[i]} is not in the graph.");
            origins[i] = SearchOrigin.AtNode(node);
        }
        search.Run(origins, maxMetres);
        var metres = new float[graph.NodeCount];
        var nearest = new int[graph.NodeCount];
        search.CopyTo(metres, nearest);
        return new EngineCoverage(metres, nearest);
    }

    /// <summary>
    /// All-node nearest hub as the server's callers read it: search state taken from a pool (here: <paramref name="search"/>,
    /// reused), and the answer read from the search's sparse result (each reached node with its metres and nearest hub,
    /// <see cref="MultiSourceDijkstra.SettledNodes"/>/<see cref="MultiSourceDijkstra.SettledMetres"/>/<see cref="MultiSourceDijkstra.SettledSources"/>):
    /// nothing the length of the graph is written. <paramref name="origins"/> is the caller's buffer for the hubs' start points.
    /// Returns the nodes reached; every result is read (summed) so nothing is left unread.
    /// </summary>
    public int NearestHubSparse(long[] hubNodeIds, double maxMetres, MultiSourceDijkstra search, SearchOrigin[] origins)
    {
        for (var i = 0; i < hubNodeIds.Length; i++)
        {
            if (!graph.TryGetNodeIndex(hubNodeIds[i], out var node)) throw new InvalidOperationException($"Node {hubNodeIds[i]} is not in the graph.");
            origins[i] = SearchOrigin.AtNode(node);
        }
        search.Run(origins.AsSpan(0, hubNodeIds.Length), maxMetres);
        var nodes = search.SettledNodes;
        var metres = search.SettledMetres;
        var sources = search.SettledSources;
        double sum = 0;
        long check = 0;
        for (var k = 0; k < nodes.Length; k++)
        {
            sum += metres[k];
            check += nodes[k] ^ sources[k];
        }
        Checksum = sum + check;
        return nodes.Length;
    }

    /// <summary>What the last sparse call read, kept so the reads are not optimised away.</summary>
    public double Checksum { get; private set; }

    /// <summary>
    /// A walking isochrone for one hub node: search, reached street pieces buffered by the walk-off distance and traced to a
    /// polygon (IsochroneBuilder, default options), then back to lon/lat (SRID 6668) as the API returns it.
    /// </summary>
    public Geometry Isochrone(int hubNode, double walkMinutes, WalkingPace pace)
    {
        var area = _isochrones.Build([SearchOrigin.AtNode(hubNode)], [walkMinutes], pace)[0].Area;
        return projector.ToLonLat(area);
    }

    /// <summary>The isochrone polygon in plane metres, without the transform back to lon/lat.</summary>
    public Geometry IsochronePlane(int hubNode, double walkMinutes, WalkingPace pace) =>
        _isochrones.Build([SearchOrigin.AtNode(hubNode)], [walkMinutes], pace)[0].Area;

    /// <summary>Only the search part of an isochrone (reused state, as the builder's pool does).</summary>
    public int SearchOnly(MultiSourceDijkstra search, int hubNode, double maxMetres)
    {
        search.Run([SearchOrigin.AtNode(hubNode)], maxMetres);
        return search.SettledNodes.Length;
    }
}
