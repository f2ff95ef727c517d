using FukushiMap.Data.Versions;
using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Versions;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using System.Diagnostics;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using FukushiMap.Siting;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Analysis.Siting;

/// <summary>A candidate site as it takes part: where it stands and where that lands on the network.</summary>
/// <param name="Site">The candidate (plane metres).</param>
/// <param name="Lon">Longitude (JGD2011).</param>
/// <param name="Lat">Latitude.</param>
/// <param name="Snap">Its snap onto the network.</param>
public sealed record PlacedCandidate(CandidateSite Site, double Lon, double Lat, NetworkSnap Snap);

/// <summary>The candidates of one run and what happened to the rest.</summary>
/// <param name="Facilities">Shelters and existing facilities (e.g. 介護サービス事業所) offered.</param>
public sealed record CandidateSet(List<PlacedCandidate> Candidates, int Nodes, int Facilities, int User, int Excluded, int OffNetwork)
{
    /// <summary>Credit lines of the offered facilities' datasets (shown with the answer).</summary>
    public IReadOnlyList<string> Attribution { get; init; } = [];
}

/// <summary>An added site in the answer, ranked.</summary>
/// <param name="Rank">1 = the most useful (added first).</param>
/// <param name="Candidate">The candidate chosen.</param>
/// <param name="Name">Its name, or the 町丁・字 it stands in with 付近.</param>
/// <param name="Area">The 町丁・字 (nearest address) it stands in.</param>
/// <param name="NewlyCovered">People newly within reach whose nearest hub it is.</param>
/// <param name="NewlyCoveredOlder">Of them, aged 65+ (0 when unknown).</param>
/// <param name="MarginalGain">The solver's marginal gain (objective units) when added after the ones ranked before.</param>
public sealed record ChosenSite(int Rank, PlacedCandidate Candidate, string Name, string? Area, long NewlyCovered, long NewlyCoveredOlder,
    double MarginalGain);

/// <summary>A finished siting run: everything the outputs are written from.</summary>
public sealed class SitingRun
{
    internal SitingRun(SitingParameters parameters, CoverageCity city, List<AnalysisHub> hubs, CandidateSet candidates,
        NetworkSitingInstance network, SitingSolution solution, SitingEvaluation before, SitingEvaluation after, List<ChosenSite> sites,
        CoverageRun coverageBefore, CoverageRun coverageAfter, TimeSpan instanceTime, bool instanceCached)
    {
        Parameters = parameters; City = city; Hubs = hubs; Candidates = candidates; Network = network; Solution = solution;
        Before = before; After = after; Sites = sites; CoverageBefore = coverageBefore; CoverageAfter = coverageAfter;
        InstanceTime = instanceTime; InstanceCached = instanceCached;
    }

    public SitingParameters Parameters { get; }
    public CoverageCity City { get; }
    public List<AnalysisHub> Hubs { get; }
    public CandidateSet Candidates { get; }

    /// <summary>True when the city has no walking network and every distance is a straight line (「直線距離（道路データなし）」).</summary>
    public bool StraightLine => City.Network.IsStraightLine;

    /// <summary>The reach that counts as near: the walk (metres), or without a network the straight-line radius.</summary>
    public double ReachMetres => StraightLine ? Parameters.StraightMetres : Parameters.WalkMetres;
    public NetworkSitingInstance Network { get; }
    public SitingSolution Solution { get; }

    /// <summary>The existing hubs alone.</summary>
    public SitingEvaluation Before { get; }

    /// <summary>The existing hubs with the added sites.</summary>
    public SitingEvaluation After { get; }
    public List<ChosenSite> Sites { get; }

    /// <summary>The coverage analysis of the existing hubs (district table, as on the coverage page).</summary>
    public CoverageRun CoverageBefore { get; }

    /// <summary>The coverage analysis with the added sites as proposed hubs.</summary>
    public CoverageRun CoverageAfter { get; }

