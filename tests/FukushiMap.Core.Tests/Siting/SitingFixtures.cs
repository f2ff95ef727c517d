using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Core.Siting;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Siting;

/// <summary>Small siting instances whose optimum is found by trying every combination.</summary>
internal static class SitingFixtures
{
    /// <summary>
    /// A random instance: demand points with weights 1–100, facilities (the first <paramref name="existing"/> existing),
    /// costs 0–1000 where a pair exists (about two in three), none above <paramref name="maxCost"/>.
    /// </summary>
    public static SitingInstance Random(int seed, int demands = 14, int existing = 1, int candidates = 9, double maxCost = 1000)
    {
        var random = new Random(seed);
        var builder = new SitingInstanceBuilder(existing, candidates, maxCost, unservedCost: 1200);
        for (int d = 0; d < demands; d++)
        {
            builder.AddDemand(random.Next(1, 101));
            for (int f = 0; f < existing + candidates; f++)
            {
                if (random.NextDouble() < 0.66) builder.AddPair(d, f, random.Next(0, 1001));
            }
        }
        return builder.Build();
    }

    /// <summary>Every pair of a seed and a number of sites to add, as theory data.</summary>
    public static TheoryData<int, int> Pairs(IEnumerable<int> seeds, int[] sites)
    {
        var data = new TheoryData<int, int>();
        foreach (int seed in seeds)
            foreach (int k in sites)
                data.Add(seed, k);
        return data;
    }

    /// <summary>Every combination of <paramref name="k"/> items.</summary>
    public static IEnumerable<int[]> Subsets(IReadOnlyList<int> items, int k)
    {
        if (k == 0) { yield return []; yield break; }
        for (int i = 0; i <= items.Count - k; i++)
            foreach (var rest in Subsets(items.Skip(i + 1).ToList(), k - 1))
                yield return [items[i], .. rest];
    }

    public static int[] Candidates(SitingInstance instance) => Enumerable.Range(instance.ExistingCount, instance.CandidateCount).ToArray();

    /// <summary>The model's objective for the existing facilities plus <paramref name="added"/>.</summary>
    public static double Value(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added)
    {
        var e = SitingEvaluation.Evaluate(instance, added, request.CoverCost);
        return request.Model switch
        {
            SitingModel.Mclp => e.CoveredWeight,
            SitingModel.PMedian => e.TotalCost,
            _ => added.Count,
        };
    }

    /// <summary>The optimum by enumeration (MCLP: largest covered weight; p-median: least cost; LSCP: fewest sites).</summary>
    public static double Optimum(SitingInstance instance, SitingRequest request)
    {
        var candidates = Candidates(instance);
        if (request.Model == SitingModel.Lscp)
        {
            double need = request.TargetShare * instance.TotalWeight;
            for (int k = 0; k <= candidates.Length; k++)
                if (Subsets(candidates, k).Any(s => SitingEvaluation.Evaluate(instance, s, request.CoverCost).CoveredWeight >= need - 1e-9)) return k;
            return double.PositiveInfinity;
        }
        var values = Subsets(candidates, request.AddCount).Select(s => Value(instance, request, s));
        return request.Model == SitingModel.Mclp ? values.Max() : values.Min();
    }

    /// <summary>
    /// Situation: a street grid of <paramref name="columns"/> × <paramref name="rows"/> crossings 100 m apart, crossing (c, r)
    /// at (100c, 100r); one 町丁 of <paramref name="people"/> people in each quarter (so people are spread unevenly:
    /// 1000, 400, 250, 100), an existing hub at the crossing (0, 0), every crossing a candidate.
    /// </summary>
    public static (NetworkSitingInstance Network, WalkingGraph Graph, PopulationPlacement Placement, List<CandidateSite> Candidates) Grid(
        double budgetMetres, int columns = 5, int rows = 5)
    {
        var graph = GridNetwork.Create(columns, rows, 100);
        var snapper = new NetworkSnapper(graph);
        var factory = new GeometryFactory();
        double w = (columns - 1) * 100, h = (rows - 1) * 100;
        var boundary = factory.ToGeometry(new Envelope(-50, w + 50, -50, h + 50));
        PopulationUnitInput Unit(string code, int population, double x, double y) => new(code, code, population, new Coordinate(x, y));
        var units = new[]
        {
            Unit("SW", 1000, w / 4, h / 4), Unit("SE", 400, 3 * w / 4, h / 4), Unit("NW", 250, w / 4, 3 * h / 4), Unit("NE", 100, 3 * w / 4, 3 * h / 4),
        };
        var placement = PopulationPlacer.Place(snapper, units, PopulationCells.Build(units, boundary, factory));
        var candidates = CandidateSites.SampleNodes(graph, 50);
        var coverageGraph = CoverageGraph.WithPlaneLengthFloor(graph);
        var network = NetworkSitingBuilder.Build(coverageGraph, placement, [snapper.Snap(0, 0)],
            candidates.Select(c => snapper.Snap(c.Point)).ToList(), budgetMetres);
        return (network, graph, placement, candidates);
    }
}
