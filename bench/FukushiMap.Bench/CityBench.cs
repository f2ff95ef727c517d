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
public sealed class CityBench(BenchOptions options, Report report, Targets targets)
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
        Log.Say("scipy を起動して辺テーブルを書き出し中…");
        using var scipy = ScipyPeer.TryStart(out var whyNoScipy);
        var rows = EdgeTable.Read(connection, loaded.Network.Id);
        if (scipy is not null)
        {
            scipy.Load(rows, graph);
            report.AddBullets($"scipy peer: {scipy.Versions} (Debian python3-scipy), scipy.sparse.csgraph.dijkstra over the same edge table " +
                $"(network_edges) exported once: {Format.Int(scipy.ArcCount)} arcs between the engine's node indices" +
                (scipy.MergedArcs > 0 ? $" ({Format.Int(scipy.MergedArcs)} parallel arcs merged to the cheapest: a sparse matrix holds one entry per node pair)" : ""));
        }
        else
        {
            report.AddBullets($"scipy peer: not available ({whyNoScipy}); its columns and targets are left out.");
        }
        WarmUpJit(engine, graph, hubSets);
        RunCoverage(engine, peer, scipy, pid, graph, hubSets);
        if (scipy is not null) RunBuild(scipy, graph, rows);
        RunIsochrone(engine, peer, pid, graph, loaded, hubSets);
    }

    /// <summary>Building the engine's graph from the exported rows against scipy building its sparse matrix from the exported arcs.</summary>
    private void RunBuild(ScipyPeer scipy, WalkingGraph graph, List<EdgeRow> rows)
    {
        Log.Say("グラフの構築と scipy の行列の構築…");
        var times = Measure.Interleaved(options.Repetitions,
            new Workload(() => EdgeTable.Build(graph, rows)),
            Workload.Timed(scipy.BuildMatrix));
        var (engine, matrix) = (times[0], times[1]);
        report.AddHeading(2, "Building the graph once per city: engine against scipy's matrix");
        report.AddParagraph($"Median of {options.Repetitions} runs (min–max), milliseconds, taking turns. **engine**: WalkingGraphBuilder fed the " +
            $"{Format.Int(graph.NodeCount)} nodes (id, plane position) and {Format.Int(rows.Count)} edge rows (ids, both costs, length; no geometry), " +
            "then Build (CSR arrays, id index). **scipy**: `csr_matrix((costs, (sources, targets)), shape=(n, n))` from arrays of node indices " +
            "already made (the id-to-index step and the merging of parallel arcs are not charged to it). Ratio = engine / scipy (above 1: scipy faster).");
        var t = report.AddTable("side", ">wall ms", ">CPU ms", ">wall ratio", ">CPU ratio");
        t.Row("engine: WalkingGraphBuilder + Build", engine.Wall.Describe(), engine.Cpu.Describe(), "", "");
        t.Row("scipy: csr_matrix", matrix.Wall.Describe(), matrix.Cpu.Describe(),
            Format.Ratio(engine.Wall.MedianMs / matrix.Wall.MedianMs), Format.Ratio(engine.Cpu.MedianMs / matrix.Cpu.MedianMs));
    }

    private void RunCoverage(EngineSide engine, PgRoutingPeer peer, ScipyPeer? scipy, int pid, WalkingGraph graph, List<HubSet> hubSets)
    {
        report.AddHeading(2, $"All-node nearest hub within {BudgetMetres:0} m");
        report.AddParagraph(
            "For every node of the network: the nearest hub by walking and the metres to it, or nothing when no hub is within the bound. " +
            $"Median of {options.Repetitions} runs after warm-up (min–max in brackets), milliseconds, same run, the sides taking turns in rounds of consecutive calls. " +
            "**Ratio = peer median / engine median** (above 1: the engine is faster).");
        report.AddBullets(
            "**engine, sparse**: as the server's callers run it: hub node ids → node indices, search state reused from an earlier call " +
            "(pooled; it resets in O(1)), bounded multi-source Dijkstra (MultiSourceDijkstra, one thread), and the answer read from the " +
            "search's sparse result: each reached node with its metres and nearest hub, written when it was settled (nothing the length of " +
            "the graph is written). The headline ratios use this column.",
            "**engine, pooled, dense**: the same, then metres and nearest hub of every node copied out into new graph-length arrays. " +
            "**engine, fresh, dense**: the same with fresh search state too (16 bytes per node allocated by the call): the conservative figure of earlier runs.",
            "**scipy**: `scipy.sparse.csgraph.dijkstra(matrix, directed=True, indices=hubs, return_predecessors=True, limit=" +
            $"{BudgetMetres:0}, min_only=True)` (C), then the reached nodes with their metres and nearest hub read out with numpy; " +
            "timed inside its Python process (perf_counter and thread_time around those two steps only). The matrix is built once beforehand " +
            "(timed separately below), like the engine's graph.",
            "**pgRouting exact**: one SQL statement, `SELECT DISTINCT ON (node) node, from_v, agg_cost FROM pgr_drivingDistance(edges_sql, hubs, " +
            $"{BudgetMetres:0}, directed => true, equicost => false) ORDER BY node, agg_cost, from_v`, rows read into this process. " +
            "Its time includes the edge query `" + peer.EdgesSql + "`: pgRouting reads the edges and builds its graph on every call; that is how it works.",
            "**pgRouting equicost**: the same with `equicost => true` (pgRouting hands each node to one hub itself), shown for transparency; " +
            "its error is measured against the exact answer.");
        report.AddBullets(hubSets.Select(set => $"hubs \"{set.Label}\": {set.HowChosen}").ToArray());

        var pooled = new MultiSourceDijkstra(graph);
        var sparseSearch = new MultiSourceDijkstra(graph);
        var originBuffer = new SearchOrigin[hubSets.Max(h => h.NodeIds.Length)];
        var rows = new List<CoverageRow>();
        foreach (var set in hubSets)
        {
            Log.Say($"全ノードの最寄り拠点: {set.Label}…");
            var mine = engine.NearestHub(set.NodeIds, BudgetMetres);
            var exact = peer.NearestHub(set.NodeIds, BudgetMetres, equicost: false);
            var equi = peer.NearestHub(set.NodeIds, BudgetMetres, equicost: true);
            var (reached, maxDelta, differ) = Compare(graph, mine, exact);
            var (wrong, maxError) = EquicostError(exact, equi);
            var sparseAgrees = SparseAgrees(engine, sparseSearch, originBuffer, set, mine);
            var key = $"set{rows.Count}";
            ScipyCheck? scipyCheck = null;
            if (scipy is not null)
            {
                scipy.DefineHubs(key, set.NodeIds.Select(id => graph.TryGetNodeIndex(id, out var n) ? n : throw new InvalidOperationException()));
                scipyCheck = CompareScipy(graph, mine, scipy.Answer(key, BudgetMetres, graph.NodeCount));
            }
            var workloads = new List<Workload>
            {
                new(() => engine.NearestHubSparse(set.NodeIds, BudgetMetres, sparseSearch, originBuffer)),
                new(() => engine.NearestHub(set.NodeIds, BudgetMetres, pooled)),
                new(() => engine.NearestHub(set.NodeIds, BudgetMetres)),
                new(() => peer.NearestHub(set.NodeIds, BudgetMetres, equicost: false), pid),
                new(() => peer.NearestHub(set.NodeIds, BudgetMetres, equicost: true), pid),
            };
            if (scipy is not null) workloads.Add(Workload.Timed(() => scipy.NearestHub(key, BudgetMetres)));
            var times = Measure.Interleaved(options.Repetitions, [.. workloads]);
            rows.Add(new CoverageRow(set, times[0], times[1], times[2], times[3], times[4], scipy is null ? null : times[5],
                reached, exact.Nodes.Length, maxDelta, differ, wrong, maxError, sparseAgrees, scipyCheck));
        }

        var showCpu = pid > 0 && CpuClock.Available;
        foreach (var cpu in showCpu ? new[] { false, true } : [false])
        {
            report.AddParagraph(cpu
                ? "**CPU time** (what the call ran on a core, without waiting for one: the engine's thread; scipy's thread; for pgRouting this " +
                  "process's thread reading the rows plus the PostgreSQL backend serving the call, from /proc/<pid>/schedstat). On a busy machine " +
                  "this is the steadier figure:"
                : "**Wall time** (what a caller waits for):");
            Stats Of(Timing t) => cpu ? t.Cpu : t.Wall;
            var unit = cpu ? "CPU ms" : "ms";
            var table = report.AddTable("hubs", $">engine, sparse {unit}", $">scipy {unit}", ">ratio scipy", $">pgRouting exact {unit}", ">ratio pgRouting",
                $">engine, pooled, dense {unit}", $">engine, fresh, dense {unit}", ">ratio pgRouting (fresh, dense)", $">pgRouting equicost {unit}");
            foreach (var r in rows)
            {
                var sparse = Of(r.Sparse).MedianMs;
                table.Row(r.Set.Label, Of(r.Sparse).Describe(),
                    r.Scipy is null ? "–" : Of(r.Scipy).Describe(), r.Scipy is null ? "–" : Format.Ratio(Of(r.Scipy).MedianMs / sparse),
                    Of(r.Exact).Describe(), Format.Ratio(Of(r.Exact).MedianMs / sparse),
                    Of(r.Pooled).Describe(), Of(r.Engine).Describe(), Format.Ratio(Of(r.Exact).MedianMs / Of(r.Engine).MedianMs), Of(r.Equi).Describe());
            }
        }
        report.AddParagraph("**Same answers?** The engine against pgRouting's exact method and against scipy, node by node (\"one side only\": reached " +
            "by one and not the other; scipy sums in double precision, the engine in single, so sub-millimetre differences are expected); " +
            "the sparse result against the engine's dense copy; and equicost against the exact method (\"wrong\": cost more than 0.01 m off, or the node missing).");
        var check = report.AddTable("hubs", ">nodes reached (engine)", ">pgRouting: reached", ">one side only", ">max |Δ| m",
            ">scipy: reached", ">one side only", ">max |Δ| m", ">sparse = dense", ">equicost nodes wrong", ">equicost max error m");
        foreach (var r in rows)
        {
            check.Row(r.Set.Label, Format.Int(r.Reached), Format.Int(r.PeerReached), Format.Int(r.Differ), Format.Num(r.MaxDelta, "0.000"),
                r.ScipyCheck is null ? "–" : Format.Int(r.ScipyCheck.Reached), r.ScipyCheck is null ? "–" : Format.Int(r.ScipyCheck.Differ),
                r.ScipyCheck is null ? "–" : Format.Num(r.ScipyCheck.MaxDelta, "0.0000"), r.SparseAgrees ? "yes" : "**no**",
                $"{Format.Int(r.Wrong)} of {Format.Int(r.PeerReached)}", Format.Num(r.MaxError, "0.0"));
        }
        var edgeQuery = Measure.Interleaved(options.Repetitions, new Workload(() => peer.EdgeQueryOnly(), pid))[0];
        report.AddParagraph("For scale: pgRouting's edge query alone (`SELECT count(*), sum(cost + reverse_cost) FROM (edges_sql) e`, " +
            $"nothing sent back) takes {edgeQuery.Wall.Describe()} ms wall" + (pid > 0 ? $", {edgeQuery.Cpu.Describe()} ms CPU." : "."));

        // The targets: the worst hub set decides, wall and CPU both.
        double Worst(Func<CoverageRow, Timing?> peerOf, bool cpu) =>
            rows.Min(r => peerOf(r) is { } p ? (cpu ? p.Cpu.MedianMs / r.Sparse.Cpu.MedianMs : p.Wall.MedianMs / r.Sparse.Wall.MedianMs) : double.NaN);
        void Target(string name, Func<CoverageRow, Timing?> peerOf, double goal, bool measured)
        {
            if (!measured)
            {
                targets.Add(name, "–", null, "scipy not available");
                return;
            }
            double wall = Worst(peerOf, false), cpu = showCpu ? Worst(peerOf, true) : wall;
            targets.Add(name, $"{Format.Ratio(wall)} wall, {Format.Ratio(cpu)} CPU (lowest of the {rows.Count} hub sets)",
                wall >= goal && cpu >= goal, "engine, sparse vs the peer, same run");
        }
        Target($"All-node nearest hub within {BudgetMetres:0} m (宇部市): ≥ 5× scipy", r => r.Scipy, 5, scipy is not null);
        Target($"All-node nearest hub within {BudgetMetres:0} m (宇部市): ≥ 40× pgRouting exact", r => r.Exact, 40, true);
    }

    /// <summary>The sparse result of the pooled search, node by node, against the dense copy of a fresh one.</summary>
    private static bool SparseAgrees(EngineSide engine, MultiSourceDijkstra search, SearchOrigin[] origins, HubSet set, EngineCoverage dense)
    {
        var reached = engine.NearestHubSparse(set.NodeIds, BudgetMetres, search, origins);
        if (reached != dense.NearestHubs.Count(h => h >= 0)) return false;
        var nodes = search.SettledNodes;
        var metres = search.SettledMetres;
        var sources = search.SettledSources;
        for (var k = 0; k < nodes.Length; k++)
        {
            if (dense.Metres[nodes[k]] != metres[k] || dense.NearestHubs[nodes[k]] != sources[k]) return false;
        }
        return true;
    }

    private sealed record ScipyCheck(int Reached, int Differ, double MaxDelta);

    private static ScipyCheck CompareScipy(WalkingGraph graph, EngineCoverage mine, ScipyCoverage theirs)
    {
        int reached = 0, differ = 0;
        double maxDelta = 0;
        for (var n = 0; n < graph.NodeCount; n++)
        {
            bool a = mine.NearestHubs[n] >= 0, b = theirs.NearestHubNodes[n] >= 0;
            if (b) reached++;
            if (a != b) { differ++; continue; }
            if (a) maxDelta = Math.Max(maxDelta, Math.Abs(mine.Metres[n] - theirs.Metres[n]));
        }
        return new ScipyCheck(reached, differ, maxDelta);
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
        var origins = new SearchOrigin[hubSets.Max(h => h.NodeIds.Length)];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds < 1.5)
        {
            foreach (var set in hubSets)
            {
                engine.NearestHub(set.NodeIds, BudgetMetres);
                engine.NearestHub(set.NodeIds, BudgetMetres, search);
                engine.NearestHubSparse(set.NodeIds, BudgetMetres, search, origins);
            }
            engine.Isochrone(node, WalkMinutes, Pace);
            engine.SearchOnly(search, node, BudgetMetres);
        }
        Thread.Sleep(500); // let the background compiler install what it has queued
    }

    private sealed record CoverageRow(HubSet Set, Timing Sparse, Timing Pooled, Timing Engine, Timing Exact, Timing Equi, Timing? Scipy,
        int Reached, int PeerReached, double MaxDelta, int Differ, int Wrong, double MaxError, bool SparseAgrees, ScipyCheck? ScipyCheck);

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
            new Workload(() => engine.SearchOnly(probe, hub.Node, BudgetMetres)),
            new Workload(() => PreviousIsochrone.Polygon(graph, hub.Node, BudgetMetres)));
        var (full, peerTime, plane, searchOnly, previous) = (times[0], times[1], times[2], times[3], times[4]);
        // Today's polygon against the previous algorithm's (a kept copy), both in plane metres.
        var planeNow = engine.IsochronePlane(hub.Node, WalkMinutes, Pace);
        var planeBefore = PreviousIsochrone.Polygon(graph, hub.Node, BudgetMetres);
        var iou = planeNow.Intersection(planeBefore).Area / planeNow.Union(planeBefore).Area;
        var identical = planeNow.EqualsExact(planeBefore);

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
        Row("previous engine (before issue 14): search + polygon in plane metres", previous, null, loaded.Projector.ToLonLat(planeBefore));
        Row("pgRouting + ST_ConcaveHull", peerTime, full, theirs);
        report.AddParagraph($"Today's polygon against the previous algorithm's (a kept copy in the bench, PreviousIsochrone): intersection over union " +
            $"{Format.Num(iou, "0.000000")}{(identical ? ", the same rings point for point" : "")}; areas {Format.Num(planeNow.Area / 1e6, "0.000")} and " +
            $"{Format.Num(planeBefore.Area / 1e6, "0.000")} km² (plane).");
        bool showWall(double ms) => ms <= 2;
        targets.Add($"{WalkMinutes:0}-minute isochrone polygon (宇部市, the heaviest hub) ≤ 2 ms warm, IoU ≥ 0.99 with the previous polygon",
            $"{Format.Ms(full.Wall.MedianMs)} ms wall, {Format.Ms(full.Cpu.MedianMs)} ms CPU with lon/lat ({Format.Ms(plane.Wall.MedianMs)} / " +
            $"{Format.Ms(plane.Cpu.MedianMs)} ms in plane metres); IoU {Format.Num(iou, "0.0000")}",
            showWall(full.Wall.MedianMs) && (!showCpu || full.Cpu.MedianMs <= 2) && iou >= 0.99,
            "search + polygon + lon/lat (as the API returns it), median");
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
