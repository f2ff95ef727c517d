namespace FukushiMap.Core.Siting;

/// <summary>
/// What a set of open facilities (the existing ones plus added sites) achieves on a <see cref="SitingInstance"/>,
/// uncapacitated: each demand point goes to its nearest open facility.
/// </summary>
public sealed class SitingEvaluation
{
    private readonly int[] _nearest;
    private readonly double[] _cost;

    private SitingEvaluation(SitingInstance instance, double coverCost, int[] nearest, double[] cost)
    {
        Instance = instance;
        CoverCost = coverCost;
        _nearest = nearest;
        _cost = cost;
        for (int d = 0; d < nearest.Length; d++)
        {
            double w = instance.Weights[d];
            TotalCost += w * cost[d];
            if (nearest[d] >= 0 && cost[d] <= coverCost)
            {
                CoveredWeight += w;
                CoveredPeople += instance.People[d];
                CoveredOlder += instance.Older[d];
            }
            if (nearest[d] >= 0)
            {
                ServedPeople += instance.People[d];
                ServedCost += instance.People[d] * cost[d];
            }
        }
    }

    /// <summary>Evaluates the existing facilities plus <paramref name="added"/>.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="added">Added candidate facilities.</param>
    /// <param name="coverCost">A demand point is covered when its nearest open facility is within this cost.</param>
    public static SitingEvaluation Evaluate(SitingInstance instance, IEnumerable<int> added, double coverCost)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var open = new bool[instance.FacilityCount];
        for (int f = 0; f < instance.ExistingCount; f++) open[f] = true;
        foreach (int f in added ?? []) open[f] = true;
        var nearest = new int[instance.DemandCount];
        var cost = new double[instance.DemandCount];
        for (int d = 0; d < instance.DemandCount; d++)
        {
            nearest[d] = -1;
            cost[d] = instance.UnservedCost;
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            for (int k = 0; k < facilities.Length; k++)
            {
                if (!open[facilities[k]]) continue;
                if (costs[k] < cost[d]) { nearest[d] = facilities[k]; cost[d] = costs[k]; }
                break;
            }
        }
        return new SitingEvaluation(instance, coverCost, nearest, cost);
    }

    /// <summary>The instance evaluated.</summary>
    public SitingInstance Instance { get; }

    /// <summary>The cover cost used.</summary>
    public double CoverCost { get; }

    /// <summary>Σ weight × cost to the nearest open facility (unserved points at <see cref="SitingInstance.UnservedCost"/>).</summary>
    public double TotalCost { get; }

    /// <summary>Weight of the covered demand points.</summary>
    public double CoveredWeight { get; }

    /// <summary>People at covered demand points.</summary>
    public double CoveredPeople { get; }

    /// <summary>People aged 65+ at covered demand points.</summary>
    public double CoveredOlder { get; }

    /// <summary>People with some open facility within the instance's search bound.</summary>
    public double ServedPeople { get; }

    /// <summary>Σ people × cost over the served people (divide by <see cref="ServedPeople"/> for the mean).</summary>
    public double ServedCost { get; }

    /// <summary>Nearest open facility of <paramref name="demand"/>, or -1 when none is within the bound.</summary>
    public int Nearest(int demand) => _nearest[demand];

    /// <summary>Cost from <paramref name="demand"/> to its nearest open facility (the unserved cost when none).</summary>
    public double Cost(int demand) => _cost[demand];

    /// <summary>True when <paramref name="demand"/> is covered.</summary>
    public bool IsCovered(int demand) => _nearest[demand] >= 0 && _cost[demand] <= CoverCost;

    /// <summary>
    /// Ranks added sites the way the greedy would add them among themselves: at each step the site with the largest
    /// marginal gain (covered weight for MCLP/LSCP, cost saved for p-median) given the existing facilities and the sites
    /// ranked before it.
    /// </summary>
    public static IReadOnlyList<SitePick> Rank(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        bool coverage = request.Model != SitingModel.PMedian;
        var cost = new double[instance.DemandCount];
        Array.Fill(cost, instance.UnservedCost);
        var covered = new bool[instance.DemandCount];
        void Open(int f)
        {
            var demands = instance.DemandsOf(f);
            var costs = instance.DemandCostsOf(f);
            for (int k = 0; k < demands.Length; k++)
            {
                if (costs[k] < cost[demands[k]]) cost[demands[k]] = costs[k];
                if (costs[k] <= request.CoverCost) covered[demands[k]] = true;
            }
        }
        double Gain(int f)
        {
            var demands = instance.DemandsOf(f);
            var costs = instance.DemandCostsOf(f);
            double gain = 0;
            for (int k = 0; k < demands.Length; k++)
            {
                int d = demands[k];
                if (coverage)
                {
                    if (costs[k] > request.CoverCost) break;
                    if (!covered[d]) gain += instance.Weights[d];
                }
                else if (costs[k] < cost[d])
                {
                    gain += instance.Weights[d] * (cost[d] - costs[k]);
                }
            }
            return gain;
        }
        for (int f = 0; f < instance.ExistingCount; f++) Open(f);
        var left = added.Distinct().OrderBy(f => f).ToList();
        var ranked = new List<SitePick>(left.Count);
        while (left.Count > 0)
        {
            int best = -1;
            double bestGain = double.NegativeInfinity;
            foreach (int f in left)
            {
                double g = Gain(f);
                if (g > bestGain) { bestGain = g; best = f; }
            }
            left.Remove(best);
            Open(best);
            ranked.Add(new SitePick(best, bestGain));
        }
        return ranked;
    }
}
