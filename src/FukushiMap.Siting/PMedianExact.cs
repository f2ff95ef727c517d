using System.Diagnostics;
using FukushiMap.Core.Siting;

namespace FukushiMap.Siting;

/// <summary>
/// Exact uncapacitated p-median with existing facilities kept open, in four steps:
/// <list type="number">
/// <item>an upper bound from the lazy greedy followed by vertex interchange (Teitz–Bart);</item>
/// <item>a Lagrangian lower bound (subgradient), which often closes the gap already;</item>
/// <item>the Lagrangian reduction tests, which close (or open) every candidate that cannot be in a better solution;</item>
/// <item>on what is left, the radius formulation of Elloumi (2010) in its Benders form (<see cref="PMedianBenders"/>):
/// cutting planes on the LP with GLOP, then SCIP with the heuristic solution as the incumbent.</item>
/// </list>
/// The reported bound is the best of the Lagrangian bound and the bound on the reduced problem (every solution is either
/// in the reduced problem or no better than the known one).
/// </summary>
internal static class PMedianExact
{
    /// <param name="instance">The instance.</param>
    /// <param name="request">A p-median request.</param>
    /// <param name="options">Limits.</param>
    /// <param name="cancellationToken">Interrupts the solve.</param>
    /// <param name="start">A known good solution (added candidates) to start from, or null.</param>
    public static SitingSolution Solve(SitingInstance instance, SitingRequest request, ExactOptions options, CancellationToken cancellationToken,
        int[]? start = null)
    {
        var clock = Stopwatch.StartNew();
        int k = request.AddCount;
        bool integral = IsIntegral(instance);
        // With integer data any better solution is at least one unit better.
        double tolerance = integral ? 1 - 1e-6 : 1e-9 * Math.Max(1, instance.UnservedCost * instance.TotalWeight);

        var greedy = LazyGreedy.Solve(instance, request, cancellationToken);
        var best = VertexInterchange.Improve(instance, request, greedy.Facilities.ToArray(), cancellationToken: cancellationToken);
        var bestEvaluation = SitingEvaluation.Evaluate(instance, best, request.CoverCost);
        if (start is { Length: > 0 } && start.Length == request.AddCount)
        {
            var known = SitingEvaluation.Evaluate(instance, start, request.CoverCost);
            if (known.TotalCost < bestEvaluation.TotalCost) (best, bestEvaluation) = (start, known);
        }
        double upper = bestEvaluation.TotalCost;

        var lagrangian = new PMedianLagrangian(instance, k);
        var multipliers = Enumerable.Range(0, instance.DemandCount).Select(d => instance.Weight(d) * bestEvaluation.Cost(d)).ToArray();
        var tried = new HashSet<string>();
        var localOptima = new List<int[]>();
        double Heuristic(int[] relaxed)
        {
            // Lagrangian heuristic: interchange from the relaxation's open set.
            if (!tried.Add(string.Join(',', relaxed))) return upper;
            var improved = VertexInterchange.Improve(instance, request, relaxed, cancellationToken: cancellationToken);
            localOptima.Add(improved);
            double cost = SitingEvaluation.Evaluate(instance, improved, request.CoverCost).TotalCost;
            if (cost < upper) { upper = cost; best = improved; }
            return upper;
        }
        double lower = Math.Max(0, lagrangian.Optimize(upper, tolerance, multipliers,
            cancellationToken: cancellationToken, heuristic: Heuristic, deadline: DateTime.UtcNow + options.TimeLimit / 4,
            enoughFree: 4 * k + 40));
        if (greedy.Bound is { } greedyBound) lower = Math.Max(lower, greedyBound);
        if (integral) lower = Math.Ceiling(lower - 1e-6);
        options.Log?.Invoke($"heuristic {upper}, Lagrangian bound {lower} ({lagrangian.Iterations} iterations), {clock.Elapsed.TotalSeconds:F2} s");

        if (lower < upper - tolerance && k > 0)
        {
            lagrangian.Reduce(upper, tolerance);
            options.Log?.Invoke($"reduction: {lagrangian.Closed.Count(c => c)} candidates closed, {lagrangian.Opened.Count(o => o)} opened, {clock.Elapsed.TotalSeconds:F2} s");
            var remaining = options.TimeLimit - clock.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                double reducedAt = upper;
                var reduced = new PMedianBenders(instance, request, lagrangian.Closed, lagrangian.Opened);
                var (solution, reducedBound) = reduced.Empty
                    ? (null, double.PositiveInfinity)
                    : reduced.Solve(best, localOptima, remaining, options, cancellationToken);
                if (solution is not null)
                {
                    var evaluation = SitingEvaluation.Evaluate(instance, solution, request.CoverCost);
                    if (evaluation.TotalCost < upper - 1e-9 * Math.Max(1, upper))
                    {
                        best = solution;
                        upper = evaluation.TotalCost;
                    }
                }
                // Every solution is in the reduced problem (≥ its bound) or costs at least upper − tolerance.
                // With integer data the tests removed only solutions costing at least reducedAt.
                double reducedLower = Math.Min(reducedBound, integral ? reducedAt : reducedAt - tolerance);
                if (integral) reducedLower = Math.Ceiling(reducedLower - 1e-6);
                lower = Math.Max(lower, reducedLower);
            }
        }
        lower = Math.Min(lower, upper);
        return options.Solution(SitingModel.PMedian, SitingEvaluation.Rank(instance, request, best), upper, lower, clock.Elapsed);
    }

    private static bool IsIntegral(SitingInstance instance)
    {
        if (instance.UnservedCost != Math.Floor(instance.UnservedCost)) return false;
        for (int d = 0; d < instance.DemandCount; d++)
        {
            double w = instance.Weight(d);
            if (w != Math.Floor(w)) return false;
        }
        foreach (float c in instance.PairCost) if (c != MathF.Floor(c)) return false;
        return true;
    }
}
