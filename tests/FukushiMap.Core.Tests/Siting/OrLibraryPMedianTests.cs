using FukushiMap.Core.Siting;

namespace FukushiMap.Core.Tests.Siting;

public class OrLibraryPMedianTests
{
    // Situation: a path 1 –5– 2 –3– 3 –4– 4 and a chord 1 –20– 4 that a later line lowers to 6.
    //   1 —5— 2 —3— 3 —4— 4,  1 —6— 4
    private const string Instance = """
         4 5 2
         1 2 5
         2 3 3
         3 4 4
         1 4 20
         4 1 6
        """;

    [Fact]
    public void CostsAreShortestPathsAndALaterLineReplacesAnEarlierEdge()
    {
        var library = OrLibraryPMedian.Read(new StringReader(Instance));

        Assert.Equal((4, 5, 2), (library.VertexCount, library.EdgeCount, library.MedianCount));
        float[][] expected =
        [
            [0, 5, 8, 6],
            [5, 0, 3, 7],
            [8, 3, 0, 4],
            [6, 7, 4, 0],
        ];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], library.Distances[i]);
    }

    [Fact]
    public void EveryVertexIsAUnitDemandAndACandidate()
    {
        var library = OrLibraryPMedian.Read(new StringReader(Instance));
        var instance = library.ToInstance();

        Assert.Equal(4, instance.DemandCount);
        Assert.Equal(4, instance.CandidateCount);
        Assert.Equal(0, instance.ExistingCount);
        Assert.Equal(4, instance.TotalWeight);
        // p = 2: {1, 3} or {2, 4} … by hand the best is {1, 3}: 0 + 3 + 0 + 4 = 7.
        var best = SitingFixtures.Subsets([0, 1, 2, 3], 2)
            .Min(s => SitingEvaluation.Evaluate(instance, s, double.PositiveInfinity).TotalCost);
        Assert.Equal(7, best);
    }

    [Theory]
    [InlineData("3 1 1\n1 2 5\n2 3 4\n", "declares 1 edges")]
    [InlineData("3 1 4\n1 2 5\n", "header")]
    [InlineData("3 1 1\n1 9 5\n", "out of 1..3")]
    [InlineData("3 1 1\n1 2 x\n", "not a whole number")]
    public void AFileThatDoesNotFollowTheFormatIsRefusedWithTheReason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => OrLibraryPMedian.Read(new StringReader(text)));
        Assert.Contains(reason, error.Message);
    }
}
