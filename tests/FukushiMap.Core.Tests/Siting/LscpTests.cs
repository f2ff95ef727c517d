using FukushiMap.Core.Siting;
using FukushiMap.Siting;
using static FukushiMap.Core.Tests.Siting.SitingFixtures;

namespace FukushiMap.Core.Tests.Siting;

/// <summary>
/// The location set covering problem (fewest sites that reach a share of the demand) on random instances whose optimum is
/// found by enumeration: both solvers say "infeasible" exactly when no choice reaches the target, and otherwise reach it,
/// the exact one with the fewest sites and the greedy one with no fewer.
/// </summary>
public class LscpTests
{
    [Theory]
    [InlineData("exact", 1, 0.7)]
    [InlineData("exact", 2, 0.85)]
    [InlineData("exact", 6, 0.9)]
    [InlineData("exact", 9, 1.0)]
    [InlineData("greedy", 2, 0.6)]
    [InlineData("greedy", 4, 0.8)]
    [InlineData("greedy", 8, 0.95)]
    public void EachSolverReachesTheTargetTheExactOneWithTheFewestSites(string solver, int seed, double target)
    {
        var instance = Random(seed, demands: 16, candidates: 8);
        var request = new SitingRequest { Model = SitingModel.Lscp, CoverCost = 600, TargetShare = target };

        var solution = solver == "exact" ? ExactSiting.Solve(instance, request) : LazyGreedy.Solve(instance, request);
        double optimum = Optimum(instance, request);

        if (double.IsPositiveInfinity(optimum))
        {
            Assert.Equal(SitingStatus.Infeasible, solution.Status);
            return;
        }
        Assert.True(SitingEvaluation.Evaluate(instance, solution.Facilities, 600).CoveredWeight >= target * instance.TotalWeight - 1e-9);
        if (solver == "exact")
        {
            Assert.Equal(optimum, solution.Objective);
        }
        else
        {
            Assert.True(solution.Objective >= optimum);
        }
    }
}
