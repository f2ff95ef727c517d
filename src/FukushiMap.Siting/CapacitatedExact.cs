using System.Diagnostics;
using FukushiMap.Core.Siting;
using Google.OrTools.LinearSolver;

namespace FukushiMap.Siting;

/// <summary>
/// Capacitated variants (each open facility, existing or new, serves at most <see cref="SitingRequest.Capacity"/>
/// weight), as an assignment MIP: x_ij ∈ [0, 1] is the share of demand point i served by facility j, Σ_j x_ij ≤ 1,
/// Σ_i w_i x_ij ≤ capacity × y_j, x_ij ≤ y_j. MCLP maximises the covered (assigned within the cover cost) weight;
/// LSCP minimises the added sites reaching the target share; p-median minimises Σ w_i d_ij x_ij plus the unserved
/// cost of what is left. Demand points with the same pairs are merged first (shares are continuous). Meant for
/// moderate instances: the model has one variable per demand–facility pair.
/// </summary>
internal static class CapacitatedExact
{
    /// <summary>Most demand–facility shares the model may have (beyond, SCIP cannot even solve the root in a minute).</summary>
    public const long MaxAssignments = 60_000;

    public static SitingSolution Solve(SitingInstance instance, SitingRequest request, ExactOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var uncapacitated = request with { Capacity = null };
        var hintSites = request.Model == SitingModel.Lscp
            ? [] // greedy LSCP without capacity undercounts the sites needed; let SCIP search
            : VertexInterchange.Improve(instance, uncapacitated, LazyGreedy.Solve(instance, uncapacitated, cancellationToken).Facilities.ToArray(),
                cancellationToken: cancellationToken);
        var (result, sites) = Run(instance, request, fixedAdded: null, hintSites, options.TimeLimit - clock.Elapsed, options, cancellationToken);
        if (!result.Solved)
        {
            return new SitingSolution
            {
                Model = request.Model, Solver = "exact", Sites = [], Objective = double.NaN, Bound = null,
                Status = SitingStatus.Infeasible, Elapsed = clock.Elapsed,
            };
        }
        var chosen = sites.Where((f, p) => result.Values[p] > 0.5).ToArray();
        double objective = request.Model == SitingModel.Lscp ? chosen.Length : result.Objective;
        double bound = request.Model == SitingModel.Lscp ? Math.Ceiling(result.Bound - 1e-6) : result.Bound;
        bound = request.Model == SitingModel.Mclp ? Math.Max(bound, objective) : Math.Min(bound, objective);
        return options.Solution(request.Model, SitingEvaluation.Rank(instance, uncapacitated, chosen), objective, bound, clock.Elapsed);
    }

    /// <summary>
    /// What the existing facilities plus <paramref name="added"/> achieve under the capacity: covered weight (MCLP,
    /// LSCP) or total cost (p-median), with the best assignment (a linear program).
    /// </summary>
    public static double Evaluate(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added, CancellationToken cancellationToken)
    {
        var (result, _) = Run(instance, request with { Model = request.Model == SitingModel.Lscp ? SitingModel.Mclp : request.Model, AddCount = added.Count },
            added, [], TimeSpan.FromMinutes(5), new ExactOptions(), cancellationToken);
        return result.Objective;
    }

