using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Network;

public class MultiSourceDijkstraTests
{
    [Theory]
    [InlineData(1, SearchDirection.Forward)]
    [InlineData(2, SearchDirection.Forward)]
    [InlineData(3, SearchDirection.Forward)]
    [InlineData(4, SearchDirection.Forward)]
    [InlineData(5, SearchDirection.Forward)]
    [InlineData(1, SearchDirection.Backward)]
    [InlineData(2, SearchDirection.Backward)]
    [InlineData(3, SearchDirection.Backward)]
    [InlineData(6, SearchDirection.Forward, true)]
    [InlineData(7, SearchDirection.Forward, true)]
    [InlineData(4, SearchDirection.Backward, true)]
    public void EveryNodeGetsTheSameMetresAsTheBestOfSeparateSearchesPerSource(int seed, SearchDirection direction, bool largeGraphLoop = false)
    {
        var random = new Random(seed);
        var graph = RandomGraph(random, nodes: 120, edges: 260);
        var origins = Enumerable.Range(0, 6).Select(_ => random.NextDouble() < 0.5
                ? SearchOrigin.AtNode(random.Next(graph.NodeCount), random.NextDouble() * 50)
                : SearchOrigin.OnEdge(random.Next(graph.EdgeCount), random.NextDouble(), random.NextDouble() * 50))
            .ToArray();
        const double maxMetres = 900;
        // Backward, every node's metres are those of its walk to the sources.
        var forward = direction == SearchDirection.Forward;
        var perSource = origins.Select(o => forward ? NaiveDijkstra.FromOrigin(graph, o) : NaiveDijkstra.ToOrigin(graph, o)).ToArray();

        var search = new MultiSourceDijkstra(graph, direction) { LargeGraphLoop = largeGraphLoop };
        search.Run(origins, maxMetres);

        Assert.InRange(search.SettledNodes.Length, 20, graph.NodeCount - 1); // the bound both reaches and cuts
        for (int v = 0; v < graph.NodeCount; v++)
        {
            float best = perSource.Min(d => d[v]);
            if (best > maxMetres)
            {
                Assert.False(search.IsReached(v));
                Assert.Equal(-1, search.NearestSource(v));
                continue;
            }
            Assert.Equal(best, search.Metres(v));
            Assert.Equal(best, perSource[search.NearestSource(v)][v]);
            // The chain of arcs leads to a start node, each step costing its arc (backward, the arcs are walked as they point).
            int node = v, steps = 0;
            for (int arc = search.PredecessorArc(node); arc >= 0; arc = search.PredecessorArc(node), steps++)
            {
                Assert.Equal(node, forward ? graph.ArcTarget(arc) : graph.ArcSource(arc));
                int next = forward ? graph.ArcSource(arc) : graph.ArcTarget(arc);
                Assert.Equal(search.Metres(node), search.Metres(next) + graph.ArcCostMetres(arc));
                node = next;
            }
            Assert.InRange(steps, 0, graph.NodeCount);
        }
    }

