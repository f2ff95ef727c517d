using FukushiMap.Core.Siting;
using static FukushiMap.Core.Tests.Siting.SitingFixtures;

namespace FukushiMap.Core.Tests.Siting;

public class PMedianLagrangianTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 3)]
    [InlineData(7, 1)]
    [InlineData(10, 4)]
    public void TheBoundNeverExceedsTheOptimumAndTheTestsNeverCloseAnOptimalSite(int seed, int k)
    {
        var instance = Random(seed, demands: 20, existing: 1, candidates: 9, maxCost: 800);
        var optimal = Subsets(Candidates(instance), k)
            .Select(s => (Sites: s, Cost: SitingEvaluation.Evaluate(instance, s, double.PositiveInfinity).TotalCost))
            .OrderBy(t => t.Cost).ToList();
        double optimum = optimal[0].Cost;
        // A known solution a little worse than the optimum, so the tests must keep every optimal solution.
        double upper = optimal.First(t => t.Cost > optimum).Cost;

        var lagrangian = new PMedianLagrangian(instance, k);
        double bound = lagrangian.Optimize(upper, tolerance: 1e-9);
        lagrangian.Reduce(upper, tolerance: 1e-9);

        Assert.True(bound <= optimum + 1e-6, $"bound {bound} > optimum {optimum}");
        foreach (var (sites, _) in optimal.TakeWhile(t => t.Cost == optimum))
        {
            Assert.All(sites, f => Assert.False(lagrangian.Closed[f]));
            Assert.All(Candidates(instance).Where(lagrangian.Opened.ElementAt), f => Assert.Contains(f, sites));
        }
    }

    [Fact]
    public void InterchangeNeverMakesASolutionWorse()
    {
        foreach (int seed in Enumerable.Range(1, 10))
        {
            var instance = Random(seed, demands: 25, candidates: 10);
            foreach (var model in new[] { SitingModel.Mclp, SitingModel.PMedian })
            {
                var request = new SitingRequest { Model = model, AddCount = 3, CoverCost = 400 };
                int[] start = [instance.ExistingCount, instance.ExistingCount + 1, instance.ExistingCount + 2];
                var improved = VertexInterchange.Improve(instance, request, start);
                Assert.Equal(3, improved.Distinct().Count());
                double before = Value(instance, request, start), after = Value(instance, request, improved);
                Assert.True(model == SitingModel.Mclp ? after >= before : after <= before);
            }
        }
    }
}
