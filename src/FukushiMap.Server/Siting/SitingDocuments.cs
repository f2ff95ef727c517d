using System.Globalization;
using System.Text;
using FukushiMap.Analysis.Cities;
using System.Text.Json;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace FukushiMap.Server.Siting;

/// <param name="StraightLineMetres">The straight-line radius where there is no network data (minutes × pace unless chosen).</param>
/// <param name="StraightRadius">The radius chosen (800 m, 500 m…), or null for minutes × pace.</param>
public sealed record SitingParametersView(string Model, string Solver, int Add, double Minutes, double Pace, double WalkMetres, double SpacingMetres,
    bool Shelters, int UserCandidates, int Exclusions, string? HubTypes, double? TargetShare, double? Capacity, double OlderWeight,
    double BoundMetres, double TimeLimitSeconds, string? Facilities, double StraightLineMetres, double? StraightRadius);

/// <param name="Objective">Covered weight (MCLP), added sites (LSCP) or Σ people × metres (p-median).</param>
/// <param name="Bound">Proven bound on the optimum (null when unknown).</param>
/// <param name="Gap">|bound − objective| ÷ objective; 0 = proven optimal.</param>
public sealed record SolverView(string Name, string Status, string StatusText, double Objective, double? Bound, double? Gap, double Seconds,
    double InstanceMs, bool InstanceReused, int Demands, int Pairs);

/// <param name="Covered">People within the walking budget of a hub.</param>
/// <param name="Population">Everybody, people without network data included (as on the coverage page).</param>
/// <param name="MeanWalkMinutes">Mean walk to the nearest hub among the people within the search bound (null by straight line).</param>
/// <param name="MeanMetres">Mean distance to the nearest hub among them, metres (walking, or straight line without a network).</param>
/// <param name="ServedWithinCapacity">With a capacity: people within reach a hub can take on (the best assignment).</param>
public sealed record StateView(long Covered, long Population, double? CoveredShare, long? CoveredOlder, int Hubs, double? MeanWalkMinutes,
    long WithinBound, long? ServedWithinCapacity, double? MeanMetres);

/// <param name="SnapMetres">Metres to the nearest street; null without network data.</param>
/// <param name="Catchment">The walking catchment, or without a network the disc of the straight-line radius.</param>
public sealed record SiteView(int Rank, double Lon, double Lat, string Name, string? Area, string Source, long NewlyCovered,
    long? NewlyCoveredOlder, double MarginalGain, double? SnapMetres, Geometry? Catchment);

public sealed record CandidatesView(int Total, int Nodes, int Facilities, int User, int Excluded, int OffNetwork);

/// <summary>One district, current and proposed side by side.</summary>
public sealed record DistrictRow(string Code, string Name, long Population, long CoveredBefore, long CoveredAfter, long NewlyCovered,
    long NoNetwork, int HubsBefore, int HubsAfter);

public sealed record ExistingHubView(int? Id, string Name, string TypeName, double Lon, double Lat, bool OnNetwork);

/// <summary>The whole siting answer as JSON (the map page's and the saved scenario's shape).</summary>
/// <param name="Distance"><c>walking</c>, or <c>straight-line</c> where the city has no walking network.</param>
/// <param name="DistanceLabel">How that reads on screens, prints and exports (「直線距離（道路データなし）」).</param>
public sealed record SitingReportView(MunicipalityRef Municipality, SitingParametersView Parameters, SolverView Solver, StateView Before,
    StateView After, List<SiteView> Sites, CandidatesView Candidates, List<DistrictRow> Districts, string DistrictLayer,
    List<ExistingHubView> Hubs, Geometry? NewlyCoveredArea, string[] Method, List<string> Attribution, string Distance, string DistanceLabel);

/// <summary>Turns a <see cref="SitingRun"/> into JSON, CSV, GeoJSON and text.</summary>
public static class SitingDocuments
{
    public static readonly string[] SiteColumns =
        ["rank", "name", "area", "lon", "lat", "source", "newly_covered", "newly_covered_65plus", "marginal_gain", "snap_metres", "distance"];

