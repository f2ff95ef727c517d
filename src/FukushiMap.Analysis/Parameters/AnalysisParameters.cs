using System.Globalization;
using FukushiMap.Core;
using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;

namespace FukushiMap.Analysis.Parameters;

/// <summary>The one table of limits on what an analysis may be asked (the web API and the command line alike).</summary>
public static class Limits
{
    /// <summary>Longest walk (minutes) for coverage, isochrones, siting and evacuation.</summary>
    public const double MaxMinutes = 60;

    /// <summary>Longest walk (minutes) the finder searches from a person's point.</summary>
    public const double MaxNearestMinutes = 120;

    /// <summary>
    /// Straight-line radius (metres) where there is no network data: at most this; the planners' radii are 800 m (徒歩圏) and
    /// 500 m (高齢者の徒歩圏), from 国土交通省『都市構造の評価に関するハンドブック』.
    /// </summary>
    public const double MinStraightRadius = 50, MaxStraightRadius = 5000;

    /// <summary>Hubs one analysis may take.</summary>
    public const int MaxHubs = 500;

    /// <summary>Hubs the finder lists at most.</summary>
    public const int MaxNearest = 20;

    /// <summary>Isochrone bands in one request.</summary>
    public const int MaxBands = 6;

    /// <summary>Walking pace (m/分): 80 ordinary, 60 slow, 48 with rests.</summary>
    public const double MinPace = 20, MaxPace = 150, DefaultPace = 80;

    /// <summary>The municipality when none is named (宇部市, the reference data).</summary>
    public const string DefaultMunicipality = "35202";

    /// <summary>What-if changes (move, add, close) in one coverage question.</summary>
    public const int MaxWhatIf = 50;

    /// <summary>Gaps (空白地域) one answer lists at most.</summary>
    public const int MaxGaps = 10_000;

    /// <summary>Characters of an address typed into the finder.</summary>
    public const int MaxAddressLength = 100;

    /// <summary>Places the finder's address search returns at most.</summary>
    public const int MaxAddressMatches = 20;

    /// <summary>Largest file a planner may upload in the browser (bytes; 20 MB).</summary>
    public const long MaxUploadBytes = 20L * 1024 * 1024;

    /// <summary>Features an upload preview sends to the map at most (the problem list is complete regardless).</summary>
    public const int MaxPreviewFeatures = 3000;

    /// <summary>Siting: sites one question may add.</summary>
    public const int MaxSitesAdded = 50;

    /// <summary>Siting: candidate places a user may propose.</summary>
    public const int MaxUserCandidates = 2000;

    /// <summary>Siting: areas a user may exclude.</summary>
    public const int MaxExclusions = 200;

    /// <summary>Siting: spacing of network nodes taken as candidates (metres).</summary>
    public const double MinSpacingMetres = 20, MaxSpacingMetres = 5000;

    /// <summary>Siting: saved scenarios compared side by side at most.</summary>
    public const int MaxComparedScenarios = 6;

    /// <summary>Evacuation: the longest walk (minutes) a household list may ask about; the nearest shelter is searched this far too.</summary>
    public const double MaxEvacuationMinutes = 120;

    /// <summary>Siting: the longest an exact solver may run.</summary>
    public static readonly TimeSpan MaxSolverTime = TimeSpan.FromSeconds(120);
}

/// <summary>
/// Parameters that bind and check themselves in one place: each takes what a query string or an option gave (or null) and returns
/// the value, or throws a <see cref="FukushiMapError"/> whose message names the parameter and the allowed range in Japanese.
/// </summary>
public static class Parse
{
    /// <summary>A 5-digit 市区町村コード (default <see cref="Limits.DefaultMunicipality"/>).</summary>
    public static string Municipality(string? code)
    {
        code = string.IsNullOrEmpty(code) ? Limits.DefaultMunicipality : code;
        return code.Length == 5 && code.All(char.IsAsciiDigit)
            ? code
            : throw FukushiMapError.Invalid("invalid-municipality", $"市区町村コードは5桁の数字です（「{code}」）。");
    }

    /// <summary>
    /// The straight-line radius where there is no network data (metres, <see cref="Limits.MinStraightRadius"/>–<see cref="Limits.MaxStraightRadius"/>),
    /// or null: minutes × pace.
    /// </summary>
    public static double? StraightRadius(double? radius) => radius switch
    {
        null => null,
        { } r when double.IsFinite(r) && r is >= Limits.MinStraightRadius and <= Limits.MaxStraightRadius => r,
        _ => throw FukushiMapError.Invalid("invalid-straight-radius",
            $"straight_radius（直線距離の半径）は {Limits.MinStraightRadius:N0}〜{Limits.MaxStraightRadius:N0} m で指定してください。"),
    };

