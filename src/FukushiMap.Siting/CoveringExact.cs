using System.Diagnostics;
using FukushiMap.Core.Siting;

namespace FukushiMap.Siting;

/// <summary>
/// Exact MCLP (Church and ReVelle 1974) and partial LSCP (Toregas et al. 1971, with a target share) with existing
/// facilities kept. Demand points the existing facilities already cover drop out; the rest are merged by their set of
/// covering candidates (points covered by the same candidates behave as one), so the model is
/// max Σ W_g c_g (MCLP) or min Σ y_j (LSCP) with c_g ≤ Σ_{j covers g} y_j, 0 ≤ c_g ≤ 1, y binary. The greedy answer
/// improved by interchange is the hint.
/// </summary>
internal static class CoveringExact
{
    public static SitingSolution Solve(SitingInstance instance, SitingRequest request, ExactOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        bool lscp = request.Model == SitingModel.Lscp;
        var heuristic = LazyGreedy.Solve(instance, request, cancellationToken);
        int[] best = heuristic.Facilities.ToArray();
        if (!lscp && best.Length > 0)
            best = VertexInterchange.Improve(instance, request, best, cancellationToken: cancellationToken);

        var groups = CoverGroups.Build(instance, request.CoverCost, cancellationToken);
        options.Log?.Invoke($"heuristic {Objective(instance, request, best):0.###}; {groups.Count:N0} demand groups over {groups.UsedCandidates.Length:N0} candidates, {clock.Elapsed.TotalSeconds:F2} s");
        double baseCovered = groups.CoveredByExisting;
        double need = request.TargetShare * instance.TotalWeight - baseCovered;

        if (lscp && need <= 1e-9 * Math.Max(1, instance.TotalWeight))
            return Result(instance, request, [], 0, SitingStatus.Optimal, clock);
        if (lscp && groups.Weights.Sum() < need * (1 - 1e-12))
            return Result(instance, request, heuristic.Facilities.ToArray(), null, SitingStatus.Infeasible, clock);

        if (!lscp) return MaximalCovering(instance, request, groups, best, options, clock, cancellationToken);

        // k sites never cover more than the k largest single-site coverages together, so the smallest k whose largest coverages
        // reach the need is a lower bound; when the heuristic meets it, it is optimal without a MIP (whose root LP alone can take
        // a minute on a city with thousands of candidates).
        int countBound = CountingBound(groups, instance.FacilityCount, need);
        if (best.Length <= countBound
            && SitingEvaluation.Evaluate(instance, best, request.CoverCost).CoveredWeight >= (need + baseCovered) * (1 - 1e-12))
        {
            options.Log?.Invoke($"the heuristic's {best.Length} sites meet the counting bound {countBound}: optimal");
            return Result(instance, request, best, countBound, SitingStatus.Optimal, clock);
        }

        using var model = new MipModel(maximize: !lscp);
        var position = new int[instance.FacilityCount];
        Array.Fill(position, -1);
        var sites = new List<int>();
        foreach (int f in groups.UsedCandidates)
        {
            position[f] = model.AddSite(lscp ? 1 : 0);
            sites.Add(f);
        }
        if (!lscp)
        {
            var count = model.AddRow(double.NegativeInfinity, request.AddCount);
            foreach (int p in Enumerable.Range(0, sites.Count)) count.SetCoefficient(model.Site(p), 1);
            model.AddConstant(baseCovered);
        }
        var coverRow = lscp ? model.AddRow(need, double.PositiveInfinity) : null;
        for (int g = 0; g < groups.Count; g++)
        {
            var c = model.AddContinuous(0, 1, lscp ? 0 : groups.Weights[g]);
            coverRow?.SetCoefficient(c, groups.Weights[g]);
            var row = model.AddRow(0, double.PositiveInfinity);
            row.SetCoefficient(c, -1);
            foreach (int f in groups.Candidates(g)) row.SetCoefficient(model.Site(position[f]), 1);
        }

        double[]? hint = null;
        if (best.All(f => position[f] >= 0 || !groups.IsUsed(f)))
        {
            hint = new double[sites.Count];
            foreach (int f in best) if (position[f] >= 0) hint[position[f]] = 1;
        }
        var remaining = options.TimeLimit - clock.Elapsed;
        if (remaining <= TimeSpan.Zero) remaining = TimeSpan.FromMilliseconds(1);
        var result = model.Solve(hint, remaining, options.RelativeGap, options.Verbose, cancellationToken);
        options.Log?.Invoke($"MIP: objective {result.Objective:0.###}, bound {result.Bound:0.###}, {clock.Elapsed.TotalSeconds:F2} s");

        double bestObjective = Objective(instance, request, best);
        if (result.Solved)
        {
            var chosen = sites.Where((f, p) => result.Values[p] > 0.5).ToArray();
            double objective = Objective(instance, request, chosen);
            bool feasible = !lscp || SitingEvaluation.Evaluate(instance, chosen, request.CoverCost).CoveredWeight >= (need + baseCovered) * (1 - 1e-12);
            if (feasible && (lscp ? objective < bestObjective : objective > bestObjective + 1e-9 * Math.Max(1, bestObjective)))
            {
                best = chosen;
                bestObjective = objective;
            }
        }
        double bound = result.Bound;
        if (lscp) bound = Math.Max(Math.Ceiling(bound - 1e-6), countBound);
        bound = lscp ? Math.Min(bound, bestObjective) : Math.Max(Math.Min(bound, instance.TotalWeight), bestObjective);
        var status = options.StatusOf(bestObjective, bound);
        return Result(instance, request, best, bound, status, clock);
    }

