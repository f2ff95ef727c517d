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
}
