using System.Diagnostics;
using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;
using Xunit.Abstractions;

namespace FukushiMap.Core.Tests.Network;

/// <summary>End-to-end checks on the real 宇部市 walk network. Timings are printed, never asserted.</summary>
public class UbeWalkNetworkTests(UbeWalkNetwork ube, ITestOutputHelper output) : IClassFixture<UbeWalkNetwork>
{
    [Fact]
    public void TheUbeNetworkHasTheExpectedNodesEdgesAndComponents()
    {
        var graph = ube.Graph;
        var labels = graph.LabelComponents(out int components);

        Assert.Equal(30_750, ube.DirectedEdgeCount);
        Assert.Equal(10_403, graph.NodeCount);
        Assert.Equal(15_408, graph.EdgeCount);
        Assert.Equal(6, components);
        Assert.Equal(10_387, labels.Count(c => c == 0));
        output.WriteLine($"{graph.ArcCount} arcs, {graph.BytesPerArc:0.0} bytes/arc topology+costs, " +
                         $"{graph.EstimatedBytes / 1024} KiB + {graph.EstimatedGeometryBytes / 1024} KiB geometry");
        Assert.True(graph.BytesPerArc < 64);
    }

    [Fact]
    public void EdgeLengthsAgreeWithTheProjectedGeometry()
    {
        // osmnx lengths are great-circle metres; zone III plane lengths differ by the scale factor (~1e-4) and
        // little else here. A mismatch on most edges would mean a broken projection or flipped geometry. A few edges
        // were cut by the data's bbox clip and keep a stated length longer than their geometry (~1.4% of the total).
        var graph = ube.Graph;
        int agreeing = Enumerable.Range(0, graph.EdgeCount)
            .Count(e => Math.Abs(graph.EdgeGeometryLengthMetres(e) - graph.EdgeLengthMetres(e)) <= 0.005 * graph.EdgeLengthMetres(e) + 0.05);
        double statedKm = Enumerable.Range(0, graph.EdgeCount).Sum(e => (double)graph.EdgeLengthMetres(e)) / 1000;

        Assert.True(agreeing > 0.99 * graph.EdgeCount, $"{agreeing} of {graph.EdgeCount} edges agree");
        Assert.InRange(statedKm, 1031, 1032); // 1,031.3 km per the data's SOURCES.md
    }

    [Fact]
    public void TwentyHubsLabelEveryNodeWithinTwelveHundredMetresExactly()
    {
        var graph = ube.Graph;
        var snapper = new NetworkSnapper(graph);
        var random = new Random(2024);
        var hubs = RandomPoints(random, 200).Select(snapper.Snap).Where(h => h.IsOnNetwork).Take(20).ToArray();
        var origins = hubs.Select(SearchOrigin.FromSnap).ToArray();
        var search = new MultiSourceDijkstra(graph);

        var timings = Measure(() => search.Run(origins, 1200), repeats: 20);
        output.WriteLine($"20 hubs, all nodes within 1200 m: median {timings.Median:0.00} ms, min {timings.Min:0.00} ms, " +
                         $"{search.SettledNodes.Length} of {graph.NodeCount} nodes reached");

        var single = new MultiSourceDijkstra(graph);
        var best = new float[graph.NodeCount];
        Array.Fill(best, float.PositiveInfinity);
        for (int i = 0; i < origins.Length; i++)
        {
            single.Run(origins.AsSpan(i, 1), 1200);
            for (int v = 0; v < graph.NodeCount; v++) best[v] = Math.Min(best[v], single.Metres(v));
        }
        for (int v = 0; v < graph.NodeCount; v++) Assert.Equal(best[v], search.Metres(v));
    }

    [Fact]
    public void AFifteenMinuteIsochroneAroundACentralHubIsOneSensibleArea()
    {
        var graph = ube.Graph;
        var snapper = new NetworkSnapper(graph);
        var hub = snapper.Snap(ube.ToPlane(131.2466, 33.9515)); // near 宇部市役所
        var builder = new IsochroneBuilder(graph);
        Isochrone isochrone = null!;

        var timings = Measure(() => isochrone = builder.Build([hub], [15.0], WalkingPace.Standard).Single(), repeats: 20);
        output.WriteLine($"15-minute isochrone (1200 m): median {timings.Median:0.00} ms, min {timings.Min:0.00} ms, " +
                         $"{isochrone.Area.NumPoints} points, {isochrone.Area.Area / 1e6:0.00} km²");

        Assert.True(hub.IsOnNetwork);
        Assert.True(isochrone.Area.IsValid);
        Assert.True(isochrone.Area.Covers(new Point(hub.Query)));
        Assert.InRange(isochrone.Area.Area, 0.5e6, Math.PI * 1240 * 1240);
    }