    /// <summary>
    /// MCLP as a p-median on the demand groups with costs 0 (covered by the candidate) and 1 (not covered): minimising the
    /// uncovered weight is maximising the covered weight, and the p-median's Lagrangian bound, reduction tests, probing and
    /// cutting planes (<see cref="PMedianExact"/>) apply as they are — the Lagrangian relaxation of MCLP of
    /// Galvão and ReVelle (1996). The reduced MIP's rows θ_g ≥ 1 − Σ_{j covers g} y_j are the MCLP rows themselves.
    /// </summary>
    private static SitingSolution MaximalCovering(SitingInstance instance, SitingRequest request, CoverGroups groups, int[] heuristic,
        ExactOptions options, Stopwatch clock, CancellationToken cancellationToken)
    {
        var used = groups.UsedCandidates;
        if (request.AddCount >= used.Length)
        {
            // Every candidate that covers anyone fits: nothing to choose.
            var all = used.Concat(heuristic.Except(used)).Take(Math.Max(request.AddCount, used.Length)).ToArray();
            return Result(instance, request, all, instance.TotalWeight >= 0 ? Objective(instance, request, all) : 0, SitingStatus.Optimal, clock);
        }
        var position = new Dictionary<int, int>(used.Length);
        for (int p = 0; p < used.Length; p++) position[used[p]] = p;
        var builder = new SitingInstanceBuilder(0, used.Length, double.PositiveInfinity, unservedCost: 1);
        for (int g = 0; g < groups.Count; g++)
        {
            int d = builder.AddDemand(groups.Weights[g]);
            foreach (int f in groups.Candidates(g)) builder.AddPair(d, position[f], 0);
        }
        var uncovered = builder.Build();
        var pmedian = new SitingRequest { Model = SitingModel.PMedian, AddCount = request.AddCount };
        var remaining = options.TimeLimit - clock.Elapsed;
        var solution = PMedianExact.Solve(uncovered, pmedian, options with { TimeLimit = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1) },
            cancellationToken, heuristic.Where(position.ContainsKey).Select(f => position[f]).ToArray());
        var chosen = solution.Facilities.Select(p => used[p]).ToArray();
        double covered = Objective(instance, request, chosen);
        double heuristicCovered = Objective(instance, request, heuristic);
        if (heuristicCovered > covered) (chosen, covered) = (heuristic, heuristicCovered);
        double total = groups.CoveredByExisting + groups.Weights.Sum();
        double bound = Math.Max(covered, Math.Min(instance.TotalWeight, total - (solution.Bound ?? 0)));
        var status = options.StatusOf(covered, bound);
        return Result(instance, request, chosen, bound, status, clock);
    }

    /// <summary>The fewest sites whose single-site coverages (weight of the groups each covers) add up to <paramref name="need"/>.</summary>
    internal static int CountingBound(CoverGroups groups, int facilityCount, double need)
    {
        var alone = new double[facilityCount];
        for (int g = 0; g < groups.Count; g++)
            foreach (int f in groups.Candidates(g)) alone[f] += groups.Weights[g];
        Array.Sort(alone, (a, b) => b.CompareTo(a));
        double sum = 0;
        for (int k = 0; k < alone.Length; k++)
        {
            if (sum >= need * (1 - 1e-12)) return k;
            sum += alone[k];
        }
        return sum >= need * (1 - 1e-12) ? alone.Length : alone.Length + 1;
    }

    private static double Objective(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added) =>
        request.Model == SitingModel.Lscp ? added.Count : SitingEvaluation.Evaluate(instance, added, request.CoverCost).CoveredWeight;

    private static SitingSolution Result(SitingInstance instance, SitingRequest request, int[] added, double? bound, SitingStatus status, Stopwatch clock) =>
        new()
        {
            Model = request.Model,
            Solver = "exact",
            Sites = SitingEvaluation.Rank(instance, request, added),
            Objective = Objective(instance, request, added),
            Bound = bound,
            Status = status,
            Elapsed = clock.Elapsed,
        };
}