    /// <summary>Time to build the demand–candidate distances (zero when reused).</summary>
    public TimeSpan InstanceTime { get; }
    public bool InstanceCached { get; }

    /// <summary>With a capacity (MCLP, LSCP): people served within reach by the best assignment, before and after.</summary>
    public (double Before, double After)? ServedWithinCapacity { get; init; }

    /// <summary>Everybody (with and without network), as in the coverage totals.</summary>
    public long Population => CoverageBefore.Summary.Total.Population;

    /// <summary>Placements newly within reach.</summary>
    public IEnumerable<int> NewlyCoveredPlacements()
    {
        var map = Network.PlacementOfDemand;
        for (int d = 0; d < map.Length; d++)
            if (After.IsCovered(d) && !Before.IsCovered(d)) yield return map[d];
    }
}

/// <summary>
/// Runs siting questions over a municipality prepared by the coverage service (its population placement and graph are
/// reused, so "covered" means exactly what it means on the coverage page). A municipality without a walking network is
/// answered by straight-line distance from the 町丁・字's representative points (the coverage page's straight-line radius).
/// A municipality with a partial network is answered by walking for the people the network reaches; the people without
/// network data are counted apart, never mixed into the walking objective. The demand–candidate distances of recent
/// questions are kept (a few), so changing only the number of sites, the model's target or the solver is fast.
/// Exact solves run one at a time.
/// </summary>
public sealed class SitingService(CoverageService coverage, DataVersions versions, AnalysisSettings settings)
{
    private const int CachedInstances = 4;
    // About 16 bytes a pair (both directions): 30 million pairs ≈ 500 MB at most.
    private const long CachedPairs = 30_000_000;

    /// <summary>What a siting instance is built from: the city (network, population), the hubs it starts from, the shelters and facilities offered.</summary>
    private static readonly string[] InstanceTables =
        [.. NetworkCatalog.Tables, DataTables.PopulationUnits, DataTables.Municipalities, DataTables.Hubs, DataTables.HubTypes, DataTables.Shelters,
            DataTables.Facilities];

    private readonly VersionedCache<string, (NetworkSitingInstance Network, CandidateSet Candidates)> _instances =
        new VersionedCache<string, (NetworkSitingInstance Network, CandidateSet Candidates)>(versions, CachedInstances, InstanceTables)
            .WithWeight(i => i.Network.Instance.PairCount, CachedPairs);
    private readonly SemaphoreSlim _exactGate = new(1, 1);
    // Building distances takes a core and up to a few hundred MB for a few seconds: two at a time.
    private readonly SemaphoreSlim _buildGate = new(2, 2);

    /// <summary>Most demand–candidate pairs one question may need (about 16 bytes each; 宇部市 p-median at 20 minutes: 15 million).</summary>
    public const long MaxPairs = 40_000_000;

