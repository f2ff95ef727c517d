using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Network;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace FukushiMap.Bench;

/// <summary>A set of hub nodes (node ids, i.e. OSM ids) both sides start from.</summary>
public sealed record HubSet(string Label, long[] NodeIds, string HowChosen);

/// <summary>
/// Engine versus pgRouting on a stored city network (宇部市 <c>ube-walk</c> by default), same process, same PostGIS, same work.
/// </summary>
public sealed class CityBench(BenchOptions options, Report report)
{
    /// <summary>15 minutes at the standard 80 m/min.</summary>
    public const double WalkMinutes = 15;
    public static readonly WalkingPace Pace = WalkingPace.Standard;
    public static double BudgetMetres => Pace.MinutesToMetres(WalkMinutes);

    /// <summary>ST_ConcaveHull's target share of the convex hull's area (PostGIS ≥ 3.3 meaning).</summary>
    public const double Concavity = 0.3;

    /// <summary>A hub farther than this from every node is left out, as the snapper does for points off the network.</summary>
    public const double MaxHubToNodeMetres = 500;

    public async Task RunAsync(string connectionString, CancellationToken ct)
    {
        LoadedNetwork loaded;
        List<(string Name, double Lon, double Lat)> fureai;
        await using (var db = FukushiMapDb.CreateContext(connectionString))
        {
            Log.Say("データベースを準備中（マイグレーションと参照データ。取り込み済みなら何もしません）…");
            await DatabaseSetup.PrepareAsync(db, options.DataPath, new Progress(), ct);
            if (!await db.RoadNetworks.AnyAsync(n => n.Name == options.Network, ct))
            {
                throw new BenchException(options.DataPath is null
                    ? $"ネットワーク「{options.Network}」がありません。参照データのフォルダを --data か FUKUSHIMAP_DATA で指定してください。"
                    : $"ネットワーク「{options.Network}」がありません（参照データにも含まれていません）。./fukushimap import network で取り込んでください。");
            }
            Log.Say($"ネットワーク「{options.Network}」を読み込み中…");
            loaded = await NetworkLoader.LoadAsync(db, options.Network, ct);
            var code = loaded.Network.MunicipalityCode;
            fureai = await db.Hubs.AsNoTracking()
                .Where(h => h.MunicipalityCode == code && h.RetiredAt == null && h.HubType!.Key == "fureai-center")
                .OrderBy(h => h.Id)
                .Select(h => new ValueTuple<string, double, double>(h.Name, h.Location.X, h.Location.Y))
                .ToListAsync(ct);
        }

        var graph = loaded.Graph;
        var engine = new EngineSide(graph, loaded.Projector);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var peer = new PgRoutingPeer(connection, loaded.Network.Id);
        report.AddBullets(
            $"PostgreSQL: {peer.Versions()}",
            $"Network `{options.Network}` (id {loaded.Network.Id}, municipality {loaded.Network.MunicipalityCode}): " +
            $"{Format.Int(graph.NodeCount)} nodes, {Format.Int(graph.EdgeCount)} edges, {Format.Int(graph.ArcCount)} directed edges (arcs)");

        var hubSets = ChooseHubSets(graph, loaded, fureai);
        var pid = peer.LocalBackendPid();
        WarmUpJit(engine, graph, hubSets);
        RunCoverage(engine, peer, pid, graph, hubSets);
        RunIsochrone(engine, peer, pid, graph, loaded, hubSets);
    }

