using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Versions;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using FukushiMap.Analysis.Parameters;
using System.Globalization;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using NetTopologySuite.Geometries;

namespace FukushiMap.Analysis.Siting;

/// <summary>A place the user proposes as a candidate (lon/lat, JGD2011), with an optional label.</summary>
public sealed record UserCandidate(double Lon, double Lat, string? Name);

/// <summary>
/// A siting question on a municipality's walking network, validated: the model, the solver, the walking budget and the
/// candidates. Every limit a client may send is checked here (<see cref="Validate"/>), for the API and the CLI alike.
/// </summary>
public sealed record SitingParameters
{
    public required string Municipality { get; init; }
    public SitingModel Model { get; init; } = SitingModel.Mclp;

    /// <summary>"greedy" or "exact".</summary>
    public string Solver { get; init; } = "greedy";

    /// <summary>Sites to add (MCLP, p-median); the most that may be added (LSCP).</summary>
    public int Add { get; init; } = 6;
    public double Minutes { get; init; } = 10;
    public WalkingPace Pace { get; init; } = WalkingPace.Standard;

    /// <summary>Network nodes are sampled about this far apart as candidates (metres); 0 for none.</summary>
    public double SpacingMetres { get; init; } = 60;

    /// <summary>Designated shelters (公民館・学校など) are candidates too.</summary>
    public bool Shelters { get; init; } = true;

    /// <summary>Existing facilities of these categories are candidates too (comma-separated keys, e.g. <c>care-service</c>); null for none.</summary>
    public string? Facilities { get; init; }

    public IReadOnlyList<UserCandidate> UserCandidates { get; init; } = [];

    /// <summary>Areas where no site may go (lon/lat polygons, SRID 6668).</summary>
    public IReadOnlyList<Geometry> Exclusions { get; init; } = [];

    /// <summary>Existing hubs kept: these type keys (comma-separated), null for all open hubs.</summary>
    public string? HubTypes { get; init; }

    /// <summary>LSCP: the share of the population to cover (0–1].</summary>
    public double TargetShare { get; init; } = 0.5;

    /// <summary>Optional: most residents one hub may serve (existing and new alike). Exact solver only.</summary>
    public double? Capacity { get; init; }

    /// <summary>Extra weight per person aged 65+ (0: everyone counts the same; 1: twice).</summary>
    public double OlderWeight { get; init; }

    /// <summary>p-median: walking beyond this many minutes counts as this many (the search bound). Default 2 × minutes.</summary>
    public double? PMedianMaxMinutes { get; init; }

    /// <summary>
    /// Where there is no walking network: the straight-line radius (metres) within which a hub counts as near, as on the coverage
    /// page (国土交通省『都市構造の評価に関するハンドブック』: 800 m, 高齢者 500 m); null: minutes × pace.
    /// </summary>
    public double? StraightRadius { get; init; }

    /// <summary>Exact solver's time limit.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    public double WalkMetres => Pace.MinutesToMetres(Minutes);

    /// <summary>The straight-line radius used where there is no network data: <see cref="StraightRadius"/> or <see cref="WalkMetres"/>.</summary>
    public double StraightMetres => StraightRadius ?? WalkMetres;

    /// <summary>
    /// Straight-line metres stored from every facility where there is no network: the radius, or for p-median its bound scaled
    /// alike (by default twice the radius).
    /// </summary>
    public double StraightBoundMetres => Model == SitingModel.PMedian ? StraightMetres * BoundMetres / WalkMetres : StraightMetres;

    /// <summary><see cref="Facilities"/> as a sorted list of distinct keys.</summary>
    public IReadOnlyList<string> FacilityCategories =>
        (Facilities ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The older people's extra weight as the model uses it (LSCP's target counts people, unweighted).</summary>
    public double EffectiveOlderWeight => Model == SitingModel.Lscp ? 0 : OlderWeight;

    /// <summary>Metres searched from every facility: the cover budget, or for p-median its own bound.</summary>
    public double BoundMetres => Model == SitingModel.PMedian ? Pace.MinutesToMetres(PMedianMaxMinutes ?? Math.Min(2 * Minutes, Limits.MaxMinutes)) : WalkMetres;

    /// <summary>The question for the solvers: covered within the walk, or (<paramref name="straightLine"/>) within the straight-line radius.</summary>
    public SitingRequest ToRequest(bool straightLine = false) => new()
    {
        Model = Model,
        AddCount = Model == SitingModel.Lscp ? Math.Max(Add, 0) : Add,
        CoverCost = straightLine ? CoverageAnalyzer.StraightReachMetres(StraightMetres) : WalkMetres,
        TargetShare = TargetShare,
        Capacity = Capacity,
    };

