using FukushiMap.Core.Siting;

namespace FukushiMap.Core.Tests.Siting;

public class SitingInstanceTests
{
    [Fact]
    public void PairsComeNearestFirstAPairGivenTwiceKeepsItsLowerCostAndPairsBeyondTheBoundAreDropped()
    {
        var builder = new SitingInstanceBuilder(existingCount: 1, candidateCount: 3, maxCost: 500);
        builder.AddDemand(10);
        builder.AddPair(0, 3, 200);
        builder.AddPair(0, 1, 450);
        builder.AddPair(0, 2, 900);   // beyond the bound
        builder.AddPair(0, 1, 120);   // again, cheaper
        builder.AddPair(0, 0, 200);   // a tie: the lower facility first
        var instance = builder.Build();

        Assert.Equal([1, 0, 3], instance.FacilitiesOf(0).ToArray());
        Assert.Equal([120f, 200f, 200f], instance.CostsOf(0).ToArray());
        Assert.Equal([0], instance.DemandsOf(3).ToArray());
        Assert.Empty(instance.DemandsOf(2).ToArray());
        Assert.Equal(500, instance.UnservedCost);
    }

    [Fact]
    public void TheEvaluationSendsEachDemandPointToItsNearestOpenFacility()
    {
        // Situation: two demand points; an existing hub reaches the first at 300 m; candidates 1 and 2.
        var builder = new SitingInstanceBuilder(existingCount: 1, candidateCount: 2, maxCost: 1000);
        builder.AddDemand(5, people: 5, older: 2);
        builder.AddDemand(7);
        builder.AddPair(0, 0, 300);
        builder.AddPair(0, 1, 100);
        builder.AddPair(1, 2, 600);
        var instance = builder.Build();

        var before = SitingEvaluation.Evaluate(instance, [], 400);
        Assert.Equal(0, before.Nearest(0));
        Assert.Equal(-1, before.Nearest(1));
        Assert.Equal(5 * 300 + 7 * 1000, before.TotalCost);
        Assert.Equal(5, before.CoveredPeople);
        Assert.Equal(2, before.CoveredOlder);

        var after = SitingEvaluation.Evaluate(instance, [1, 2], 400);
        Assert.Equal(1, after.Nearest(0));
        Assert.Equal(2, after.Nearest(1));
        Assert.False(after.IsCovered(1)); // 600 m is beyond 400 m
        Assert.Equal(5 * 100 + 7 * 600, after.TotalCost);
    }

    [Fact]
    public void RankingOrdersSitesByWhatEachAddsAfterTheOnesBefore()
    {
        // Situation: candidate 1 covers demand points 0 and 1 (weights 10, 10), candidate 2 covers 1 and 2 (10, 30).
        var builder = new SitingInstanceBuilder(existingCount: 0, candidateCount: 3, maxCost: 100);
        foreach (var w in new[] { 10.0, 10, 30 }) builder.AddDemand(w);
        builder.AddPair(0, 1, 10);
        builder.AddPair(1, 1, 10);
        builder.AddPair(1, 2, 10);
        builder.AddPair(2, 2, 10);
        var instance = builder.Build();

        var ranked = SitingEvaluation.Rank(instance, new SitingRequest { Model = SitingModel.Mclp, AddCount = 2, CoverCost = 50 }, [1, 2]);

        Assert.Equal([2, 1], ranked.Select(r => r.Facility));
        Assert.Equal([40.0, 10.0], ranked.Select(r => r.MarginalGain));
    }
}
