using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Network;

/// <summary>
/// Where a plane point lands on the walking network: the nearest point of the nearest edge.
/// All distances are metres; positions are plane metres.
/// </summary>
public readonly record struct NetworkSnap
{
    /// <summary>The point that was snapped (plane metres).</summary>
    public required Coordinate Query { get; init; }

    /// <summary>False when no edge lies within the snapper's maximum snap distance (or the network has no edges);
    /// <see cref="EdgeIndex"/> and <see cref="SnapMetres"/> then still describe the nearest edge when there is one.</summary>
    public required bool IsOnNetwork { get; init; }

    /// <summary>Index of the nearest edge, or -1 when the network has no edges.</summary>
    public required int EdgeIndex { get; init; }

    /// <summary>Position along the edge from its source, as a fraction 0..1 of the edge's geometry.</summary>
    public required double Fraction { get; init; }

    /// <summary>Position along the edge from its source in metres of the edge's stated length (Fraction × length).</summary>
    public required double OffsetMetres { get; init; }

    /// <summary>Straight-line distance in metres from <see cref="Query"/> to the snapped point (+∞ without edges).</summary>
    public required double SnapMetres { get; init; }

    /// <summary>The snapped point on the edge (plane metres), or null when the network has no edges.</summary>
    public required Coordinate? Point { get; init; }
}