    /// <summary>How the answer's distances were measured: <c>walking</c>, or <c>straight-line</c> without a walking network.</summary>
    public static (string Key, string Label) DistanceOf(SitingRun run) => run.StraightLine
        ? ("straight-line", CityNetwork.StraightLineLabel)
        : ("walking", CityNetwork.WalkingLabel);

    /// <summary>The reach in words: 「徒歩 10 分（800 m）」, or 「直線距離 800 m（道路データなし）」.</summary>
    public static string Reach(SitingRun run) => run.StraightLine
        ? string.Create(CultureInfo.InvariantCulture, $"直線距離 {run.Parameters.StraightMetres:N0} m（道路データなし）")
        : string.Create(CultureInfo.InvariantCulture, $"徒歩 {run.Parameters.Minutes:0.#} 分（毎分 {run.Parameters.Pace.SpeedMetresPerMinute:0.#} m = {run.Parameters.WalkMetres:N0} m）");

    public static SitingReportView Report(SitingRun run, bool withAreas = true)
    {
        var p = run.Parameters;
        var inputs = run.City.Inputs;
        var after = run.CoverageAfter;
        return new SitingReportView(
            new MunicipalityRef(inputs.MunicipalityCode, inputs.MunicipalityName),
            new SitingParametersView(SitingParameters.ModelName(p.Model), p.Solver, p.Add, p.Minutes, p.Pace.SpeedMetresPerMinute,
                Math.Round(p.WalkMetres, 1), p.SpacingMetres, p.Shelters, p.UserCandidates.Count, p.Exclusions.Count, p.HubTypes,
                p.Model == SitingModel.Lscp ? p.TargetShare : null, p.Capacity, p.OlderWeight,
                Math.Round(run.StraightLine ? p.StraightBoundMetres : p.BoundMetres, 1), p.TimeLimit.TotalSeconds, p.Facilities,
                Math.Round(p.StraightMetres, 1), p.StraightRadius),
            Solver(run), State(run, before: true), State(run, before: false),
            Sites(run, withAreas),
            new CandidatesView(run.Candidates.Candidates.Count, run.Candidates.Nodes, run.Candidates.Facilities, run.Candidates.User,
                run.Candidates.Excluded, run.Candidates.OffNetwork),
            Districts(run), run.CoverageBefore.Layer.Name,
            run.Hubs.Select(h => new ExistingHubView(h.Id, h.Name, h.TypeName, Math.Round(h.Lon, 6), Math.Round(h.Lat, 6), h.Snap.IsOnNetwork)).ToList(),
            withAreas ? NewlyCoveredArea(run) : null,
            SitingMethod.Paragraphs(run), [.. after.Attribution.Concat(run.Candidates.Attribution).Distinct()],
            DistanceOf(run).Key, DistanceOf(run).Label);
    }

    public static SolverView Solver(SitingRun run)
    {
        var s = run.Solution;
        return new SolverView(s.Solver, SiteCommand.StatusName(s.Status), SiteCommand.StatusText(s.Status), Math.Round(s.Objective, 3),
            s.Bound is { } b ? Math.Round(b, 3) : null, s.Gap is { } g ? Math.Round(g, 6) : null, Math.Round(s.Elapsed.TotalSeconds, 3),
            Math.Round(run.InstanceTime.TotalMilliseconds, 1), run.InstanceCached, run.Network.Instance.DemandCount, run.Network.Instance.PairCount);
    }

    public static StateView State(SitingRun run, bool before)
    {
        var e = before ? run.Before : run.After;
        var coverage = before ? run.CoverageBefore : run.CoverageAfter;
        long covered = (long)Math.Round(e.CoveredPeople);
        bool older = run.City.Inputs.Bands.Any(b => b.Key == FukushiMap.Data.Coverage.CoverageInputLoader.Age65PlusKey);
        double? metres = e.ServedPeople > 0 ? e.ServedCost / e.ServedPeople : null;
        // A straight line is not a walk: no walking minutes are made from it.
        double? mean = metres is { } m && !run.StraightLine ? Math.Round(run.Parameters.Pace.MetresToMinutes(m), 2) : null;
        return new StateView(covered, run.Population, run.Population > 0 ? Math.Round((double)covered / run.Population, 4) : null,
            older ? (long)Math.Round(e.CoveredOlder) : null, coverage.Hubs.Count, mean, (long)Math.Round(e.ServedPeople),
            run.ServedWithinCapacity is { } served ? (long)Math.Round(before ? served.Before : served.After) : null,
            metres is { } mm ? Math.Round(mm, 1) : null);
    }

