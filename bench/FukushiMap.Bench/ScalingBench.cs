using FukushiMap.Core.Network;

namespace FukushiMap.Bench;

/// <summary>
/// The engine alone on generated street grids of about 10⁴, 10⁵ and 10⁶ nodes: build time, bounded coverage from 100 hubs,
/// and memory per directed edge.
/// </summary>
public sealed class ScalingBench(BenchOptions options, Report report, Targets targets)
{
    /// <summary>Grid street spacing in metres: a little denser than 宇部市's network (about 67 m per undirected edge), so a
    /// bounded search settles more nodes, not fewer.</summary>
    public const double SpacingMetres = 50;
    public const int HubCount = 100;
    public const double BoundMetres = 1200;

    public void Run()
    {
        int[] sides = options.Quick ? [100, 317] : [100, 317, 1000];
        // JIT the builder and search on a toy grid first, so the first size is not charged for compiling.
        var toy = GridNetwork.Create(20, 20, SpacingMetres);
        new MultiSourceDijkstra(toy).Run([SearchOrigin.AtNode(0)], BoundMetres);

        report.AddHeading(2, "Scaling: generated street grids, engine only");
        report.AddParagraph($"Square grids with streets every {SpacingMetres:0} m (GridNetwork: every street walkable both ways, so 2 directed " +
            $"edges per street), {HubCount} hubs at distinct nodes drawn with seed {options.Seed}. Search times are the median of " +
            $"{options.Repetitions} runs after warm-up (min–max), milliseconds, one thread.");
        report.AddBullets(
            "**build**: GridNetwork.Create (filling the builder and building the CSR arrays), one run.",
            $"**sparse**: multi-source Dijkstra from the {HubCount} hubs up to {BoundMetres:0} m, the answer read from the search's sparse result " +
            "(each reached node with its metres and nearest hub, written when settled); search state reused between calls (it resets in O(1), " +
            "as the server's pooled searches do). Nothing the length of the graph is written.",
            "**bounded coverage, dense**: the same search plus copying metres and nearest hub of every node out into graph-length arrays.",
            "**same, fresh state**: the same call also allocating its search state and result arrays, as the city comparison above does.",
            "**unbounded**: the same search with no bound (every node settled), for the worst case.",
            "**CPU ms**: CPU time of the searching thread (without time spent waiting for a core on a busy machine).",
            "**B/arc**: WalkingGraph.BytesPerArc (topology, positions, ids and costs, counted array by array) / the same with edge geometry / " +
            "managed heap growth measured around building the graph (GC.GetTotalMemory after full collections), each divided by directed edges. " +
            "A search also holds 16 bytes per node (MultiSourceDijkstra state) while it runs.");
        var size = report.AddTable(">nodes", ">directed edges", ">build ms", ">B/arc (est.)", ">B/arc incl. geometry", ">B/arc measured");
        var searches = new List<string[]>();
        foreach (var side in sides)
        {
            Log.Say($"格子ネットワーク {side}×{side}…");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            WalkingGraph graph = null!;
            var buildMs = Measure.Once(() => graph = GridNetwork.Create(side, side, SpacingMetres));
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;

            var hubs = CityBench.RandomNodes(graph, HubCount, options.Seed);
            var origins = hubs.Select(id => graph.TryGetNodeIndex(id, out var n) ? SearchOrigin.AtNode(n) : throw new InvalidOperationException()).ToArray();
            var dijkstra = new MultiSourceDijkstra(graph);
            var metres = new float[graph.NodeCount];
            var nearest = new int[graph.NodeCount];

            dijkstra.Run(origins, BoundMetres);
            var reached = dijkstra.SettledNodes.Length;
            double checksum = 0;
            var sparse = Measure.Run(() =>
            {
                dijkstra.Run(origins, BoundMetres);
                var nodes = dijkstra.SettledNodes;
                var m = dijkstra.SettledMetres;
                var h = dijkstra.SettledSources;
                double sum = 0;
                for (var k = 0; k < nodes.Length; k++) sum += m[k] + (nodes[k] ^ h[k]);
                checksum += sum;
            }, options.Repetitions);
            var bounded = Measure.Run(() =>
            {
                dijkstra.Run(origins, BoundMetres);
                dijkstra.CopyTo(metres, nearest);
            }, options.Repetitions);
            var fresh = Measure.Run(() =>
            {
                var s = new MultiSourceDijkstra(graph);
                s.Run(origins, BoundMetres);
                var m = new float[graph.NodeCount];
                var h = new int[graph.NodeCount];
                s.CopyTo(m, h);
            }, options.Repetitions);
            var unbounded = Measure.Run(() =>
            {
                dijkstra.Run(origins, double.PositiveInfinity);
                dijkstra.CopyTo(metres, nearest);
            }, Math.Max(3, options.Repetitions / 3));

            double arcs = graph.ArcCount;
            size.Row(Format.Int(graph.NodeCount), Format.Int(graph.ArcCount), Format.Ms(buildMs),
                Format.Num(graph.BytesPerArc, "0.0"), Format.Num((graph.EstimatedBytes + graph.EstimatedGeometryBytes) / arcs, "0.0"),
                Format.Num(retained / arcs, "0.0"));
            searches.Add([Format.Int(graph.NodeCount), Format.Int(reached), sparse.Wall.Describe(), sparse.Cpu.Describe(),
                bounded.Wall.Describe(), bounded.Cpu.Describe(),
                fresh.Wall.Describe(), unbounded.Wall.Describe(), unbounded.Cpu.Describe()]);
            GC.KeepAlive(graph);
            GC.KeepAlive(checksum);
            if (side == 1000)
            {
                targets.Add($"10⁶-node grid, {HubCount} hubs, nearest hub within {BoundMetres:0} m ≤ 10 ms",
                    $"{Format.Ms(sparse.Wall.MedianMs)} ms wall, {Format.Ms(sparse.Cpu.MedianMs)} ms CPU ({Format.Int(reached)} nodes reached; " +
                    $"dense copy-out {Format.Ms(bounded.Wall.MedianMs)} ms)",
                    sparse.Wall.MedianMs <= 10 && sparse.Cpu.MedianMs <= 10, "engine, sparse (pooled state), median");
            }
        }
        if (!sides.Contains(1000))
        {
            targets.Add($"10⁶-node grid, {HubCount} hubs, nearest hub within {BoundMetres:0} m ≤ 10 ms", "–", null, "--quick skips the 10⁶-node grid");
        }
        var search = report.AddTable(">nodes", ">nodes reached", ">sparse ms", ">CPU ms", ">bounded coverage, dense ms", ">CPU ms",
            ">same, fresh state ms", ">unbounded ms", ">CPU ms");
        foreach (var row in searches) search.Row(row);
        if (options.Quick)
        {
            report.AddParagraph("(--quick: the 10⁶-node grid is skipped.)");
        }
    }
}