    private void RunCoverage(EngineSide engine, PgRoutingPeer peer, int pid, WalkingGraph graph, List<HubSet> hubSets)
    {
        report.AddHeading(2, $"All-node nearest hub within {BudgetMetres:0} m");
        report.AddParagraph(
            "For every node of the network: the nearest hub by walking and the metres to it, or nothing when no hub is within the bound. " +
            $"Median of {options.Repetitions} runs after warm-up (min–max in brackets), milliseconds, same process, the sides taking turns in rounds of consecutive calls. " +
            "**Ratio = pgRouting median / engine median.**");
        report.AddBullets(
            "**engine**: hub node ids → node indices, fresh search state (16 bytes per node, allocated by the call), bounded multi-source " +
            "Dijkstra (MultiSourceDijkstra, one thread), metres and nearest hub of every node copied out into new arrays. The graph is built " +
            "once per city beforehand (as the server does). **engine, pooled**: the same call with its search state reused from an earlier " +
            "call, as the server's pooled searches run; shown beside it, the headline ratio uses the fresh-state figure.",
            "**pgRouting exact**: one SQL statement, `SELECT DISTINCT ON (node) node, from_v, agg_cost FROM pgr_drivingDistance(edges_sql, hubs, " +
            $"{BudgetMetres:0}, directed => true, equicost => false) ORDER BY node, agg_cost, from_v`, rows read into this process. " +
            "Its time includes the edge query `" + peer.EdgesSql + "`: pgRouting reads the edges and builds its graph on every call; that is how it works.",
            "**pgRouting equicost**: the same with `equicost => true` (pgRouting hands each node to one hub itself), shown for transparency; " +
            "its error is measured against the exact answer.");
        report.AddBullets(hubSets.Select(set => $"hubs \"{set.Label}\": {set.HowChosen}").ToArray());

        var pooled = new MultiSourceDijkstra(graph);
        var rows = new List<CoverageRow>();
        foreach (var set in hubSets)
        {
            Log.Say($"全ノードの最寄り拠点: {set.Label}…");
            var mine = engine.NearestHub(set.NodeIds, BudgetMetres);
            var exact = peer.NearestHub(set.NodeIds, BudgetMetres, equicost: false);
            var equi = peer.NearestHub(set.NodeIds, BudgetMetres, equicost: true);
            var (reached, maxDelta, differ) = Compare(graph, mine, exact);
            var (wrong, maxError) = EquicostError(exact, equi);
            var times = Measure.Interleaved(options.Repetitions,
                new Workload(() => engine.NearestHub(set.NodeIds, BudgetMetres)),
                new Workload(() => engine.NearestHub(set.NodeIds, BudgetMetres, pooled)),
                new Workload(() => peer.NearestHub(set.NodeIds, BudgetMetres, equicost: false), pid),
                new Workload(() => peer.NearestHub(set.NodeIds, BudgetMetres, equicost: true), pid));
            rows.Add(new CoverageRow(set, times[0], times[1], times[2], times[3], reached, exact.Nodes.Length, maxDelta, differ, wrong, maxError));
        }

        report.AddParagraph("**Wall time** (what a caller waits for):");
        var wall = report.AddTable("hubs", ">engine ms", ">pgRouting exact ms", ">ratio", ">engine, pooled ms", ">ratio, pooled", ">pgRouting equicost ms");
        foreach (var r in rows)
        {
            wall.Row(r.Set.Label, r.Engine.Wall.Describe(), r.Exact.Wall.Describe(), Format.Ratio(r.Exact.Wall.MedianMs / r.Engine.Wall.MedianMs),
                r.Pooled.Wall.Describe(), Format.Ratio(r.Exact.Wall.MedianMs / r.Pooled.Wall.MedianMs), r.Equi.Wall.Describe());
        }
        if (pid > 0 && CpuClock.Available)
        {
            report.AddParagraph("**CPU time** (what the call ran on a core, without waiting for one: the engine's thread; for pgRouting this " +
                "process's thread reading the rows plus the PostgreSQL backend serving the call, from /proc/<pid>/schedstat). On a busy machine " +
                "this is the steadier figure:");
            var cpu = report.AddTable("hubs", ">engine CPU ms", ">pgRouting exact CPU ms", ">ratio", ">engine, pooled CPU ms", ">ratio, pooled",
                ">pgRouting equicost CPU ms");
            foreach (var r in rows)
            {
                cpu.Row(r.Set.Label, r.Engine.Cpu.Describe(), r.Exact.Cpu.Describe(), Format.Ratio(r.Exact.Cpu.MedianMs / r.Engine.Cpu.MedianMs),
                    r.Pooled.Cpu.Describe(), Format.Ratio(r.Exact.Cpu.MedianMs / r.Pooled.Cpu.MedianMs), r.Equi.Cpu.Describe());
            }
        }
        report.AddParagraph("**Same answers?** The engine against pgRouting's exact method, node by node; and equicost against the exact method " +
            "(\"wrong\": cost more than 0.01 m off, or the node missing).");
        var check = report.AddTable("hubs", ">nodes reached (engine)", ">nodes reached (pgRouting)", ">reached by one side only",
            ">engine max |Δ| m", ">equicost nodes wrong", ">equicost max error m");
        foreach (var r in rows)
        {
            check.Row(r.Set.Label, Format.Int(r.Reached), Format.Int(r.PeerReached), Format.Int(r.Differ), Format.Num(r.MaxDelta, "0.000"),
                $"{Format.Int(r.Wrong)} of {Format.Int(r.PeerReached)}", Format.Num(r.MaxError, "0.0"));
        }
        var edgeQuery = Measure.Interleaved(options.Repetitions, new Workload(() => peer.EdgeQueryOnly(), pid))[0];
        report.AddParagraph("For scale: pgRouting's edge query alone (`SELECT count(*), sum(cost + reverse_cost) FROM (edges_sql) e`, " +
            $"nothing sent back) takes {edgeQuery.Wall.Describe()} ms wall" + (pid > 0 ? $", {edgeQuery.Cpu.Describe()} ms CPU." : "."));
    }

