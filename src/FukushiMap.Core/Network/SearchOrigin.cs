namespace FukushiMap.Core.Network;

/// <summary>
/// Where one source of a search starts: at a node, or at a snapped point part-way along an edge.
/// A snapped start costs <see cref="InitialMetres"/> (the snap distance) plus the walk along the edge to each end.
/// </summary>
public readonly record struct SearchOrigin
{
    /// <summary>Start node, or -1 when starting on an edge.</summary>
    public int Node { get; private init; }

    /// <summary>Start edge, or -1 when starting at a node.</summary>
    public int Edge { get; private init; }

    /// <summary>Position along <see cref="Edge"/> as a fraction 0..1 from its source.</summary>
    public double Fraction { get; private init; }

    /// <summary>Cost already spent before reaching the network (metres), e.g. the snap distance.</summary>
    public double InitialMetres { get; private init; }

    /// <summary>Starts at node index <paramref name="node"/> having already walked <paramref name="initialMetres"/>.</summary>
    public static SearchOrigin AtNode(int node, double initialMetres = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        CheckInitial(initialMetres);
        return new SearchOrigin { Node = node, Edge = -1, InitialMetres = initialMetres };
    }

    /// <summary>Starts on <paramref name="edge"/> at <paramref name="fraction"/> (0..1 from its source).</summary>
    public static SearchOrigin OnEdge(int edge, double fraction, double initialMetres = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(edge);
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Fraction along an edge must be within 0..1.");
        CheckInitial(initialMetres);
        return new SearchOrigin { Node = -1, Edge = edge, Fraction = fraction, InitialMetres = initialMetres };
    }

    /// <summary>Starts at a snapped point; the snap distance is the initial cost.</summary>
    /// <exception cref="ArgumentException">The snap is off-network: filter such points out (and report them) first.</exception>
    public static SearchOrigin FromSnap(NetworkSnap snap)
    {
        if (!snap.IsOnNetwork)
            throw new ArgumentException(
                $"Point ({snap.Query.X:0.#}, {snap.Query.Y:0.#}) is off the network ({snap.SnapMetres:0.#} m from the nearest edge).",
                nameof(snap));
        return OnEdge(snap.EdgeIndex, snap.Fraction, snap.SnapMetres);
    }

    private static void CheckInitial(double initialMetres)
    {
        if (!(initialMetres >= 0) || !double.IsFinite(initialMetres))
            throw new ArgumentOutOfRangeException(nameof(initialMetres), initialMetres, "Initial metres must be finite and >= 0.");
    }
}
