namespace FukushiMap.Core.Network;

/// <summary>Which way a search walks the arcs of a <see cref="WalkingGraph"/>.</summary>
public enum SearchDirection
{
    /// <summary>Along the arcs: metres from the sources to each node.</summary>
    Forward,

    /// <summary>Against the arcs (the graph's arriving arcs): metres from each node to the sources.</summary>
    Backward,
}
