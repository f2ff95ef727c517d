using FukushiMap.Core.Siting;

namespace FukushiMap.Siting;

/// <summary>Limits for <see cref="ExactSiting"/>.</summary>
public sealed record ExactOptions
{
    /// <summary>Wall-clock limit for the whole solve (heuristics, bounds and the MIP). Default 60 s.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The MIP stops once its proven relative gap is at most this. Default 1e-6 (prove optimality).</summary>
    public double RelativeGap { get; init; } = 1e-6;

    /// <summary>Writes solver progress (SCIP's log) to standard output when true.</summary>
    public bool Verbose { get; init; }

    /// <summary>Receives one line per solver phase (bounds found, time taken); null for none.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Optimal when <paramref name="objective"/> and <paramref name="bound"/> meet within <see cref="RelativeGap"/>, else feasible.</summary>
    public SitingStatus StatusOf(double objective, double bound) =>
        SitingSolution.RelativeGap(objective, bound) <= Math.Max(RelativeGap, 1e-9) ? SitingStatus.Optimal : SitingStatus.Feasible;

    /// <summary>An exact solver's answer: the sites ranked, the objective with its proven bound and status.</summary>
    public SitingSolution Solution(SitingModel model, IReadOnlyList<SitePick> sites, double objective, double bound, TimeSpan elapsed) => new()
    {
        Model = model,
        Solver = "exact",
        Sites = sites,
        Objective = objective,
        Bound = bound,
        Status = StatusOf(objective, bound),
        Elapsed = elapsed,
    };
}