    /// <summary>
    /// Runs the engine's code paths for a while before anything is timed, so the JIT's tiering (call counting, then the
    /// optimised and profile-guided recompiles in the background) is over: otherwise the first workload can be timed
    /// half-way through it.
    /// </summary>
    private static void WarmUpJit(EngineSide engine, WalkingGraph graph, List<HubSet> hubSets)
    {
        Log.Say("JIT のウォームアップ中…");
        graph.TryGetNodeIndex(hubSets[0].NodeIds[0], out var node);
        var search = new MultiSourceDijkstra(graph);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds < 1.5)
        {
            foreach (var set in hubSets)
            {
                engine.NearestHub(set.NodeIds, BudgetMetres);
                engine.NearestHub(set.NodeIds, BudgetMetres, search);
            }
            engine.Isochrone(node, WalkMinutes, Pace);
            engine.SearchOnly(search, node, BudgetMetres);
        }
        Thread.Sleep(500); // let the background compiler install what it has queued
    }

    private sealed record CoverageRow(HubSet Set, Timing Engine, Timing Pooled, Timing Exact, Timing Equi, int Reached, int PeerReached,
        double MaxDelta, int Differ, int Wrong, double MaxError);

    private void RunIsochrone(EngineSide engine, PgRoutingPeer peer, int pid, WalkingGraph graph, LoadedNetwork loaded, List<HubSet> hubSets)
    {
        // The hub whose 15 minutes reach the most nodes: the heaviest isochrone, not a flattering one.
        var candidates = hubSets.Last().NodeIds;
        var probe = new MultiSourceDijkstra(graph);
        var hub = candidates.Select(id =>
        {
            graph.TryGetNodeIndex(id, out var node);
            return (Id: id, Node: node, Reached: engine.SearchOnly(probe, node, BudgetMetres));
        }).OrderByDescending(h => h.Reached).ThenBy(h => h.Id).First();

        Log.Say($"等時線: ノード {hub.Id}…");
        var mine = engine.Isochrone(hub.Node, WalkMinutes, Pace);
        var theirs = peer.ConcaveHullIsochrone(hub.Id, BudgetMetres, Concavity);
        var times = Measure.Interleaved(options.Repetitions,
            new Workload(() => engine.Isochrone(hub.Node, WalkMinutes, Pace)),
            new Workload(() => peer.ConcaveHullIsochrone(hub.Id, BudgetMetres, Concavity), pid),
            new Workload(() => engine.IsochronePlane(hub.Node, WalkMinutes, Pace)),
            new Workload(() => engine.SearchOnly(probe, hub.Node, BudgetMetres)));
        var (full, peerTime, plane, searchOnly) = (times[0], times[1], times[2], times[3]);

        report.AddHeading(2, $"{WalkMinutes:0}-minute isochrone of one hub ({Pace.SpeedMetresPerMinute:0} m/min = {BudgetMetres:0} m), warm");
        report.AddParagraph($"Hub: node {hub.Id}, the one of \"{hubSets.Last().Label}\" whose {BudgetMetres:0} m reach the most nodes " +
            $"({Format.Int(hub.Reached)}): the heaviest of them, not a flattering one. Median of {options.Repetitions} runs after warm-up (min–max), " +
            "milliseconds, the sides taking turns. Ratio = pgRouting median / engine median.");
        report.AddBullets(
            "**engine**: IsochroneBuilder (default options: reached street pieces, partly reached edges cut at the remaining budget, " +
            "buffered 40 m on a 5 m raster and traced to a polygon with holes), then transformed to lon/lat as the API returns it.",
            $"**pgRouting**: one SQL statement, `ST_ConcaveHull(ST_Collect(node geom), {Concavity})` over `pgr_drivingDistance(edges_sql, hub, {BudgetMetres:0})` " +
            "joined to network_nodes, read back as WKB and parsed. Its edge query is included, as above.");
        var showCpu = pid > 0 && CpuClock.Available;
        var t = showCpu
            ? report.AddTable("side", ">wall ms", ">ratio", ">CPU ms", ">CPU ratio", ">area km²", ">vertices", ">holes")
            : report.AddTable("side", ">wall ms", ">ratio", ">area km²", ">vertices", ">holes");
        void Row(string side, Timing time, Timing? reference, Geometry? area)
        {
            var wallRatio = reference is null ? "" : Format.Ratio(time.Wall.MedianMs / reference.Wall.MedianMs);
            var cpuRatio = reference is null ? "" : Format.Ratio(time.Cpu.MedianMs / reference.Cpu.MedianMs);
            string[] shape = area is null ? ["", "", ""] : [Km2(loaded, area), Format.Int(area.NumPoints), Format.Int(Holes(area))];
            t.Row(showCpu
                ? [side, time.Wall.Describe(), wallRatio, time.Cpu.Describe(), cpuRatio, .. shape]
                : [side, time.Wall.Describe(), wallRatio, .. shape]);
        }
        Row("engine: search + polygon + lon/lat", full, null, mine);
        Row("engine: polygon in plane metres", plane, null, null);
        Row("engine: search only", searchOnly, null, null);
        Row("pgRouting + ST_ConcaveHull", peerTime, full, theirs);
        report.AddParagraph("The two polygons are not the same shape: the engine's follows the reached streets (40 m either side, holes where " +
            "nothing is reached, partly reached streets cut where the time runs out); a concave hull of reached nodes spans the gaps between them.");
    }

    private List<HubSet> ChooseHubSets(WalkingGraph graph, LoadedNetwork loaded, List<(string Name, double Lon, double Lat)> fureai)
    {
        var sets = new List<HubSet>
        {
            new("20 random nodes", RandomNodes(graph, 20, options.Seed), $"20 distinct nodes drawn with seed {options.Seed}"),
            new("100 random nodes", RandomNodes(graph, 100, options.Seed + 1), $"100 distinct nodes drawn with seed {options.Seed + 1}"),
        };
        if (fureai.Count > 0)
        {
            var nodes = new List<long>();
            var far = 0;
            foreach (var (_, lon, lat) in fureai)
            {
                var (x, y) = loaded.Projector.ToPlane(lon, lat);
                var (node, metres) = NearestNode(graph, x, y);
                if (metres > MaxHubToNodeMetres) { far++; continue; }
                if (!nodes.Contains(graph.NodeId(node))) nodes.Add(graph.NodeId(node));
            }
            if (nodes.Count > 0)
            {
                sets.Add(new($"ふれあいセンター ({nodes.Count})", nodes.ToArray(),
                    $"the {fureai.Count} ふれあいセンター of the reference data, each moved to its nearest network node; {far} are more than " +
                    $"{MaxHubToNodeMetres:0} m from every node (the network covers the urban south only) and are left out"));
            }
        }
        return sets;
    }

    /// <summary>Distinct nodes drawn reproducibly.</summary>
    public static long[] RandomNodes(WalkingGraph graph, int count, int seed)
    {
        var random = new Random(seed);
        var chosen = new HashSet<int>();
        var ids = new List<long>();
        while (ids.Count < Math.Min(count, graph.NodeCount))
        {
            var node = random.Next(graph.NodeCount);
            if (chosen.Add(node)) ids.Add(graph.NodeId(node));
        }
        return ids.ToArray();
    }

    private static (int Node, double Metres) NearestNode(WalkingGraph graph, double x, double y)
    {
        var best = -1;
        var bestD2 = double.PositiveInfinity;
        for (var i = 0; i < graph.NodeCount; i++)
        {
            var dx = graph.NodeX(i) - x;
            var dy = graph.NodeY(i) - y;
            var d2 = dx * dx + dy * dy;
            if (d2 < bestD2) { bestD2 = d2; best = i; }
        }
        return (best, Math.Sqrt(bestD2));
    }

    /// <summary>Nodes reached by the engine, largest |metres difference| against pgRouting's exact answer, nodes reached by only one side.</summary>
    private static (int Reached, double MaxDelta, int Differ) Compare(WalkingGraph graph, EngineCoverage mine, PeerCoverage exact)
    {
        var reached = mine.NearestHubs.Count(h => h >= 0);
        var seen = new bool[graph.NodeCount];
        double maxDelta = 0;
        var differ = 0;
        for (var i = 0; i < exact.Nodes.Length; i++)
        {
            graph.TryGetNodeIndex(exact.Nodes[i], out var node);
            seen[node] = true;
            if (mine.NearestHubs[node] < 0) { differ++; continue; }
            maxDelta = Math.Max(maxDelta, Math.Abs(mine.Metres[node] - exact.Metres[i]));
        }
        for (var n = 0; n < graph.NodeCount; n++)
        {
            if (mine.NearestHubs[n] >= 0 && !seen[n]) differ++;
        }
        return (reached, maxDelta, differ);
    }

    private static (int Wrong, double MaxError) EquicostError(PeerCoverage exact, PeerCoverage equi)
    {
        var truth = new Dictionary<long, double>(exact.Nodes.Length);
        for (var i = 0; i < exact.Nodes.Length; i++) truth[exact.Nodes[i]] = exact.Metres[i];
        var wrong = 0;
        double maxError = 0;
        var found = new HashSet<long>();
        for (var i = 0; i < equi.Nodes.Length; i++)
        {
            found.Add(equi.Nodes[i]);
            if (!truth.TryGetValue(equi.Nodes[i], out var exactMetres)) { wrong++; continue; }
            var error = equi.Metres[i] - exactMetres;
            if (Math.Abs(error) > 0.01) wrong++;
            maxError = Math.Max(maxError, Math.Abs(error));
        }
        wrong += truth.Keys.Count(n => !found.Contains(n));
        return (wrong, maxError);
    }

    private static string Km2(LoadedNetwork loaded, Geometry lonLat) =>
        Format.Num(loaded.Projector.AreaSquareMetres(lonLat) / 1e6, "0.000");

    private static int Holes(Geometry g) => g switch
    {
        Polygon p => p.NumInteriorRings,
        MultiPolygon mp => mp.Geometries.Sum(x => ((Polygon)x).NumInteriorRings),
        _ => 0,
    };

    private sealed class Progress : IProgress<FukushiMap.Data.Import.ImportProgress>
    {
        public void Report(FukushiMap.Data.Import.ImportProgress value) => Log.Say(value.Message);
    }
}
