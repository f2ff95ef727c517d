using FukushiMap.Core.Siting;
using FukushiMap.Siting;
using static FukushiMap.Core.Tests.Siting.SitingFixtures;

namespace FukushiMap.Core.Tests.Siting;

public class ExactSitingTests
{
    public static TheoryData<int, int> SeedsAndSites() => Pairs([1, 2, 3, 5, 8, 13], [1, 2, 3]);

    [Theory]
    [MemberData(nameof(SeedsAndSites))]
    public void ExactMclpFindsTheEnumeratedOptimumAndProvesIt(int seed, int k)
    {
        var instance = Random(seed);
        var request = new SitingRequest { Model = SitingModel.Mclp, AddCount = k, CoverCost = 350 };

        var exact = ExactSiting.Solve(instance, request);

        Assert.Equal(Optimum(instance, request), exact.Objective, 6);
        Assert.Equal(exact.Objective, Value(instance, request, exact.Facilities.ToArray()), 6);
        Assert.Equal(SitingStatus.Optimal, exact.Status);
        Assert.Equal(0, exact.Gap!.Value, 6);
    }

    [Theory]
    [MemberData(nameof(SeedsAndSites))]
    public void ExactPMedianFindsTheEnumeratedOptimumAndProvesIt(int seed, int k)
    {
        var instance = Random(seed, demands: 18, maxCost: 700);
        var request = new SitingRequest { Model = SitingModel.PMedian, AddCount = k };

        var exact = ExactSiting.Solve(instance, request);

        Assert.Equal(Optimum(instance, request), exact.Objective, 6);
        Assert.Equal(SitingStatus.Optimal, exact.Status);
    }

    [Theory]
    [InlineData(250, 1)]
    [InlineData(250, 2)]
    [InlineData(250, 3)]
    [InlineData(150, 2)]
    public void OnAStreetGridExactAndEnumerationAgreeAndGreedyKeepsItsGuarantee(double budget, int k)
    {
        var (network, _, _, _) = Grid(budget);
        var instance = network.Instance;
        var request = new SitingRequest { Model = SitingModel.Mclp, AddCount = k, CoverCost = budget };

        var exact = ExactSiting.Solve(instance, request);
        var greedy = LazyGreedy.Solve(instance, request);
        double optimum = Optimum(instance, request);

        Assert.Equal(optimum, exact.Objective, 6);
        Assert.True(greedy.Objective >= (1 - 1 / Math.E) * optimum);
        Assert.All(exact.Facilities, f => Assert.False(instance.IsExisting(f)));
    }

    [Fact]
    public void ExistingHubsStayOpenInTheExactAnswer()
    {
        var instance = Random(21, existing: 3, candidates: 8);
        foreach (var model in new[] { SitingModel.Mclp, SitingModel.PMedian })
        {
            var request = new SitingRequest { Model = model, AddCount = 2, CoverCost = 300 };
            var exact = ExactSiting.Solve(instance, request);
            var before = SitingEvaluation.Evaluate(instance, [], 300);
            var after = SitingEvaluation.Evaluate(instance, exact.Facilities, 300);
            Assert.All(exact.Facilities, f => Assert.False(instance.IsExisting(f)));
            for (int d = 0; d < instance.DemandCount; d++) Assert.True(after.Cost(d) <= before.Cost(d));
        }
    }

    // Situation: three villages on a line, 100 people each, 0–1–2 km apart; one existing hub at village A.
    // Candidates at B and C. Everyone is within reach of every site (bound 5 km), but a hub takes 150 people at most.
    //   A(100, hub)----1 km----B(100)----1 km----C(100)
    [Fact]
    public void WithACapacityTheExistingHubCannotServeEveryoneAndTheNewSiteTakesTheRest()
    {
        var builder = new SitingInstanceBuilder(existingCount: 1, candidateCount: 2, maxCost: 5000);
        double[] at = [0, 1000, 2000];
        for (int d = 0; d < 3; d++)
        {
            builder.AddDemand(100);
            builder.AddPair(d, 0, at[d]);          // the hub at A
            builder.AddPair(d, 1, Math.Abs(at[d] - 1000)); // candidate at B
            builder.AddPair(d, 2, Math.Abs(at[d] - 2000)); // candidate at C
        }
        var instance = builder.Build();

        var covering = ExactSiting.Solve(instance, new SitingRequest { Model = SitingModel.Mclp, AddCount = 1, CoverCost = 5000, Capacity = 150 });
        Assert.Equal(300, covering.Objective, 6); // 150 at the hub, 150 at the new site
        var uncapacitated = ExactSiting.Solve(instance, new SitingRequest { Model = SitingModel.Mclp, AddCount = 1, CoverCost = 1000 });
        Assert.Equal(300, uncapacitated.Objective, 6);
        var tight = ExactSiting.Solve(instance, new SitingRequest { Model = SitingModel.Mclp, AddCount = 1, CoverCost = 1000, Capacity = 120 });
        Assert.Equal(240, tight.Objective, 6); // each open place takes 120 of the 300

        // p-median with a capacity of 150: a site at B would serve B and C but may take only 150, so 50 people of C walk
        // to A (2 km) or 50 of B to A while B's site takes C (150,000 m in all); a site at C does better:
        // the hub takes A (0 m) and 50 of B (1 km), the site at C takes C (0 m) and the other 50 of B (1 km).
        var median = ExactSiting.Solve(instance, new SitingRequest { Model = SitingModel.PMedian, AddCount = 1, Capacity = 150 });
        Assert.Equal(SitingStatus.Optimal, median.Status);
        Assert.Equal(100 * 0 + 50 * 1000 + 100 * 0 + 50 * 1000, median.Objective, 3);
        Assert.Equal([2], median.Facilities);
    }
}
