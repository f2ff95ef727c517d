using FukushiMap.Core.Network;

namespace FukushiMap.Core.Tests.Network;

public class WalkingPaceTests
{
    [Fact]
    public void FifteenMinutesAtTheStandardPaceIsTwelveHundredMetres() =>
        Assert.Equal(1200, WalkingPace.Standard.MinutesToMetres(15));

    [Fact]
    public void TheThreePacesAreEightySixtyAndFortyEightMetresAMinute() =>
        Assert.Equal([80.0, 60.0, 48.0],
            [WalkingPace.Standard.SpeedMetresPerMinute, WalkingPace.Elderly.SpeedMetresPerMinute, WalkingPace.WithRests.SpeedMetresPerMinute]);

    [Fact]
    public void SixHundredMetresTakeAnOlderWalkerTenMinutes() =>
        Assert.Equal(10, WalkingPace.Elderly.MetresToMinutes(600));

    [Fact]
    public void AZeroPaceIsRejected() =>
        Assert.Throws<InvalidOperationException>(() => new WalkingPace(0).MinutesToMetres(5));
}
