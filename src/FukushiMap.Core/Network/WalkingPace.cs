namespace FukushiMap.Core.Network;

/// <summary>
/// A walking speed in metres per minute, with conversions between walking minutes and network metres.
/// </summary>
/// <param name="SpeedMetresPerMinute">Walking speed in metres per minute; must be positive and finite.</param>
public readonly record struct WalkingPace(double SpeedMetresPerMinute)
{
    /// <summary>一般 / ふつう: 80 m/min, the standard pace used in Japanese real-estate and planning guidance.</summary>
    public static WalkingPace Standard { get; } = new(80);

    /// <summary>高齢者 / ゆっくり: 60 m/min, an older person's pace.</summary>
    public static WalkingPace Elderly { get; } = new(60);

    /// <summary>休み休み: 48 m/min, walking with rests.</summary>
    public static WalkingPace WithRests { get; } = new(48);

    /// <summary>Metres walked in <paramref name="walkMinutes"/> minutes at this pace.</summary>
    public double MinutesToMetres(double walkMinutes) => walkMinutes * Validated;

    /// <summary>Minutes needed to walk <paramref name="walkMetres"/> metres at this pace.</summary>
    public double MetresToMinutes(double walkMetres) => walkMetres / Validated;

    private double Validated => SpeedMetresPerMinute > 0 && double.IsFinite(SpeedMetresPerMinute)
        ? SpeedMetresPerMinute
        : throw new InvalidOperationException($"Walking pace must be a positive number of metres per minute, got {SpeedMetresPerMinute}.");
}