    /// <summary>Runs <paramref name="p"/>; client mistakes become problem details.</summary>
    public async Task<SitingRun> RunAsync(FukushiMapDbContext db, SitingParameters p, CancellationToken ct, IProgress<string>? progress = null)
    {
        p.Validate();
        var city = await coverage.GetCityAsync(p.Municipality, ct, progress)
            ?? throw FukushiMapError.NotFound("unknown-municipality", $"市区町村コード {p.Municipality} の市区町村は取り込まれていません。");
        // Without a walking network the same questions are answered by straight-line distance (「直線距離（道路データなし）」).
        bool straight = city.Network.IsStraightLine;
        var current = await CoverageAnalysis.RunAsync(db, coverage, Coverage(p, []), ct);
        var hubs = current.Hubs;
        var instanceClock = Stopwatch.StartNew();
        var built = false;
        var (network, candidates) = await _instances.GetAsync(p.InstanceKey(hubs.Select(h => h.Id ?? 0)), async _ =>
        {
            built = true;
            progress?.Report("候補地を集めています…");
            var candidates = await CandidatesAsync(db, city, p, ct);
            progress?.Report(straight
                ? $"候補地 {candidates.Candidates.Count:N0} か所から{CityNetwork.StraightLineLabel}で届く人を数えています…"
                : $"候補地 {candidates.Candidates.Count:N0} か所から歩いて届く人を数えています…");
            int? olderBand = OlderBand(city);
            await _buildGate.WaitAsync(ct);
            try
            {
                double olderWeight = olderBand is null ? 0 : p.EffectiveOlderWeight;
                var network = straight
                    ? await Task.Run(() => StraightLineSitingBuilder.Build(city.Placement, hubs.Select(h => h.Plane).ToList(),
                        candidates.Candidates.Select(c => c.Site.Point).ToList(), CoverageAnalyzer.StraightReachMetres(p.StraightBoundMetres),
                        olderBand, olderWeight, ct, MaxPairs), ct)
                    : await Task.Run(() => NetworkSitingBuilder.Build(city.Graph, city.Placement, hubs.Select(h => h.Snap).ToList(),
                        candidates.Candidates.Select(c => c.Snap).ToList(), p.BoundMetres, olderBand, olderWeight, ct, MaxPairs), ct);
                return (network, candidates);
            }
            catch (SitingInstanceTooLargeException)
            {
                throw FukushiMapError.Invalid("too-large",
                    $"候補地と人の組み合わせが {MaxPairs:N0} 通りを超えるため計算できません。道路の点の間隔（spacing）を広げるか、歩く時間" +
                    (p.Model == SitingModel.PMedian ? "（p-median は max_minutes）" : "") + "を短くしてください。");
            }
            finally
            {
                _buildGate.Release();
            }
        }, ct);
        var cached = !built;
        instanceClock.Stop();
        if (candidates.Candidates.Count == 0)
        {
            throw FukushiMapError.Invalid("no-candidates", straight
                ? "除外範囲の外にある候補地がありません。"
                : "道路の近く（500 m 以内）で除外範囲の外にある候補地がありません。");
        }
        var instance = network.Instance;
        var request = p.ToRequest(straight);
        if (p.Model == SitingModel.Lscp)
        {
            // The target is a share of everybody, as the coverage page shows it; people without network data can never count.
            long population = current.Summary.Total.Population;
            double reachable = instance.TotalWeight / population;
            if (p.TargetShare > reachable + 1e-12)
            {
                throw FukushiMapError.Invalid("target-out-of-reach",
                    $"道路データのない人（{current.Summary.Total.NoNetwork:N0} 人）は数えられないため、届く人の割合は最大でも {Math.Floor(reachable * 1000) / 10:0.0} % です。target をそれ以下にしてください。");
            }
            request = request with { TargetShare = Math.Min(1, p.TargetShare * population / instance.TotalWeight) };
        }
        if (p.Model != SitingModel.Lscp && request.AddCount > instance.CandidateCount)
        {
            throw FukushiMapError.Invalid("too-few-candidates",
                $"候補地は {instance.CandidateCount:N0} か所しかありません（add = {p.Add}）。候補地を増やしてください。");
        }

        progress?.Report(p.Solver == "exact" ? "厳密に解いています（上限 " + p.TimeLimit.TotalSeconds.ToString("N0") + " 秒）…" : "貪欲法で選んでいます…");
        var solution = await SolveAsync(instance, request, p, progress, ct);
        var added = solution.Facilities.ToArray();
        var before = SitingEvaluation.Evaluate(instance, [], request.CoverCost);
        var after = SitingEvaluation.Evaluate(instance, added, request.CoverCost);
        var sites = Describe(city, candidates, network, solution, before, after);
        (double Before, double After)? served = null;
        if (request.Capacity is not null && p.Model != SitingModel.PMedian)
        {
            // People served within reach when each hub takes at most the capacity (the best assignment).
            var asked = request with { Model = SitingModel.Mclp };
            served = (ExactSiting.EvaluateCapacitated(instance, asked, [], ct), ExactSiting.EvaluateCapacitated(instance, asked, added, ct));
        }

        var proposed = await CoverageAnalysis.RunAsync(db, coverage,
            Coverage(p, sites.Select(s => new HubAddition(s.Candidate.Lon, s.Candidate.Lat)).ToList()), ct);
        return new SitingRun(p, city, hubs, candidates, network, solution, before, after, sites, current, proposed,
            cached ? TimeSpan.Zero : instanceClock.Elapsed, cached) { ServedWithinCapacity = served };
    }

