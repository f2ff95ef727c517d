namespace FukushiMap.Core.Siting;

/// <summary>The question asked of a <see cref="SitingInstance"/>. Existing facilities are always kept open.</summary>
public enum SitingModel
{
    /// <summary>Maximal covering (MCLP): add <see cref="SitingRequest.AddCount"/> sites covering the most weight within
    /// <see cref="SitingRequest.CoverCost"/>.</summary>
    Mclp,

    /// <summary>Location set covering (LSCP): the fewest added sites that bring the covered share of the weight within
    /// <see cref="SitingRequest.CoverCost"/> to <see cref="SitingRequest.TargetShare"/>.</summary>
    Lscp,

    /// <summary>p-median: add <see cref="SitingRequest.AddCount"/> sites minimising the weighted sum of costs to the
    /// nearest open facility (unserved demand costs <see cref="SitingInstance.UnservedCost"/>).</summary>
    PMedian,
}

/// <summary>A siting question: the model and its parameters, in the instance's cost unit.</summary>
public sealed record SitingRequest
{
    /// <summary>The model.</summary>
    public SitingModel Model { get; init; } = SitingModel.Mclp;

    /// <summary>Sites to add (MCLP, p-median); for LSCP the most sites that may be added.</summary>
    public int AddCount { get; init; } = 1;

    /// <summary>A demand point is covered when an open facility is within this cost (MCLP, LSCP; reported for p-median).</summary>
    public double CoverCost { get; init; } = double.PositiveInfinity;

    /// <summary>LSCP: the share (0..1] of the total weight that must be covered.</summary>
    public double TargetShare { get; init; } = 1;

    /// <summary>
    /// Optional capacity: the most weight one facility (existing or new) may serve. Null: unlimited.
    /// With a capacity, a demand point is covered / served only by the share of its weight a facility takes on.
    /// </summary>
    public double? Capacity { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when the request cannot be posed on <paramref name="instance"/>.</summary>
    public void Validate(SitingInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (AddCount < 0) throw new ArgumentException("The number of sites to add must be >= 0.");
        if (Model != SitingModel.Lscp && AddCount > instance.CandidateCount)
            throw new ArgumentException($"Only {instance.CandidateCount} candidate sites, {AddCount} asked.");
        if (Model != SitingModel.PMedian && !(CoverCost >= 0)) throw new ArgumentException("The cover cost must be >= 0.");
        if (Model == SitingModel.Lscp && !(TargetShare > 0 && TargetShare <= 1)) throw new ArgumentException("The target share must be in (0, 1].");
        if (Capacity is { } c && !(c > 0 && double.IsFinite(c))) throw new ArgumentException("The capacity must be a positive number.");
    }
}