    private static (MipResult Result, List<int> Sites) Run(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int>? fixedAdded,
        IReadOnlyCollection<int> hintSites, TimeSpan timeLimit, ExactOptions options, CancellationToken cancellationToken)
    {
        bool pmedian = request.Model == SitingModel.PMedian;
        bool lscp = request.Model == SitingModel.Lscp;
        double capacity = request.Capacity!.Value;
        double limit = pmedian ? double.PositiveInfinity : request.CoverCost;
        using var model = new MipModel(maximize: request.Model == SitingModel.Mclp);

        var isFixed = new bool[instance.FacilityCount];
        if (fixedAdded is not null) foreach (int f in fixedAdded) isFixed[f] = true;
        var position = new int[instance.FacilityCount];
        Array.Fill(position, -1);
        var sites = new List<int>();
        if (fixedAdded is null)
        {
            for (int f = instance.ExistingCount; f < instance.FacilityCount; f++)
            {
                position[f] = model.AddSite(lscp ? 1 : 0);
                sites.Add(f);
            }
            if (!lscp)
            {
                var count = model.AddRow(pmedian ? request.AddCount : double.NegativeInfinity, request.AddCount);
                for (int p = 0; p < sites.Count; p++) count.SetCoefficient(model.Site(p), 1);
            }
        }
        bool Open(int f) => instance.IsExisting(f) || isFixed[f] || position[f] >= 0;

        // Merge demand points with identical pairs (within the limit).
        var groups = new Dictionary<string, int>();
        var groupWeights = new List<double>();
        var groupDemand = new List<int>();
        for (int d = 0; d < instance.DemandCount; d++)
        {
            if (instance.Weight(d) == 0) continue;
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            var key = new System.Text.StringBuilder();
            for (int k = 0; k < facilities.Length && costs[k] <= limit; k++)
            {
                if (!Open(facilities[k])) continue;
                key.Append(facilities[k]).Append(':');
                if (pmedian) key.Append(costs[k].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                key.Append(';');
            }
            string s = key.ToString();
            if (groups.TryGetValue(s, out int g)) { groupWeights[g] += instance.Weight(d); continue; }
            groups[s] = groupWeights.Count;
            groupWeights.Add(instance.Weight(d));
            groupDemand.Add(d);
        }

        var capacityRows = new Constraint?[instance.FacilityCount];
        Constraint CapacityRow(int f)
        {
            if (capacityRows[f] is { } row) return row;
            // Σ w x − capacity × y ≤ 0 for candidates; Σ w x ≤ capacity for facilities known to be open.
            row = position[f] >= 0 ? model.AddRow(double.NegativeInfinity, 0) : model.AddRow(double.NegativeInfinity, capacity);
            if (position[f] >= 0) row.SetCoefficient(model.Site(position[f]), -capacity);
            return capacityRows[f] = row;
        }
        long assignments = 0;
        for (int g = 0; g < groupWeights.Count; g++)
        {
            var facilities = instance.FacilitiesOf(groupDemand[g]);
            var costs = instance.CostsOf(groupDemand[g]);
            for (int k = 0; k < facilities.Length && costs[k] <= limit; k++) if (Open(facilities[k])) assignments++;
        }
        if (assignments > MaxAssignments) throw new SitingTooLargeException(assignments, MaxAssignments);

        var coverRow = lscp ? model.AddRow(request.TargetShare * instance.TotalWeight, double.PositiveInfinity) : null;
        for (int g = 0; g < groupWeights.Count; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int d = groupDemand[g];
            double w = groupWeights[g];
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            var assign = model.AddRow(pmedian ? 1 : double.NegativeInfinity, 1);
            if (pmedian)
            {
                var unserved = model.AddContinuous(0, 1, w * instance.UnservedCost);
                assign.SetCoefficient(unserved, 1);
            }
            for (int k = 0; k < facilities.Length && costs[k] <= limit; k++)
            {
                int f = facilities[k];
                if (!Open(f)) continue;
                if (pmedian && costs[k] >= instance.UnservedCost) break;
                var x = model.AddContinuous(0, 1, pmedian ? w * costs[k] : lscp ? 0 : w);
                assign.SetCoefficient(x, 1);
                CapacityRow(f).SetCoefficient(x, w);
                coverRow?.SetCoefficient(x, w);
                if (position[f] >= 0)
                {
                    var link = model.AddRow(double.NegativeInfinity, 0);
                    link.SetCoefficient(x, 1);
                    link.SetCoefficient(model.Site(position[f]), -1);
                }
            }
        }
        double[]? hint = null;
        if (fixedAdded is null && hintSites.Count > 0)
        {
            hint = new double[sites.Count];
            foreach (int f in hintSites) hint[position[f]] = 1;
        }
        if (timeLimit <= TimeSpan.Zero) timeLimit = TimeSpan.FromMilliseconds(1);
        // The hint gives the sites only: let SCIP complete the shares.
        return (model.Solve(hint, timeLimit, options.RelativeGap, options.Verbose, cancellationToken,
            "heuristics/completesol/maxunknownrate = 1"), sites);
    }
}

/// <summary>The capacitated model would be too large to solve: ask with fewer candidates.</summary>
/// <param name="assignments">Demand–facility shares the model would have.</param>
/// <param name="limit">The most allowed.</param>
public sealed class SitingTooLargeException(long assignments, long limit)
    : Exception($"The capacitated model would have {assignments} assignment variables (at most {limit}).")
{
    /// <summary>Demand–facility shares the model would have.</summary>
    public long Assignments { get; } = assignments;

    /// <summary>The most allowed.</summary>
    public long Limit { get; } = limit;
}