    private async Task<SitingSolution> SolveAsync(SitingInstance instance, SitingRequest request, SitingParameters p,
        IProgress<string>? progress, CancellationToken ct)
    {
        if (p.Solver != "exact")
        {
            return request.Capacity is null
                ? LazyGreedy.Solve(instance, request, ct)
                : throw FukushiMapError.Invalid("capacity-needs-exact", "capacity は solver=exact のときだけ使えます。");
        }
        if (!await _exactGate.WaitAsync(TimeSpan.FromSeconds(2), ct))
        {
            throw new FukushiMapError(ErrorKind.Unavailable, "solver-busy",
                "ほかの厳密な計算が実行中です。しばらくしてからもう一度試すか、solver=greedy を使ってください。");
        }
        try
        {
            return await Task.Run(() => ExactSiting.Solve(instance, request,
                new ExactOptions { TimeLimit = p.TimeLimit, RelativeGap = 1e-6, Verbose = settings.SolverLog, Log = progress is null ? null : progress.Report }, ct), ct);
        }
        catch (SitingTooLargeException e)
        {
            throw FukushiMapError.Invalid("capacity-too-large",
                $"受け入れの上限つきの計算では、人と候補地の組み合わせが {e.Assignments:N0} 通りになり、多すぎます（{e.Limit:N0} 通りまで）。" +
                "候補地の一覧を指定するか、道路の点の間隔（spacing）を広げてください。");
        }
        finally
        {
            _exactGate.Release();
        }
    }

    private static CoverageRequest Coverage(SitingParameters p, List<HubAddition> additions) =>
        new(p.Municipality, p.Minutes, p.Pace, p.HubTypes, null, null, CoverageSummary.DefaultResidentsPerHub)
        {
            Additions = additions,
            StraightRadius = p.StraightRadius,
        };

    private static int? OlderBand(CoverageCity city)
    {
        int band = Array.FindIndex(city.Inputs.Bands, b => b.Key == CoverageInputLoader.Age65PlusKey);
        return band >= 0 ? band : null;
    }

