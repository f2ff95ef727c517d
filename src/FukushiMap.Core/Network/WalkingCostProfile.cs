namespace FukushiMap.Core.Network;

/// <summary>
/// Turns an edge's input costs into search costs, in metre-equivalents.
/// Steps (階段) are penalised because they are slow or impossible for older walkers:
/// cost = inputCost × <see cref="StepsMultiplier"/> + <see cref="StepsExtraMetres"/> on steps edges, inputCost elsewhere.
/// </summary>
public sealed record WalkingCostProfile
{
    /// <summary>No penalties: costs are the input costs.</summary>
    public static WalkingCostProfile Default { get; } = new();

    /// <summary>Multiplier applied to the cost of a steps edge (1 = no penalty). Use <see cref="double.PositiveInfinity"/> to forbid steps.</summary>
    public double StepsMultiplier { get; init; } = 1.0;

    /// <summary>Metres added to the cost of every traversal of a steps edge (0 = no penalty).</summary>
    public double StepsExtraMetres { get; init; }

    /// <summary>Applies the profile to one traversal cost in metres; a non-traversable (infinite) cost stays infinite.</summary>
    public double Apply(double costMetres, bool isSteps)
    {
        if (!isSteps || double.IsPositiveInfinity(costMetres)) return costMetres;
        return costMetres * StepsMultiplier + StepsExtraMetres;
    }
}
