namespace FukushiMap.Core.Siting;

/// <summary>What a solver can say about its answer.</summary>
public enum SitingStatus
{
    /// <summary>Proven optimal (gap 0 within the solver's tolerance).</summary>
    Optimal,

    /// <summary>A feasible answer with a proven bound (the gap says how far from optimal it can be at most).</summary>
    Feasible,

    /// <summary>A heuristic answer; <see cref="SitingSolution.Bound"/> is an a-posteriori bound when one is known.</summary>
    Heuristic,

    /// <summary>The request cannot be met (e.g. the LSCP target share is out of reach of every candidate).</summary>
    Infeasible,
}

/// <summary>One added site, in the order the solver ranks them.</summary>
/// <param name="Facility">Facility index (≥ <see cref="SitingInstance.ExistingCount"/>).</param>
/// <param name="MarginalGain">Objective improvement when this site was added to the ones before it (weight newly covered for
/// MCLP/LSCP; cost saved for p-median).</param>
public sealed record SitePick(int Facility, double MarginalGain);

/// <summary>A solver's answer.</summary>
public sealed record SitingSolution
{
    /// <summary>The model solved.</summary>
    public required SitingModel Model { get; init; }

    /// <summary>"greedy" or "exact".</summary>
    public required string Solver { get; init; }

    /// <summary>The added sites, ranked (greedy: pick order; exact: by marginal gain when added in turn).</summary>
    public required IReadOnlyList<SitePick> Sites { get; init; }

    /// <summary>
    /// The objective of the answer: covered weight (MCLP, maximised), number of added sites (LSCP, minimised), or total
    /// weighted cost (p-median, minimised).
    /// </summary>
    public required double Objective { get; init; }

    /// <summary>The best proven bound on the optimum (upper for MCLP, lower for LSCP and p-median); null when unknown.</summary>
    public double? Bound { get; init; }

    /// <summary>Proven relative gap |bound − objective| / |objective| (0 = optimal); null when no bound is known.</summary>
    public double? Gap => Bound is { } b ? RelativeGap(Objective, b) : null;

    /// <summary>What the solver can say about the answer.</summary>
    public required SitingStatus Status { get; init; }

    /// <summary>Wall-clock time spent solving.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Facility indices of the added sites.</summary>
    public IEnumerable<int> Facilities => Sites.Select(s => s.Facility);

    /// <summary>The relative gap convention used throughout: |bound − objective| / max(|objective|, 1e-10), clamped at 0.</summary>
    public static double RelativeGap(double objective, double bound) =>
        Math.Max(0, Math.Abs(bound - objective) / Math.Max(Math.Abs(objective), 1e-10));
}
