using FukushiMap.Core.Coverage;

namespace FukushiMap.Core.Tests.Coverage;

public class ApportionmentTests
{
    [Theory]
    [InlineData(0, new[] { 1.0, 2.0 })]
    [InlineData(1, new[] { 1.0, 1.0, 1.0 })]
    [InlineData(10, new[] { 1.0, 1.0, 1.0 })]
    [InlineData(548, new[] { 25.0, 25.0, 12.5, 3.2, 100.0, 0.0 })]
    [InlineData(7, new[] { 0.0, 0.0 })]
    public void SharesAddUpToTheTotalAndStayWithinOneOfTheirQuota(int total, double[] weights)
    {
        var shares = Apportionment.LargestRemainder(total, weights);
        Assert.Equal(total, shares.Sum());
        double sum = weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            double quota = sum > 0 ? total * weights[i] / sum : (double)total / weights.Length;
            Assert.InRange(shares[i], Math.Floor(quota), Math.Ceiling(quota));
        }
    }

    [Fact]
    public void RandomWeightsNeverLoseOrGainAPerson()
    {
        var random = new Random(4);
        for (int round = 0; round < 500; round++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 60)).Select(_ => random.NextDouble() * 50).ToArray();
            int total = random.Next(0, 5000);
            Assert.Equal(total, Apportionment.LargestRemainder(total, weights).Sum());
        }
    }

    [Fact]
    public void TiesAreSpreadThroughTheListRatherThanBunchedAtItsStart()
    {
        // 5 people over 100 equal street samples: the five go to samples spread along the street.
        var shares = Apportionment.LargestRemainder(5, Enumerable.Repeat(1.0, 100).ToArray());
        var placed = shares.Select((s, i) => (s, i)).Where(p => p.s > 0).Select(p => p.i).ToList();
        Assert.Equal(5, placed.Count);
        Assert.True(placed.Max() - placed.Min() > 50, string.Join(",", placed));
    }

    [Fact]
    public void ASharingWithoutPlacesForPeopleIsRefused() =>
        Assert.Throws<ArgumentException>(() => Apportionment.LargestRemainder(3, Array.Empty<double>()));
}
