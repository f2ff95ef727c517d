using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

public class WalkReachTests
{
    // Situation (100 m apart; S = shelters, h = households):
    //
    //   (0)-----(1)-----(2)-----(3)-----(4)
    //    S0 10 m below (0)        h 30 m above the middle of (2)-(3)
    //                                    S2 20 m above (4)
    //   S1 at (5000, 5000) is off the network.
    private static (NetworkSnapper Snapper, WalkReach Reach) Fixture(double maxMetres)
    {
        var graph = GridNetwork.Create(5, 1, 100);
        var snapper = new NetworkSnapper(graph);
        var shelters = new[] { snapper.Snap(0, -10), snapper.Snap(5000, 5000), snapper.Snap(400, 20) };
        return (snapper, WalkReach.From(graph, shelters, maxMetres));
    }

    [Fact]
    public void AHouseholdGetsTheMetresToItsNearestSourceNamedByItsPlaceInTheList()
    {
        var (snapper, reach) = Fixture(2000);

        var (metres, source) = reach.Nearest(snapper.Snap(250, 30))!.Value;

        Assert.Equal(30 + 150 + 20, metres, 3);
        Assert.Equal(2, source);
    }

    [Fact]
    public void BeyondTheBoundOrOffTheNetworkThereIsNoAnswer()
    {
        var (snapper, reach) = Fixture(100);

        Assert.Null(reach.Nearest(snapper.Snap(250, 30)));
        Assert.Null(reach.Nearest(snapper.Snap(9000, 9000)));
        Assert.Equal((20.0, 0), reach.Nearest(snapper.Snap(10, 0))!.Value);
    }
}