    private static List<SiteView> Sites(SitingRun run, bool withAreas)
    {
        bool older = run.City.Inputs.Bands.Any(b => b.Key == FukushiMap.Data.Coverage.CoverageInputLoader.Age65PlusKey);
        var catchments = withAreas ? Catchments(run) : null;
        return run.Sites.Select((s, i) => new SiteView(s.Rank, Math.Round(s.Candidate.Lon, 7), Math.Round(s.Candidate.Lat, 7), s.Name, s.Area,
            SourceName(s.Candidate.Site.Source), s.NewlyCovered, older ? s.NewlyCoveredOlder : null, Math.Round(s.MarginalGain, 3),
            double.IsFinite(s.Candidate.Snap.SnapMetres) && !run.StraightLine ? Math.Round(s.Candidate.Snap.SnapMetres, 1) : null, catchments?[i])).ToList();
    }

    /// <summary>
    /// Each added site's walking catchment within the budget, or without a network the disc of the straight-line radius
    /// (lon/lat, straightened by 3 m for display).
    /// </summary>
    public static List<Geometry> Catchments(SitingRun run)
    {
        if (run.Sites.Count == 0) return [];
        var p = run.Parameters;
        var isochrones = run.StraightLine
            ? StraightLineIsochrones.Build(run.Sites.Select(s => s.Candidate.Site.Point).ToList(), [p.Pace.MetresToMinutes(p.StraightMetres)], p.Pace,
                IsochroneGrouping.PerSource, run.City.Network.Loaded.Projector.PlaneFactory)
            : run.City.Network.Isochrones.Build(run.Sites.Select(s => s.Candidate.Snap).ToList(), [p.Minutes], p.Pace, IsochroneGrouping.PerSource);
        return isochrones.OrderBy(i => i.SourceIndex).Select(i => run.City.Network.ToLonLat(DouglasPeuckerSimplifier.Simplify(i.Area, 3))).ToList();
    }

    /// <summary>
    /// Where people become covered (discs of 40 m around their places, dissolved; lon/lat). Without a network, where people
    /// are known only by their 町丁・字's representative point, the estimated areas of those 町丁・字 (the coverage page's cells).
    /// </summary>
    public static Geometry NewlyCoveredArea(SitingRun run)
    {
        var factory = run.City.Network.Loaded.Projector.PlaneFactory;
        var plane = run.StraightLine
            ? SitingAreas.Cells(run.City.Placement, run.NewlyCoveredPlacements(), factory)
            : SitingAreas.Dissolve(run.City.Placement, run.NewlyCoveredPlacements(), factory);
        return run.City.Network.ToLonLat(DouglasPeuckerSimplifier.Simplify(plane, 3));
    }

    public static List<DistrictRow> Districts(SitingRun run)
    {
        var before = run.CoverageBefore.Summary.Districts;
        var after = run.CoverageAfter.Summary.Districts;
        var layer = run.CoverageBefore.Layer;
        return before.Select((b, i) =>
        {
            var a = after[i];
            var d = layer.Districts[b.Index];
            // Without a network the answer is the straight-line figure (the walking one is zero there).
            long was = run.StraightLine ? b.Figures.NoNetworkStraightCovered : b.Figures.Covered;
            long will = run.StraightLine ? a.Figures.NoNetworkStraightCovered : a.Figures.Covered;
            return new DistrictRow(d.Code, d.Name, b.Figures.Population, was, will, will - was, b.Figures.NoNetwork, b.Hubs, a.Hubs);
        }).ToList();
    }