    [Fact]
    public void NearestHubsWithRoutesForAPoint()
    {
        var graph = ube.Graph;
        var snapper = new NetworkSnapper(graph);
        var random = new Random(7);
        var hubs = RandomPoints(random, 200).Select(snapper.Snap).Where(h => h.IsOnNetwork).Take(20).ToArray();
        var finder = new NearestSourceFinder(graph, hubs);
        var from = snapper.Snap(ube.ToPlane(131.2466, 33.9515));
        IReadOnlyList<NearestSource> nearest = [];

        var timings = Measure(() => nearest = finder.Find(from, 3, 5000), repeats: 50);
        output.WriteLine($"3 nearest of 20 hubs within 5 km with routes: median {timings.Median:0.000} ms");

        var all = new MultiSourceDijkstra(graph);
        all.Run(hubs.Select(SearchOrigin.FromSnap).ToArray(), 5000);
        Assert.Equal(all.MetresTo(from, out int nearestHub), nearest[0].WalkMetres, 1);
        Assert.Equal(nearestHub, nearest[0].SourceIndex);
        Assert.Equal(nearest[0].WalkMetres, new LineString(nearest[0].Path).Length, nearest[0].WalkMetres * 0.01);
    }

    private IEnumerable<Coordinate> RandomPoints(Random random, int count)
    {
        // Within the data's urban extent (lon 131.219–131.326, lat 33.925–34.001), kept inward a little.
        for (int i = 0; i < count; i++)
            yield return ube.ToPlane(131.23 + random.NextDouble() * 0.08, 33.93 + random.NextDouble() * 0.06);
    }

    private static (double Median, double Min) Measure(Action action, int repeats)
    {
        // Warm up long enough for tiered JIT to reach optimised code.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 1500) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[repeats / 2], times[0]);
    }
    [Fact]
    public void AFifteenMinuteIsochroneAgreesWithTheExactDistanceToTheReachedStreets()
    {
        // The independent construction: a point is within the walking area when it is within the walk-off distance of a reached
        // street piece (exact point-to-line distance, no raster). Sampled at seeded random points over the area's surroundings:
        // a point clearly inside (farther than a cell's diagonal from the exact outline) must be in the polygon, one clearly
        // outside must not; near the outline the raster may go either way, and the intersection over union from the counts
        // stays high.
        var graph = ube.Graph;
        var extent = graph.NodeExtent();
        var centre = extent.Centre;
        int start = Enumerable.Range(0, graph.NodeCount)
            .MinBy(n => (graph.NodeX(n) - centre.X) * (graph.NodeX(n) - centre.X) + (graph.NodeY(n) - centre.Y) * (graph.NodeY(n) - centre.Y));
        var pace = WalkingPace.Standard;
        double budget = pace.MinutesToMetres(15);
        var builder = new IsochroneBuilder(graph);
        var area = builder.Build([SearchOrigin.AtNode(start)], [15.0], pace).Single().Area;
        var search = new MultiSourceDijkstra(graph);
        search.Run([SearchOrigin.AtNode(start)], budget);
        var reached = builder.ReachedLines(search, budget);
        var distance = new NetTopologySuite.Operation.Distance.IndexedFacetDistance(reached);
        var inArea = new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(area);
        double walkOff = builder.Options.WalkOffMetres, slack = builder.Options.CellMetres * Math.Sqrt(2);

        var box = reached.EnvelopeInternal.Copy();
        box.ExpandBy(walkOff * 2);
        var random = new Random(14);
        int both = 0, either = 0, clearlyWrong = 0;
        for (int k = 0; k < 20_000; k++)
        {
            var p = new Coordinate(box.MinX + random.NextDouble() * box.Width, box.MinY + random.NextDouble() * box.Height);
            double d = distance.Distance(new Point(p));
            bool exact = d <= walkOff;
            bool raster = inArea.Locate(p) != Location.Exterior;
            if ((d <= walkOff - slack && !raster) || (d >= walkOff + slack && raster)) clearlyWrong++;
            if (exact && raster) both++;
            if (exact || raster) either++;
        }

        Assert.True(area.IsValid);
        Assert.InRange(reached.NumGeometries, 500, int.MaxValue); // a real, large area
        double iou = (double)both / either;
        output.WriteLine($"{reached.NumGeometries} pieces, {area.NumPoints} vertices, IoU against the exact distance {iou:0.0000} ({either} points)");
        Assert.Equal(0, clearlyWrong);
        Assert.True(iou >= 0.98, $"IoU {iou:0.0000}");
    }
}
