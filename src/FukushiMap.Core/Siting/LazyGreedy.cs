using System.Diagnostics;

namespace FukushiMap.Core.Siting;

/// <summary>
/// Lazy greedy (CELF, Leskovec et al. 2007) for the uncapacitated models: repeatedly adds the candidate with the
/// largest marginal gain, re-evaluating a candidate only when its stale gain (an upper bound, by submodularity) is
/// at the top of the queue. For MCLP the result covers at least (1 − 1/e) of the optimum (Nemhauser, Wolsey and
/// Fisher 1978). The answer carries an a-posteriori bound: the objective plus the K largest marginal gains over the
/// chosen set (or over the existing facilities alone), whichever is tighter.
/// </summary>
public static class LazyGreedy
{
    /// <summary>Solves <paramref name="request"/> greedily (capacity is not supported: use the exact solver).</summary>
    public static SitingSolution Solve(SitingInstance instance, SitingRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate(instance);
        if (request.Capacity is not null) throw new NotSupportedException("The greedy solver takes no capacity; use the exact solver.");
        var clock = Stopwatch.StartNew();
        var state = new GreedyState(instance, request);
        int limit = request.Model == SitingModel.Lscp ? instance.CandidateCount : request.AddCount;
        double initialBoundSlack = state.TopGainsSum(request.AddCount, cancellationToken);
        double initialValue = state.Value;

        // Max-heap of (stale gain, facility); a candidate's entry is fresh when evaluated after the last pick.
        var queue = new PriorityQueue<int, (double Gain, int Facility)>(
            Comparer<(double Gain, int Facility)>.Create((a, b) => a.Gain != b.Gain ? b.Gain.CompareTo(a.Gain) : a.Facility.CompareTo(b.Facility)));
        var freshAt = new int[instance.FacilityCount];
        for (int f = instance.ExistingCount; f < instance.FacilityCount; f++)
        {
            double gain = state.Gain(f);
            freshAt[f] = 0;
            queue.Enqueue(f, (gain, f));
        }

        var picks = new List<SitePick>();
        bool reached = request.Model != SitingModel.Lscp || state.TargetReached;
        while (picks.Count < limit && queue.Count > 0 && !(request.Model == SitingModel.Lscp && reached))
        {
            cancellationToken.ThrowIfCancellationRequested();
            queue.TryPeek(out int top, out var key);
            if (freshAt[top] == picks.Count)
            {
                queue.Dequeue();
                if (request.Model == SitingModel.Lscp && key.Gain <= 0) break; // nothing left adds coverage
                state.Open(top);
                picks.Add(new SitePick(top, key.Gain));
                reached = request.Model != SitingModel.Lscp || state.TargetReached;
                continue;
            }
            queue.Dequeue();
            freshAt[top] = picks.Count;
            queue.Enqueue(top, (state.Gain(top), top));
        }

        double? bound = null;
        var status = SitingStatus.Heuristic;
        switch (request.Model)
        {
            case SitingModel.Mclp:
                bound = Math.Min(initialValue + initialBoundSlack, state.Value + state.TopGainsSum(request.AddCount, cancellationToken));
                bound = Math.Min(bound.Value, instance.TotalWeight);
                break;
            case SitingModel.PMedian:
                bound = Math.Max(initialValue - initialBoundSlack, state.Value - state.TopGainsSum(request.AddCount, cancellationToken));
                bound = Math.Max(bound.Value, 0);
                break;
            case SitingModel.Lscp:
                if (!reached) status = SitingStatus.Infeasible;
                break;
        }
        double objective = request.Model == SitingModel.Lscp ? picks.Count : state.Value;
        if (bound is { } b && SitingSolution.RelativeGap(objective, b) < 1e-9) status = SitingStatus.Optimal;
        return new SitingSolution
        {
            Model = request.Model,
            Solver = "greedy",
            Sites = picks,
            Objective = objective,
            Bound = bound,
            Status = status,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Incremental objective state shared by the greedy and the interchange.</summary>
    private sealed class GreedyState
    {
        private readonly SitingInstance _instance;
        private readonly SitingRequest _request;
        private readonly bool _coverage;
        private readonly bool[] _covered;
        private readonly double[] _cost;
        private readonly bool[] _open;
        private readonly double _target;

        public GreedyState(SitingInstance instance, SitingRequest request)
        {
            _instance = instance;
            _request = request;
            _coverage = request.Model != SitingModel.PMedian;
            _covered = new bool[instance.DemandCount];
            _cost = new double[instance.DemandCount];
            _open = new bool[instance.FacilityCount];
            Array.Fill(_cost, instance.UnservedCost);
            Value = _coverage ? 0 : instance.UnservedCost * instance.TotalWeight;
            _target = request.TargetShare * instance.TotalWeight;
            for (int f = 0; f < instance.ExistingCount; f++) Open(f);
        }

        /// <summary>Covered weight (coverage models) or total cost (p-median).</summary>
        public double Value { get; private set; }

        public bool TargetReached => Value >= _target * (1 - 1e-12);

        public double Gain(int facility)
        {
            if (_open[facility]) return 0;
            var demands = _instance.DemandsOf(facility);
            var costs = _instance.DemandCostsOf(facility);
            var w = _instance.Weights;
            double gain = 0;
            if (_coverage)
            {
                double limit = _request.CoverCost;
                for (int k = 0; k < demands.Length && costs[k] <= limit; k++)
                {
                    int d = demands[k];
                    if (!_covered[d]) gain += w[d];
                }
            }
            else
            {
                for (int k = 0; k < demands.Length; k++)
                {
                    int d = demands[k];
                    double saving = _cost[d] - costs[k];
                    if (saving > 0) gain += w[d] * saving;
                }
            }
            return gain;
        }

        public void Open(int facility)
        {
            _open[facility] = true;
            var demands = _instance.DemandsOf(facility);
            var costs = _instance.DemandCostsOf(facility);
            var w = _instance.Weights;
            for (int k = 0; k < demands.Length; k++)
            {
                int d = demands[k];
                if (_coverage)
                {
                    if (costs[k] > _request.CoverCost) break;
                    if (!_covered[d]) { _covered[d] = true; Value += w[d]; }
                }
                else if (costs[k] < _cost[d])
                {
                    Value -= w[d] * (_cost[d] - costs[k]);
                    _cost[d] = costs[k];
                }
            }
        }

        /// <summary>Σ of the <paramref name="k"/> largest marginal gains of the closed candidates.</summary>
        public double TopGainsSum(int k, CancellationToken cancellationToken)
        {
            if (k <= 0) return 0;
            var top = new PriorityQueue<double, double>(k + 1);
            for (int f = _instance.ExistingCount; f < _instance.FacilityCount; f++)
            {
                if ((f & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                double g = Gain(f);
                if (top.Count < k) top.Enqueue(g, g);
                else if (g > top.Peek()) top.EnqueueDequeue(g, g);
            }
            double sum = 0;
            while (top.Count > 0) sum += top.Dequeue();
            return sum;
        }
    }
}
