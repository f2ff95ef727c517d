namespace FukushiMap.Core.Network;

/// <summary>
/// Walking reach from a set of sources (shelters or hubs) over a walking network: one multi-source search, then any number
/// of snapped points read off. Metres include the walk to and from the network at both ends.
/// </summary>
public sealed class WalkReach
{
    private readonly MultiSourceDijkstra _search;
    private readonly int[] _sourceIndices;

    private WalkReach(MultiSourceDijkstra search, int[] sourceIndices)
    {
        _search = search;
        _sourceIndices = sourceIndices;
    }

    /// <summary>
    /// Searches from every source up to <paramref name="maxMetres"/> metre-equivalents; sources off the network are skipped
    /// (they reach nothing).
    /// </summary>
    public static WalkReach From(WalkingGraph graph, IReadOnlyList<NetworkSnap> sources, double maxMetres, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var origins = new List<SearchOrigin>(sources.Count);
        var map = new List<int>(sources.Count);
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i].IsOnNetwork)
            {
                origins.Add(SearchOrigin.FromSnap(sources[i]));
                map.Add(i);
            }
        }
        var search = new MultiSourceDijkstra(graph);
        search.Run(origins.ToArray(), maxMetres, ct);
        return new WalkReach(search, [.. map]);
    }

    /// <summary>
    /// Walking metres from the nearest source to <paramref name="at"/> and that source's index in the list given to
    /// <see cref="From"/>; null when the point is off the network or beyond the bound.
    /// </summary>
    public (double Metres, int Source)? Nearest(NetworkSnap at)
    {
        if (!at.IsOnNetwork)
        {
            return null;
        }
        var metres = _search.MetresTo(at, out var source);
        return float.IsPositiveInfinity(metres) || source < 0 ? null : (metres, _sourceIndices[source]);
    }
}