    /// <summary>A walking pace in m/分 (default 80).</summary>
    public static WalkingPace Pace(double? pace)
    {
        var p = pace ?? Limits.DefaultPace;
        return double.IsFinite(p) && p is >= Limits.MinPace and <= Limits.MaxPace
            ? new WalkingPace(p)
            : throw FukushiMapError.Invalid("invalid-pace",
                $"pace（歩く速さ）は {Limits.MinPace:0}〜{Limits.MaxPace:0} m/分 で指定してください（ふつう 80、ゆっくり 60、休み休み 48）。");
    }

    /// <summary>Minutes of walking, more than 0 and at most <paramref name="max"/>.</summary>
    public static double Minutes(double? minutes, double fallback = 10, double max = Limits.MaxMinutes, string name = "minutes")
    {
        var m = minutes ?? fallback;
        return double.IsFinite(m) && m > 0 && m <= max
            ? m
            : throw FukushiMapError.Invalid("invalid-minutes", $"{name} は 0 より大きく {max:N0} 分以下で指定してください。");
    }

    /// <summary>Comma-separated minutes (default 10), each checked, sorted, at most <see cref="Limits.MaxBands"/>.</summary>
    public static List<double> MinutesList(string? text)
    {
        var list = new List<double>();
        foreach (var p in Words(string.IsNullOrWhiteSpace(text) ? "10" : text, int.MaxValue))
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || !double.IsFinite(m) || m <= 0 || m > Limits.MaxMinutes)
            {
                throw FukushiMapError.Invalid("invalid-minutes", $"minutes は 0 より大きく {Limits.MaxMinutes:N0} 分以下の数をカンマで区切って指定してください（「{p}」）。");
            }
            list.Add(m);
        }
        return list.Count > Limits.MaxBands
            ? throw FukushiMapError.Invalid("invalid-minutes", $"minutes は {Limits.MaxBands} 個までです。")
            : [.. list.Distinct().Order()];
    }

    /// <summary>Comma-separated hub ids (null when none), at most <see cref="Limits.MaxHubs"/>.</summary>
    public static List<int>? Ids(string? text, string name = "hub_ids")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var ids = new List<int>();
        foreach (var p in Words(text, int.MaxValue))
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw FukushiMapError.Invalid("invalid-hub-ids", $"{name} は整数をカンマで区切って指定してください（「{p}」）。");
            }
            ids.Add(id);
        }
        return ids.Count > Limits.MaxHubs ? throw TooManyHubs() : ids;
    }

    /// <summary>The error for more than <see cref="Limits.MaxHubs"/> hubs.</summary>
    public static FukushiMapError TooManyHubs() => FukushiMapError.Invalid("too-many-hubs", $"一度に扱える拠点は {Limits.MaxHubs} か所までです。");

    /// <summary>Comma-separated words (trimmed, empty ones dropped), at most <paramref name="max"/>.</summary>
    public static List<string> Words(string? text, int max = 20) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(max)];

    /// <summary>A lon/lat point given as numbers on the globe.</summary>
    public static (double Lon, double Lat) Point(double? lon, double? lat) =>
        lon is { } x && lat is { } y && double.IsFinite(x) && double.IsFinite(y) && x is >= -180 and <= 180 && y is >= -90 and <= 90
            ? (x, y)
            : throw FukushiMapError.Invalid("invalid-point", "lat（緯度）と lon（経度）を数値で指定してください。");

    /// <summary>A lon/lat point in Japan (<see cref="JapanBounds"/>), e.g. a place a person marks on the map.</summary>
    public static (double Lon, double Lat) PointInJapan(double lon, double lat, string what) =>
        JapanBounds.Contains(lon, lat)
            ? (lon, lat)
            : throw FukushiMapError.Invalid("invalid-point",
                $"{what}の位置（経度 {lon}, 緯度 {lat}）が日本の範囲（経度 {JapanBounds.MinLon:0}〜{JapanBounds.MaxLon:0}、緯度 {JapanBounds.MinLat:0}〜{JapanBounds.MaxLat:0}）の外です。");

    /// <summary>
    /// A stored location edited by <paramref name="lon"/> and/or <paramref name="lat"/> (what is not sent is kept from
    /// <paramref name="current"/>; with no current location both are needed): the new point (SRID 6668), or null with the reason
    /// added to <paramref name="errors"/> when it is not in Japan. Edits of hubs, households and watchers all read their points here.
    /// </summary>
    public static NetTopologySuite.Geometries.Point? EditedLocation(double? lon, double? lat, NetTopologySuite.Geometries.Point? current,
        ICollection<string> errors)
    {
        var x = lon ?? current?.X;
        var y = lat ?? current?.Y;
        if (x is not { } lonValue || y is not { } latValue || !double.IsFinite(lonValue) || !double.IsFinite(latValue) || !JapanBounds.Contains(lonValue, latValue))
        {
            errors.Add($"lon・lat（位置）は日本国内の経緯度（経度 {JapanBounds.MinLon:0}〜{JapanBounds.MaxLon:0}、緯度 {JapanBounds.MinLat:0}〜{JapanBounds.MaxLat:0}）で指定してください。");
            return null;
        }
        return new NetTopologySuite.Geometries.Point(lonValue, latValue) { SRID = 6668 };
    }
}