    /// <summary>Throws problem details for anything out of range.</summary>
    public SitingParameters Validate()
    {
        static FukushiMapError Bad(string type, string detail) => FukushiMapError.Invalid(type, detail);
        if (!double.IsFinite(Minutes) || Minutes <= 0 || Minutes > Limits.MaxMinutes)
            throw Bad("invalid-minutes", $"minutes は 0 より大きく {Limits.MaxMinutes:N0} 分以下で指定してください。");
        if (Add < 0 || Add > Limits.MaxSitesAdded)
            throw Bad("invalid-add", $"add（加える拠点の数）は 0〜{Limits.MaxSitesAdded} で指定してください。");
        if (Model != SitingModel.Lscp && Add < 1)
            throw Bad("invalid-add", "add（加える拠点の数）は 1 以上で指定してください。");
        if (Solver is not ("greedy" or "exact"))
            throw Bad("invalid-solver", "solver は greedy か exact です。");
        if (SpacingMetres != 0 && (!double.IsFinite(SpacingMetres) || SpacingMetres < Limits.MinSpacingMetres || SpacingMetres > Limits.MaxSpacingMetres))
            throw Bad("invalid-spacing", $"spacing（候補地の間隔）は 0（使わない）か {Limits.MinSpacingMetres:N0}〜{Limits.MaxSpacingMetres:N0} m で指定してください。");
        if (UserCandidates.Count > Limits.MaxUserCandidates)
            throw Bad("too-many-candidates", $"候補地の一覧は {Limits.MaxUserCandidates:N0} か所までです。");
        if (UserCandidates.Any(c => !double.IsFinite(c.Lon) || !double.IsFinite(c.Lat) || c.Lon is < -180 or > 180 || c.Lat is < -90 or > 90))
            throw Bad("invalid-candidate", "候補地の経度・緯度が正しくありません。");
        if (Exclusions.Count > Limits.MaxExclusions)
            throw Bad("too-many-exclusions", $"除外する範囲は {Limits.MaxExclusions} 個までです。");
        if (Exclusions.Any(g => g is not (Polygon or MultiPolygon) || !g.IsValid))
            throw Bad("invalid-exclusion", "除外する範囲は、自己交差のない多角形（Polygon / MultiPolygon）で指定してください。");
        if (Model == SitingModel.Lscp && (!double.IsFinite(TargetShare) || TargetShare <= 0 || TargetShare > 1))
            throw Bad("invalid-target", "target（届く人の割合の目標）は 0 より大きく 1 以下で指定してください（例 0.5）。");
        if (Capacity is { } c && (!double.IsFinite(c) || c < 1 || c > 10_000_000))
            throw Bad("invalid-capacity", "capacity（拠点 1 か所あたりの住民の上限）は 1 以上の数で指定してください。");
        if (Capacity is not null && Solver != "exact")
            throw Bad("capacity-needs-exact", "capacity（拠点 1 か所あたりの住民の上限）は solver=exact のときだけ使えます。");
        if (!double.IsFinite(OlderWeight) || OlderWeight < 0 || OlderWeight > 10)
            throw Bad("invalid-older-weight", "older_weight（65歳以上の人の重み）は 0〜10 で指定してください。");
        if (PMedianMaxMinutes is { } m && (!double.IsFinite(m) || m < Minutes || m > Limits.MaxMinutes))
            throw Bad("invalid-max-minutes", $"max_minutes（p-median で数える最長の歩く時間）は minutes 以上 {Limits.MaxMinutes:N0} 分以下です。");
        Parse.StraightRadius(StraightRadius);
        if (TimeLimit <= TimeSpan.Zero || TimeLimit > Limits.MaxSolverTime)
            throw Bad("invalid-time-limit", $"time_limit は 1〜{Limits.MaxSolverTime.TotalSeconds:N0} 秒です。");
        if (FacilityCategories.Any(c => c.Length > 64 || !c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')))
            throw Bad("invalid-facilities", "facilities（候補施設の分類）は英小文字・数字・ハイフンのキーをカンマ区切りで指定してください（例: care-service）。");
        if (SpacingMetres == 0 && !Shelters && UserCandidates.Count == 0 && FacilityCategories.Count == 0)
            throw Bad("no-candidates", "候補地がありません。spacing・shelters・facilities・候補地の一覧のどれかを指定してください。");
        return this;
    }

    /// <summary>Parses a model name (mclp, lscp, pmedian).</summary>
    public static SitingModel ParseModel(string? text) => (text ?? "mclp").Trim().ToLowerInvariant() switch
    {
        "mclp" or "" => SitingModel.Mclp,
        "lscp" => SitingModel.Lscp,
        "pmedian" or "p-median" => SitingModel.PMedian,
        _ => throw FukushiMapError.Invalid("invalid-model", "model は mclp・lscp・pmedian のどれかです。"),
    };

    /// <summary>The model's name in outputs.</summary>
    public static string ModelName(SitingModel model) => model switch
    {
        SitingModel.Mclp => "mclp",
        SitingModel.Lscp => "lscp",
        _ => "pmedian",
    };

    /// <summary>A short key of everything the instance depends on (not the model's K, solver or target).</summary>
    internal string InstanceKey(IEnumerable<int> hubIds) => string.Create(CultureInfo.InvariantCulture,
        $"{Municipality}|{BoundMetres:R}|{StraightBoundMetres:R}|{SpacingMetres:R}|{Shelters}|{string.Join(',', FacilityCategories)}|{EffectiveOlderWeight:R}|{string.Join(',', hubIds)}|" +
        $"{string.Join(';', UserCandidates.Select(c => $"{c.Lon:R},{c.Lat:R},{c.Name}"))}|{string.Join(';', Exclusions.Select(g => g.ToText()))}");

    internal static WalkingPace ParsePace(double? pace) => Parse.Pace(pace);
}
