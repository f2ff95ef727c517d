using FukushiMap.Core.Siting;
using static FukushiMap.Core.Tests.Siting.SitingFixtures;

namespace FukushiMap.Core.Tests.Siting;

public class LazyGreedyTests
{
    public static TheoryData<int, int> SeedsAndSites() => Pairs(Enumerable.Range(1, 12), [1, 2, 3, 4]);

    [Theory]
    [MemberData(nameof(SeedsAndSites))]
    public void GreedyCoversAtLeastOneMinusOneOverEOfTheOptimum(int seed, int k)
    {
        var instance = Random(seed);
        var request = new SitingRequest { Model = SitingModel.Mclp, AddCount = k, CoverCost = 400 };

        var greedy = LazyGreedy.Solve(instance, request);

        // The guarantee is on what the added sites add to what the existing hubs already cover.
        double already = Value(instance, request, []);
        double optimum = Optimum(instance, request);
        Assert.True(greedy.Objective - already >= (1 - 1 / Math.E) * (optimum - already) - 1e-9,
            $"greedy {greedy.Objective}, optimum {optimum}, existing alone {already}");
        Assert.True(greedy.Objective >= (1 - 1 / Math.E) * optimum - 1e-9);
        Assert.True(greedy.Objective <= optimum + 1e-9);
    }

    [Theory]
    [MemberData(nameof(SeedsAndSites))]
    public void TheGreedyBoundIsNeverBelowTheOptimum(int seed, int k)
    {
        var instance = Random(seed);
        foreach (var model in new[] { SitingModel.Mclp, SitingModel.PMedian })
        {
            var request = new SitingRequest { Model = model, AddCount = k, CoverCost = 400 };
            var greedy = LazyGreedy.Solve(instance, request);
            double optimum = Optimum(instance, request);
            Assert.NotNull(greedy.Bound);
            if (model == SitingModel.Mclp) Assert.True(greedy.Bound >= optimum - 1e-9, $"bound {greedy.Bound} < optimum {optimum}");
            else Assert.True(greedy.Bound <= optimum + 1e-9, $"bound {greedy.Bound} > optimum {optimum}");
        }
    }

    [Theory]
    [InlineData(3, SitingModel.Mclp)]
    [InlineData(7, SitingModel.Mclp)]
    [InlineData(3, SitingModel.PMedian)]
    [InlineData(9, SitingModel.PMedian)]
    public void LazyEvaluationPicksWhatPlainGreedyPicks(int seed, SitingModel model)
    {
        var instance = Random(seed, demands: 30, candidates: 12);
        var request = new SitingRequest { Model = model, AddCount = 5, CoverCost = 500 };

        var lazy = LazyGreedy.Solve(instance, request);

        // Plain greedy: every candidate re-evaluated at every step, ties to the lower index.
        var chosen = new List<int>();
        for (int step = 0; step < request.AddCount; step++)
        {
            var best = Candidates(instance).Where(f => !chosen.Contains(f))
                .Select(f => (f, Value: Value(instance, request, [.. chosen, f])))
                .OrderBy(t => model == SitingModel.Mclp ? -t.Value : t.Value).ThenBy(t => t.f).First();
            chosen.Add(best.f);
        }
        Assert.Equal(chosen, lazy.Facilities);
    }

    [Fact]
    public void TheMarginalGainsAddUpToWhatTheSitesAdd()
    {
        var instance = Random(5, demands: 40, candidates: 15);
        var request = new SitingRequest { Model = SitingModel.Mclp, AddCount = 4, CoverCost = 450 };

        var greedy = LazyGreedy.Solve(instance, request);

        Assert.Equal(greedy.Objective - Value(instance, request, []), greedy.Sites.Sum(s => s.MarginalGain), 6);
        Assert.True(greedy.Sites.Zip(greedy.Sites.Skip(1)).All(p => p.First.MarginalGain >= p.Second.MarginalGain));
    }

    [Fact]
    public void ExistingHubsAreKeptAndNeverAdded()
    {
        var instance = Random(11, existing: 3, candidates: 8);
        foreach (var model in new[] { SitingModel.Mclp, SitingModel.PMedian, SitingModel.Lscp })
        {
            var request = new SitingRequest { Model = model, AddCount = 3, CoverCost = 400, TargetShare = 0.9 };
            var greedy = LazyGreedy.Solve(instance, request);
            Assert.All(greedy.Facilities, f => Assert.False(instance.IsExisting(f)));
            // What the existing hubs cover stays covered.
            var before = SitingEvaluation.Evaluate(instance, [], 400);
            var after = SitingEvaluation.Evaluate(instance, greedy.Facilities, 400);
            for (int d = 0; d < instance.DemandCount; d++)
            {
                if (before.IsCovered(d)) Assert.True(after.IsCovered(d));
                Assert.True(after.Cost(d) <= before.Cost(d));
            }
        }
    }
}