    /// <summary>
    /// Sampled network nodes (without a network: the 町丁・字's representative points), shelters, existing facilities and the
    /// user's places, minus the exclusion areas, snapped (without a network nothing is dropped for being far from a street).
    /// </summary>
    private static async Task<CandidateSet> CandidatesAsync(FukushiMapDbContext db, CoverageCity city, SitingParameters p, CancellationToken ct)
    {
        var projector = city.Network.Loaded.Projector;
        var all = new List<CandidateSite>();
        int nodes = 0, facilities = 0, user = 0;
        if (p.SpacingMetres > 0)
        {
            var sampled = city.Network.IsStraightLine
                ? CandidateSites.SampleUnitPoints(city.Placement.Units, p.SpacingMetres)
                : CandidateSites.SampleNodes(city.Network.Graph, p.SpacingMetres);
            nodes = sampled.Count;
            all.AddRange(sampled);
        }
        if (p.Shelters)
        {
            var shelters = await db.Shelters.AsNoTracking().Where(s => s.MunicipalityCode == p.Municipality).OrderBy(s => s.Id)
                .Select(s => new { s.Name, s.Location }).ToListAsync(ct);
            foreach (var s in shelters)
            {
                var (x, y) = projector.ToPlane(s.Location.X, s.Location.Y);
                all.Add(new CandidateSite(new Coordinate(x, y), CandidateSource.Facility, s.Name));
            }
            facilities = shelters.Count;
        }
        var attribution = new List<string>();
        foreach (var category in p.FacilityCategories)
        {
            var existing = await db.Facilities.AsNoTracking().Where(f => f.MunicipalityCode == p.Municipality && f.Category == category)
                .OrderBy(f => f.Id).Select(f => new { f.Name, f.Location, Attribution = f.Dataset == null ? null : f.Dataset.Attribution }).ToListAsync(ct);
            if (existing.Count == 0)
            {
                var known = await db.Facilities.Where(f => f.MunicipalityCode == p.Municipality).Select(f => f.Category).Distinct().OrderBy(c => c).ToListAsync(ct);
                throw FukushiMapError.Invalid("unknown-facilities", $"市区町村 {p.Municipality} に分類「{category}」の候補施設はありません。" +
                    (known.Count == 0 ? "この市区町村には候補施設のデータがありません。" : $"ある分類: {string.Join("、", known)}"));
            }
            foreach (var f in existing)
            {
                var (x, y) = projector.ToPlane(f.Location.X, f.Location.Y);
                all.Add(new CandidateSite(new Coordinate(x, y), CandidateSource.Facility, f.Name));
            }
            facilities += existing.Count;
            attribution.AddRange(existing.Select(f => f.Attribution).OfType<string>());
        }
        foreach (var c in p.UserCandidates)
        {
            var (x, y) = projector.ToPlane(c.Lon, c.Lat);
            all.Add(new CandidateSite(new Coordinate(x, y), CandidateSource.User, string.IsNullOrWhiteSpace(c.Name) ? null : c.Name.Trim()));
            user++;
        }
        var exclusions = p.Exclusions.Select(projector.ToPlane).ToList();
        var kept = CandidateSites.Exclude(all, exclusions);
        var placed = new List<PlacedCandidate>(kept.Count);
        int offNetwork = 0;
        foreach (var site in kept)
        {
            var snap = city.Network.Snapper.Snap(site.Point);
            if (!snap.IsOnNetwork && !city.Network.IsStraightLine) { offNetwork++; continue; }
            var (lon, lat) = projector.ToLonLat(site.Point.X, site.Point.Y);
            placed.Add(new PlacedCandidate(site, lon, lat, snap));
        }
        return new CandidateSet(placed, nodes, facilities, user, all.Count - kept.Count, offNetwork) { Attribution = [.. attribution.Distinct()] };
    }

    private static List<ChosenSite> Describe(CoverageCity city, CandidateSet candidates, NetworkSitingInstance network, SitingSolution solution,
        SitingEvaluation before, SitingEvaluation after)
    {
        var instance = network.Instance;
        var newlyPeople = new Dictionary<int, double>();
        var newlyOlder = new Dictionary<int, double>();
        for (int d = 0; d < instance.DemandCount; d++)
        {
            if (!after.IsCovered(d) || before.IsCovered(d)) continue;
            int f = after.Nearest(d);
            newlyPeople[f] = newlyPeople.GetValueOrDefault(f) + instance.PeopleAt(d);
            newlyOlder[f] = newlyOlder.GetValueOrDefault(f) + instance.OlderAt(d);
        }
        var units = city.UnitLayer;
        var sites = new List<ChosenSite>();
        int rank = 0;
        foreach (var pick in solution.Sites)
        {
            var candidate = candidates.Candidates[pick.Facility - instance.ExistingCount];
            int unit = units.Locator.Locate(candidate.Site.Point);
            string? area = unit >= 0 ? units.Districts[unit].Name : null;
            string name = candidate.Site.Name ?? (area is null ? "候補地" : $"{area}付近");
            sites.Add(new ChosenSite(++rank, candidate, name, area, (long)Math.Round(newlyPeople.GetValueOrDefault(pick.Facility)),
                (long)Math.Round(newlyOlder.GetValueOrDefault(pick.Facility)), pick.MarginalGain));
        }
        return sites;
    }
}
