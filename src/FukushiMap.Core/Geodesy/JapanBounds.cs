namespace FukushiMap.Core.Geodesy;

/// <summary>Japan including its remote islands, with a margin: lon 122–154°, lat 20–46° (JGD2011). The one copy of these numbers.</summary>
public static class JapanBounds
{
    public const double MinLon = 122, MaxLon = 154, MinLat = 20, MaxLat = 46;

    /// <summary>True for a finite point inside the bounds.</summary>
    public static bool Contains(double lon, double lat) =>
        double.IsFinite(lon) && double.IsFinite(lat) && lon is >= MinLon and <= MaxLon && lat is >= MinLat and <= MaxLat;
}