    [Theory]
    [InlineData(11, SearchDirection.Forward)]
    [InlineData(12, SearchDirection.Forward)]
    [InlineData(13, SearchDirection.Forward)]
    [InlineData(14, SearchDirection.Backward)]
    [InlineData(15, SearchDirection.Backward)]
    public void TheSparseResultListsExactlyTheReachedNodesWithTheDenseMetresAndSources(int seed, SearchDirection direction)
    {
        var random = new Random(seed);
        var graph = RandomGraph(random, nodes: 150, edges: 330);
        var forward = direction == SearchDirection.Forward;
        var search = new MultiSourceDijkstra(graph, direction);
        // Three runs on the same object, each with other origins and bounds: what a pooled search sees.
        foreach (var maxMetres in new[] { 1500.0, 300.0, 700.0 })
        {
            var origins = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.NextDouble() < 0.5
                    ? SearchOrigin.AtNode(random.Next(graph.NodeCount), random.NextDouble() * 30)
                    : SearchOrigin.OnEdge(random.Next(graph.EdgeCount), random.NextDouble(), random.NextDouble() * 30))
                .ToArray();
            var perSource = origins.Select(o => forward ? NaiveDijkstra.FromOrigin(graph, o) : NaiveDijkstra.ToOrigin(graph, o)).ToArray();
            search.Run(origins, maxMetres);
            var denseMetres = new float[graph.NodeCount];
            var denseSources = new int[graph.NodeCount];
            search.CopyTo(denseMetres, denseSources);

            var nodes = search.SettledNodes;
            var metres = search.SettledMetres;
            var sources = search.SettledSources;
            Assert.Equal(nodes.Length, metres.Length);
            Assert.Equal(nodes.Length, sources.Length);
            var listed = new bool[graph.NodeCount];
            for (int k = 0; k < nodes.Length; k++)
            {
                int v = nodes[k];
                Assert.False(listed[v]); // each reached node once
                listed[v] = true;
                Assert.Equal(denseMetres[v], metres[k]);
                Assert.Equal(denseSources[v], sources[k]);
                Assert.Equal(perSource.Min(d => d[v]), metres[k]); // the reference's metres
                if (k > 0) Assert.True(metres[k - 1] <= metres[k]);
            }
            for (int v = 0; v < graph.NodeCount; v++)
            {
                bool reference = perSource.Min(d => d[v]) <= maxMetres;
                Assert.Equal(reference, listed[v]);
                if (!listed[v]) Assert.Equal(-1, denseSources[v]);
            }
        }
    }

    [Theory]
    [InlineData(31, SearchDirection.Forward)]
    [InlineData(32, SearchDirection.Forward)]
    [InlineData(33, SearchDirection.Backward)]
    public void EveryLoopAndQueueGivesTheSameAnswerNodeForNodeTiesIncluded(int seed, SearchDirection direction)
    {
        // Situation: a 30 × 30 street grid with costs in whole 10 m steps, some 0 and some one-way, so that many nodes are
        // reached at equal metres from several sources and over zero-cost arcs (the tie rules), and many keys fall into the
        // bucket being taken. The same sources are searched by the bucket queue's loop for small graphs and for large ones
        // (bounded far beyond the grid), and by the radix heap (unbounded): the order settled, metres and nearest source
        // must be the same throughout.
        var random = new Random(seed);
        const int side = 30;
        var builder = new WalkingGraphBuilder();
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
                builder.AddNode(r * side + c, c * 50.0, r * 50.0);
        void Street(int a, int b)
        {
            double forward = 10 * random.Next(0, 6);
            double reverse = random.NextDouble() < 0.1 ? -1 : 10 * random.Next(0, 6);
            builder.AddEdge(a, b, forward, reverse, 50);
        }
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
            {
                if (c + 1 < side) Street(r * side + c, r * side + c + 1);
                if (r + 1 < side) Street(r * side + c, (r + 1) * side + c);
            }
        var graph = builder.Build();
        var origins = Enumerable.Range(0, 12).Select(_ => random.NextDouble() < 0.7
                ? SearchOrigin.AtNode(random.Next(graph.NodeCount), 10 * random.Next(0, 3))
                : SearchOrigin.OnEdge(random.Next(graph.EdgeCount), 0.5, 0))
            .ToArray();

        var answers = new List<(int[] Nodes, float[] Metres, int[] Sources)>();
        foreach (var (largeGraphLoop, maxMetres) in new (bool, double)[] { (false, 150_000), (true, 150_000), (false, double.PositiveInfinity) })
        {
            var search = new MultiSourceDijkstra(graph, direction) { LargeGraphLoop = largeGraphLoop };
            search.Run(origins, maxMetres);
            answers.Add((search.SettledNodes.ToArray(), search.SettledMetres.ToArray(), search.SettledSources.ToArray()));
        }
        Assert.True(answers[0].Nodes.Length > graph.NodeCount / 2);
        Assert.True(answers[0].Metres.Distinct().Count() < answers[0].Metres.Length / 4); // ties are the rule here
        foreach (var other in answers.Skip(1))
        {
            Assert.Equal(answers[0].Nodes, other.Nodes);
            Assert.Equal(answers[0].Metres, other.Metres);
            Assert.Equal(answers[0].Sources, other.Sources);
        }
    }

    [Fact]
    public void AReusedSearchForgetsItsPreviousRun()
    {
        var random = new Random(42);
        var graph = RandomGraph(random, nodes: 80, edges: 160);
        var search = new MultiSourceDijkstra(graph);
        search.Run([SearchOrigin.AtNode(0), SearchOrigin.AtNode(1)], 5000);

        search.Run([SearchOrigin.AtNode(7)], 400);

        var reference = NaiveDijkstra.FromOrigin(graph, SearchOrigin.AtNode(7));
        for (int v = 0; v < graph.NodeCount; v++)
            Assert.Equal(reference[v] <= 400 ? reference[v] : float.PositiveInfinity, search.Metres(v));
    }

    // Situation:
    //   (0) --100-- (1) --100-- (2) --100-- (3)
    //   source at (0), bound 250 m
    [Fact]
    public void NodesBeyondTheBoundStayUnreached()
    {
        var graph = GridNetwork.Create(4, 1, 100);
        var search = SearchFrom(graph, 0, 250);

        Assert.Equal(200f, search.Metres(2));
        Assert.True(float.IsPositiveInfinity(search.Metres(3)));
        Assert.Equal(-1, search.NearestSource(3));
        Assert.Equal([0, 1, 2], search.SettledNodes.ToArray());
    }

    // Situation:
    //   (1) ------ 100 m ------ (2)
    //     `------- 60 m -------´      two streets between the same corners
    [Fact]
    public void OfParallelEdgesTheShorterIsTaken()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 50, 0)
            .AddUndirectedEdge(1, 2, 100).AddUndirectedEdge(1, 2, 60).Build();
        var search = SearchFrom(graph, 0, 1000);

        Assert.Equal(60f, search.Metres(1));
    }

    // Situation:
    //   (1) ====100 m, one-way===> (2)
    //     `------- 300 m ---------´
    [Fact]
    public void AOneWayEdgeIsOnlyWalkedItsWay()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 0)
            .AddDirectedEdge(1, 2, 100).AddUndirectedEdge(1, 2, 300).Build();
        var search = SearchFrom(graph, 0, 1000);
        Assert.Equal(100f, search.Metres(1));

        search.Run([SearchOrigin.AtNode(1)], 1000);
        Assert.Equal(300f, search.Metres(0));
    }

    // Situation:
    //   (1) ---- steps, 50 m ---- (2)
    //     `------- 120 m --------´
    [Theory]
    [InlineData(1.0, 0.0, 50f)]
    [InlineData(3.0, 0.0, 120f)]
    [InlineData(1.0, 100.0, 120f)]
    [InlineData(1.0, 60.0, 110f)]
    public void StepsCostTheirPenalty(double multiplier, double extraMetres, float expected)
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 40, 30)
            .AddUndirectedEdge(1, 2, 50, isSteps: true).AddUndirectedEdge(1, 2, 120)
            .Build(new WalkingCostProfile { StepsMultiplier = multiplier, StepsExtraMetres = extraMetres });
        var search = SearchFrom(graph, 0, 1000);

        Assert.Equal(expected, search.Metres(1));
    }

    // Situation:
    //   (0) ----------------------- (1)     one 1000 m street along the x axis
    //            ^ 40 m
    //            * hub at (300, 40): snaps to 300 m along the street
    [Fact]
    public void ASourceSnappedMidEdgeStartsBothEndsAtSnapPlusTheWalkAlongTheEdge()
    {
        var graph = GridNetwork.Create(2, 1, 1000);
        var snap = new NetworkSnapper(graph).Snap(300, 40);
        var search = new MultiSourceDijkstra(graph);

        search.Run([SearchOrigin.FromSnap(snap)], 5000);

        Assert.Equal(340f, search.Metres(0));
        Assert.Equal(740f, search.Metres(1));
    }

    [Fact]
    public void ATargetOnTheSameEdgeAsTheSourceIsReachedDirectlyAlongIt()
    {
        // Same street; hub at (300, 40), target at (500, -10): 40 + 200 + 10, not round by either end.
        var graph = GridNetwork.Create(2, 1, 1000);
        var snapper = new NetworkSnapper(graph);
        var search = new MultiSourceDijkstra(graph);
        search.Run([SearchOrigin.FromSnap(snapper.Snap(300, 40))], 5000);

        float metres = search.MetresTo(snapper.Snap(500, -10), out int source);

        Assert.Equal(250f, metres);
        Assert.Equal(0, source);
    }

    [Fact]
    public void OnAOneWayStreetATargetBehindTheSourceIsNotReachedDirectly()
    {
        // Situation: (0) ====one-way 1000 m===> (1); hub at 300 m, target at 200 m (behind it).
        var graph = new WalkingGraphBuilder().AddNode(0, 0, 0).AddNode(1, 1000, 0).AddDirectedEdge(0, 1, 1000).Build();
        var snapper = new NetworkSnapper(graph);
        var search = new MultiSourceDijkstra(graph);
        search.Run([SearchOrigin.FromSnap(snapper.Snap(300, 0))], 5000);

        Assert.True(float.IsPositiveInfinity(search.MetresTo(snapper.Snap(200, 0), out int source)));
        Assert.Equal(-1, source);
        Assert.Equal(100f, search.MetresTo(snapper.Snap(400, 0), out _));
    }

    [Fact]
    public void ATargetIsReachedThroughTheCheaperEndOfItsEdge()
    {
        // Situation:
        //   (0)---100---(1)---100---(2)
        //   source at (0); target 30 m off the middle of edge (1)-(2)  ->  100 + 50 + 30
        var graph = GridNetwork.Create(3, 1, 100);
        var snapper = new NetworkSnapper(graph);
        var search = SearchFrom(graph, 0, 1000);

        Assert.Equal(180f, search.MetresTo(snapper.Snap(150, 30), out _));
    }

    [Fact]
    public void TheNearestOfSeveralSourcesLabelsEachNode()
    {
        // Situation: (0)--(1)--(2)--(3)--(4), 100 m apart; sources at (0) and (4).
        var graph = GridNetwork.Create(5, 1, 100);
        var search = new MultiSourceDijkstra(graph);

        search.Run([SearchOrigin.AtNode(0), SearchOrigin.AtNode(4)], 1000);
        var metres = new float[5];
        var sources = new int[5];
        search.CopyTo(metres, sources);

        Assert.Equal([0, 0, 0, 1, 1], sources); // the tie at (2) goes to the lower source index
        Assert.Equal([0f, 100f, 200f, 100f, 0f], metres);
    }

    // Situation:
    //   (1) ====100 m, one-way===> (2)
    //     `------- 300 m ---------´
    [Fact]
    public void ABackwardSearchWalksAOneWayEdgeOnlyItsWay()
    {
        var graph = new WalkingGraphBuilder().AddNode(1, 0, 0).AddNode(2, 100, 0)
            .AddDirectedEdge(1, 2, 100).AddUndirectedEdge(1, 2, 300).Build();
        var search = new MultiSourceDijkstra(graph, SearchDirection.Backward);

        search.Run([SearchOrigin.AtNode(1)], 1000);
        Assert.Equal(100f, search.Metres(0)); // from (1) to (2): the one-way street
        Assert.Equal(0, graph.ArcEdge(search.PredecessorArc(0)));

        search.Run([SearchOrigin.AtNode(0)], 1000);
        Assert.Equal(300f, search.Metres(1)); // from (2) to (1): the long way round
    }

    [Fact]
    public void BackwardATargetOnTheSourcesOneWayStreetReachesItOnlyFromBehind()
    {
        // Situation: (0) ====one-way 1000 m===> (1); hub at 300 m; targets at 200 m (behind it) and 400 m (past it).
        var graph = new WalkingGraphBuilder().AddNode(0, 0, 0).AddNode(1, 1000, 0).AddDirectedEdge(0, 1, 1000).Build();
        var snapper = new NetworkSnapper(graph);
        var search = new MultiSourceDijkstra(graph, SearchDirection.Backward);
        search.Run([SearchOrigin.FromSnap(snapper.Snap(300, 0))], 5000);

        Assert.Equal(100f, search.MetresTo(snapper.Snap(200, 0), out int source));
        Assert.Equal(0, source);
        Assert.True(float.IsPositiveInfinity(search.MetresTo(snapper.Snap(400, 0), out _)));
        Assert.Equal(300f, search.Metres(0));
        Assert.False(search.IsReached(1));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void BackwardMetresToAPointAgreeWithAForwardSearchFromIt(int seed)
    {
        var random = new Random(seed);
        var graph = RandomGraph(random, nodes: 100, edges: 220);
        var snapper = new NetworkSnapper(graph);
        var hubs = Enumerable.Range(0, 8).Select(_ => snapper.Snap(random.NextDouble() * 1000, random.NextDouble() * 1000))
            .Where(h => h.IsOnNetwork).Take(4).ToArray();
        var backward = new MultiSourceDijkstra(graph, SearchDirection.Backward);
        backward.Run(hubs.Select(SearchOrigin.FromSnap).ToArray(), 5000);
        var forward = new MultiSourceDijkstra(graph);

        for (int i = 0; i < 40; i++)
        {
            var point = snapper.Snap(random.NextDouble() * 1000, random.NextDouble() * 1000);
            if (!point.IsOnNetwork) continue;
            forward.Run([SearchOrigin.FromSnap(point)], 5000);
            // Both count the point's snap, the walk and the hub's snap (summed in another order: hence the tolerance).
            var expected = hubs.Min(h => forward.MetresTo(h, out _));
            float actual = backward.MetresTo(point, out _);
            if (float.IsPositiveInfinity(expected)) Assert.True(float.IsPositiveInfinity(actual));
            else Assert.Equal(expected, actual, 0.01f);
        }
    }

    [Fact]
    public void ACancelledSearchStops()
    {
        var graph = GridNetwork.Create(200, 200, 10);
        var search = new MultiSourceDijkstra(graph);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => search.Run([SearchOrigin.AtNode(0)], 1e9, cancelled.Token));
    }

    [Fact]
    public void TheCallbackCanStopTheSearchEarly()
    {
        var graph = GridNetwork.Create(10, 1, 100);
        var search = new MultiSourceDijkstra(graph);

        search.Run([SearchOrigin.AtNode(0)], 1e9, default, (node, metres, source) => node == 3);

        Assert.True(search.StoppedEarly);
        Assert.Equal(300f, search.Metres(3));
        Assert.False(search.IsReached(4));
    }

    /// <summary>Random plane graph: near-neighbour streets, some one-way, some parallel, some with odd costs.</summary>
    /// <summary>A search over <paramref name="graph"/> that has walked from node index <paramref name="node"/> up to <paramref name="maxMetres"/>.</summary>
    private static MultiSourceDijkstra SearchFrom(WalkingGraph graph, int node, double maxMetres)
    {
        var search = new MultiSourceDijkstra(graph);
        search.Run([SearchOrigin.AtNode(node)], maxMetres);
        return search;
    }

    internal static WalkingGraph RandomGraph(Random random, int nodes, int edges)
    {
        var builder = new WalkingGraphBuilder();
        var xs = new double[nodes];
        var ys = new double[nodes];
        for (int i = 0; i < nodes; i++)
        {
            xs[i] = random.NextDouble() * 1000;
            ys[i] = random.NextDouble() * 1000;
            builder.AddNode(1000 + i, xs[i], ys[i]);
        }
        for (int k = 0; k < edges; k++)
        {
            int a = random.Next(nodes);
            int b = Enumerable.Range(0, nodes).Where(j => j != a)
                .OrderBy(j => (xs[j] - xs[a]) * (xs[j] - xs[a]) + (ys[j] - ys[a]) * (ys[j] - ys[a]))
                .ElementAt(random.Next(4));
            double length = Math.Sqrt((xs[b] - xs[a]) * (xs[b] - xs[a]) + (ys[b] - ys[a]) * (ys[b] - ys[a]));
            double forward = length * (1 + random.NextDouble() * 0.3);
            double reverse = random.NextDouble() < 0.15 ? -1 : length * (1 + random.NextDouble() * 0.3);
            builder.AddEdge(1000 + a, 1000 + b, forward, reverse, length,
                [new Coordinate(xs[a], ys[a]), new Coordinate(xs[b], ys[b])], isSteps: random.NextDouble() < 0.05);
        }
        return builder.Build();
    }
}