    private static string SourceName(CandidateSource source) => source switch
    {
        CandidateSource.NetworkNode => "network-node",
        CandidateSource.Facility => "facility",
        CandidateSource.UnitPoint => "unit-point",
        _ => "user",
    };

    // ---------- CLI ----------

    /// <summary>
    /// The CLI's one JSON object: {"model","solver","before":{"covered","population"},"after":{"covered","population"},"gap",
    /// "sites":[{"lon","lat","name","newly_covered"}]}.
    /// </summary>
    public static string CliJson(SitingRun run)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = CoverageDocuments.JsonOptions.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("model", SitingParameters.ModelName(run.Parameters.Model));
            json.WriteString("solver", run.Solution.Solver);
            json.WriteString("distance", DistanceOf(run).Label);
            foreach (var (name, before) in new[] { ("before", true), ("after", false) })
            {
                var s = State(run, before);
                json.WriteStartObject(name);
                json.WriteNumber("covered", s.Covered);
                json.WriteNumber("population", s.Population);
                json.WriteEndObject();
            }
            if (run.Solution.Gap is { } gap) json.WriteNumber("gap", Math.Round(gap, 6)); else json.WriteNull("gap");
            json.WriteStartArray("sites");
            foreach (var site in run.Sites)
            {
                json.WriteStartObject();
                json.WriteNumber("lon", Math.Round(site.Candidate.Lon, 7));
                json.WriteNumber("lat", Math.Round(site.Candidate.Lat, 7));
                json.WriteString("name", site.Name);
                json.WriteNumber("newly_covered", site.NewlyCovered);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The chosen sites, one row each (text through <see cref="Csv"/>: no live formula from a site's name).</summary>
    public static string SitesCsv(SitingRun run) =>
        Csv.Table(SiteColumns, Sites(run, withAreas: false).Select(s =>
            new object?[] { s.Rank, s.Name, s.Area, s.Lon, s.Lat, s.Source, s.NewlyCovered, s.NewlyCoveredOlder, s.MarginalGain, s.SnapMetres, DistanceOf(run).Label }));

    /// <summary>The sites as GeoJSON points (and, with catchments, each site's walking catchment as a polygon feature).</summary>
    public static object SiteFeatures(SitingRun run, bool withCatchments)
    {
        var sites = Sites(run, withCatchments);
        var (distance, label) = DistanceOf(run);
        var features = new List<FeatureView>();
        foreach (var s in sites)
        {
            var properties = new Dictionary<string, object?>
            {
                ["kind"] = "site", ["rank"] = s.Rank, ["name"] = s.Name, ["area"] = s.Area, ["source"] = s.Source,
                ["newly_covered"] = s.NewlyCovered, ["newly_covered_65plus"] = s.NewlyCoveredOlder, ["marginal_gain"] = s.MarginalGain,
                ["distance"] = label,
            };
            features.Add(new FeatureView(new Point(s.Lon, s.Lat) { SRID = 6668 }, properties));
        }
        if (withCatchments)
        {
            foreach (var s in sites.Where(s => s.Catchment is not null))
                features.Add(new FeatureView(s.Catchment, new Dictionary<string, object?>
                {
                    ["kind"] = "catchment", ["rank"] = s.Rank, ["name"] = s.Name, ["metres"] = Math.Round(run.ReachMetres, 1), ["distance"] = label,
                }));
            features.Add(new FeatureView(NewlyCoveredArea(run), new Dictionary<string, object?>
            {
                ["kind"] = "newly_covered",
                ["people"] = (long)Math.Round(run.After.CoveredPeople - run.Before.CoveredPeople),
                ["distance"] = label,
            }));
        }
        return new { type = "FeatureCollection", features, distance, distanceLabel = label, attribution = run.CoverageAfter.Attribution };
    }

    /// <summary>The answer in plain Japanese for the terminal.</summary>
    public static string Text(SitingRun run)
    {
        var p = run.Parameters;
        var b = State(run, true);
        var a = State(run, false);
        var s = run.Solution;
        var text = new StringBuilder();
        text.AppendLine($"{run.City.Inputs.MunicipalityName}：{ModelText(p, run.StraightLine)}（{Reach(run)}）");
        if (run.StraightLine)
            text.AppendLine($"{run.City.Inputs.MunicipalityName}の歩行ネットワーク（道路データ）はまだないため、距離はすべて{CityNetwork.StraightLineLabel}です。");
        text.AppendLine($"解き方：{(s.Solver == "exact" ? "厳密解法（OR-Tools / SCIP）" : "貪欲法（遅延評価）")}　{SiteCommand.StatusText(s.Status)}" +
            (s.Gap is { } g ? $"、ギャップ {g:P2}" : "") + $"、{s.Elapsed.TotalSeconds:F2} 秒");
        text.AppendLine($"候補地：{run.Candidates.Candidates.Count:N0} か所（{(run.StraightLine ? "町丁・字の代表点" : "道路の点")} {run.Candidates.Nodes:N0}・避難所など {run.Candidates.Facilities:N0}・指定 {run.Candidates.User:N0}、" +
            $"除外 {run.Candidates.Excluded:N0}" + (run.StraightLine ? "）" : $"、道路から遠い {run.Candidates.OffNetwork:N0}）"));
        var reached = run.StraightLine ? $"{CityNetwork.StraightLineLabel}で届く人" : "歩いて届く人";
        text.AppendLine($"いま：拠点 {b.Hubs} か所、{reached} {b.Covered:N0} 人 / {b.Population:N0} 人（{b.CoveredShare:P1}）");
        text.AppendLine($"案　：拠点 {a.Hubs} か所、{reached} {a.Covered:N0} 人 / {a.Population:N0} 人（{a.CoveredShare:P1}）、新たに届く人 {a.Covered - b.Covered:N0} 人");
        if (b.ServedWithinCapacity is { } sb && a.ServedWithinCapacity is { } sa)
            text.AppendLine($"受け入れの上限（1 か所 {p.Capacity:N0} 人）まで：いま {sb:N0} 人 → 案 {sa:N0} 人");
        if (p.Model == SitingModel.PMedian && b.MeanWalkMinutes is { } mb && a.MeanWalkMinutes is { } ma)
            text.AppendLine($"最寄りの拠点まで（{p.Pace.MetresToMinutes(p.BoundMetres):0.#} 分以内の人の平均）：いま {mb:0.0} 分 → 案 {ma:0.0} 分");
        if (p.Model == SitingModel.PMedian && run.StraightLine && b.MeanMetres is { } db && a.MeanMetres is { } da)
            text.AppendLine($"最寄りの拠点まで（{CityNetwork.StraightLineLabel}、{p.StraightBoundMetres:N0} m 以内の人の平均）：いま {db:N0} m → 案 {da:N0} m");
        text.AppendLine();
        text.AppendLine("順位  新たに届く人  経度,緯度                 場所");
        foreach (var site in run.Sites)
            text.AppendLine($"{site.Rank,4}  {site.NewlyCovered,12:N0}  {site.Candidate.Lon:0.000000},{site.Candidate.Lat:0.000000}  {site.Name}");
        return text.ToString();
    }

    internal static string ModelText(SitingParameters p, bool straightLine = false) => (p.Model, straightLine) switch
    {
        (SitingModel.Mclp, false) => $"拠点を {p.Add} か所加えて、歩いて届く人をできるだけ増やす（MCLP）",
        (SitingModel.Lscp, false) => $"歩いて届く人を {p.TargetShare:P0} にするのに要る拠点の最小数（LSCP）",
        (_, false) => $"拠点を {p.Add} か所加えて、最寄りの拠点までの平均の歩く時間をできるだけ短くする（p-median）",
        (SitingModel.Mclp, true) => $"拠点を {p.Add} か所加えて、半径 {p.StraightMetres:N0} m の中に拠点のある人をできるだけ増やす（MCLP）",
        (SitingModel.Lscp, true) => $"半径 {p.StraightMetres:N0} m の中に拠点のある人を {p.TargetShare:P0} にするのに要る拠点の最小数（LSCP）",
        _ => $"拠点を {p.Add} か所加えて、最寄りの拠点までの平均の直線距離をできるだけ短くする（p-median）",
    };
}