/// <summary>
/// Demand points not covered by the existing facilities, grouped by the set of candidates that cover them.
/// </summary>
internal sealed class CoverGroups
{
    private readonly int[] _first;
    private readonly int[] _candidates;
    private readonly bool[] _used;

    private CoverGroups(double coveredByExisting, double[] weights, int[] first, int[] candidates, bool[] used, int[] usedList)
    {
        CoveredByExisting = coveredByExisting;
        Weights = weights;
        _first = first;
        _candidates = candidates;
        _used = used;
        UsedCandidates = usedList;
    }

    public double CoveredByExisting { get; }

    public double[] Weights { get; }

    public int Count => Weights.Length;

    /// <summary>Candidates covering at least one group, ascending.</summary>
    public int[] UsedCandidates { get; }

    public bool IsUsed(int facility) => _used[facility];

    public ReadOnlySpan<int> Candidates(int group) => _candidates.AsSpan(_first[group], _first[group + 1] - _first[group]);

    public static CoverGroups Build(SitingInstance instance, double coverCost, CancellationToken cancellationToken)
    {
        double coveredByExisting = 0;
        var index = new Dictionary<CandidateSet, int>();
        var weights = new List<double>();
        var sets = new List<int[]>();
        var used = new bool[instance.FacilityCount];
        var buffer = new List<int>();
        for (int d = 0; d < instance.DemandCount; d++)
        {
            if ((d & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            double w = instance.Weight(d);
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            buffer.Clear();
            bool covered = false;
            for (int k = 0; k < facilities.Length && costs[k] <= coverCost; k++)
            {
                if (instance.IsExisting(facilities[k])) { covered = true; break; }
                buffer.Add(facilities[k]);
            }
            if (covered) { coveredByExisting += w; continue; }
            if (buffer.Count == 0 || w == 0) continue;
            buffer.Sort();
            var key = new CandidateSet([.. buffer]);
            if (index.TryGetValue(key, out int g)) { weights[g] += w; continue; }
            index[key] = weights.Count;
            weights.Add(w);
            sets.Add(key.Items);
            foreach (int f in key.Items) used[f] = true;
        }
        var first = new int[sets.Count + 1];
        for (int g = 0; g < sets.Count; g++) first[g + 1] = first[g] + sets[g].Length;
        var all = new int[first[^1]];
        for (int g = 0; g < sets.Count; g++) sets[g].CopyTo(all, first[g]);
        var usedList = Enumerable.Range(0, used.Length).Where(f => used[f]).ToArray();
        return new CoverGroups(coveredByExisting, [.. weights], first, all, used, usedList);
    }

    private readonly struct CandidateSet(int[] items) : IEquatable<CandidateSet>
    {
        public int[] Items { get; } = items;

        public bool Equals(CandidateSet other) => Items.AsSpan().SequenceEqual(other.Items);

        public override bool Equals(object? obj) => obj is CandidateSet s && Equals(s);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (int i in Items) h.Add(i);
            return h.ToHashCode();
        }
    }
}
