using FukushiMap.Core.Siting;

namespace FukushiMap.Siting;

/// <summary>
/// Exact siting with Google OR-Tools (SCIP): solves the request to proven optimality, or reports the proven gap when the
/// time limit comes first. Existing facilities are always open. Greedy and vertex-interchange answers serve as the
/// starting solution, so a time-limited solve is never worse than the heuristics.
/// </summary>
public static class ExactSiting
{
    /// <summary>Solves <paramref name="request"/> on <paramref name="instance"/>.</summary>
    public static SitingSolution Solve(SitingInstance instance, SitingRequest request, ExactOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(instance);
        options ??= new ExactOptions();
        if (request.Capacity is not null) return CapacitatedExact.Solve(instance, request, options, cancellationToken);
        return request.Model switch
        {
            SitingModel.PMedian => PMedianExact.Solve(instance, request, options, cancellationToken),
            _ => CoveringExact.Solve(instance, request, options, cancellationToken),
        };
    }

    /// <summary>
    /// What the existing facilities plus <paramref name="added"/> achieve under <paramref name="request"/>'s capacity, with
    /// the best assignment (a linear program): the weight served within the cover cost (MCLP, LSCP) or the total cost
    /// (p-median).
    /// </summary>
    /// <exception cref="SitingTooLargeException">The assignment model would be too large.</exception>
    public static double EvaluateCapacitated(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Capacity is null) throw new ArgumentException("The request has no capacity.", nameof(request));
        return CapacitatedExact.Evaluate(instance, request, added, cancellationToken);
    }
}
