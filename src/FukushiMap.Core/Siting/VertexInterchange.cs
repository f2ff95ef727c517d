namespace FukushiMap.Core.Siting;

/// <summary>
/// Vertex interchange (Teitz and Bart 1968) for the uncapacitated models: swaps one added site for one closed
/// candidate while that improves the objective, taking the best swap each pass. Swap values come from the fast
/// evaluation of Whitaker (1983) / Resende and Werneck (2003): each demand point's nearest and second-nearest open
/// facility, so one pass costs O(pairs + candidates × added sites). Existing facilities are never swapped out.
/// MCLP and LSCP are treated as a p-median on costs 0 (within the cover cost) and 1 (not covered).
/// </summary>
public static class VertexInterchange
{
    /// <summary>Improves <paramref name="added"/> (candidate facilities) by swaps; returns the improved set.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="request">The model (capacity is ignored).</param>
    /// <param name="added">The added candidate facilities to start from.</param>
    /// <param name="maxPasses">Stops after this many swaps.</param>
    /// <param name="cancellationToken">Checked every pass.</param>
    public static int[] Improve(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added,
        int maxPasses = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        var search = new Search(instance, request, added);
        for (int pass = 0; pass < maxPasses; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!search.BestSwap(out int add, out int remove)) break;
            search.Swap(add, remove);
        }
        return search.Added();
    }

    private sealed class Search
    {
        private readonly SitingInstance _instance;
        private readonly bool _coverage;
        private readonly double _limit;
        private readonly double _unserved;
        private readonly bool[] _open;
        private readonly int[] _slot;          // facility → index in _added, or -1
        private readonly List<int> _added;
        private readonly double[] _d1;
        private readonly int[] _f1;
        private readonly double[] _d2;

        public Search(SitingInstance instance, SitingRequest request, IReadOnlyCollection<int> added)
        {
            _instance = instance;
            _coverage = request.Model != SitingModel.PMedian;
            _limit = _coverage ? request.CoverCost : double.PositiveInfinity;
            _unserved = _coverage ? 1 : instance.UnservedCost;
            _open = new bool[instance.FacilityCount];
            _slot = new int[instance.FacilityCount];
            Array.Fill(_slot, -1);
            for (int f = 0; f < instance.ExistingCount; f++) _open[f] = true;
            _added = [];
            foreach (int f in added)
            {
                if (f < instance.ExistingCount || f >= instance.FacilityCount) throw new ArgumentException($"Facility {f} is not a candidate.", nameof(added));
                if (_open[f]) continue;
                _open[f] = true;
                _slot[f] = _added.Count;
                _added.Add(f);
            }
            _d1 = new double[instance.DemandCount];
            _f1 = new int[instance.DemandCount];
            _d2 = new double[instance.DemandCount];
            for (int d = 0; d < instance.DemandCount; d++) Refresh(d);
        }

        public int[] Added() => [.. _added];

        private double Cost(float raw) => _coverage ? 0 : raw;

        private void Refresh(int d)
        {
            var facilities = _instance.FacilitiesOf(d);
            var costs = _instance.CostsOf(d);
            _d1[d] = _unserved; _f1[d] = -1; _d2[d] = _unserved;
            bool first = true;
            for (int k = 0; k < facilities.Length && costs[k] <= _limit; k++)
            {
                if (!_open[facilities[k]]) continue;
                double c = Cost(costs[k]);
                if (first) { _d1[d] = c; _f1[d] = facilities[k]; first = false; }
                else { _d2[d] = c; break; }
            }
        }

        public bool BestSwap(out int bestAdd, out int bestRemove)
        {
            bestAdd = -1; bestRemove = -1;
            int p = _added.Count;
            if (p == 0) return false;
            var w = _instance.Weights;
            // loss[r]: cost of closing added site r with nothing new opened.
            var loss = new double[p];
            for (int d = 0; d < _instance.DemandCount; d++)
            {
                int f = _f1[d];
                if (f >= 0 && _slot[f] >= 0) loss[_slot[f]] += w[d] * (_d2[d] - _d1[d]);
            }
            var extra = new double[p];
            double best = -1e-9 * Math.Max(1, Math.Abs(Total()));
            for (int u = _instance.ExistingCount; u < _instance.FacilityCount; u++)
            {
                if (_open[u]) continue;
                var demands = _instance.DemandsOf(u);
                var costs = _instance.DemandCostsOf(u);
                double gain = 0;
                Array.Clear(extra);
                bool touches = false;
                for (int k = 0; k < demands.Length && costs[k] <= _limit; k++)
                {
                    int d = demands[k];
                    double c = Cost(costs[k]);
                    double g1 = _d1[d] - c;
                    if (g1 > 0) gain += w[d] * g1;
                    int f = _f1[d];
                    if (f >= 0 && _slot[f] >= 0)
                    {
                        double g2 = _d2[d] - c;
                        double adjust = (g1 > 0 ? g1 : 0) - (g2 > 0 ? g2 : 0);
                        if (adjust != 0) { extra[_slot[f]] += w[d] * adjust; touches = true; }
                    }
                }
                if (gain <= 0 && !touches) continue;
                for (int r = 0; r < p; r++)
                {
                    double delta = loss[r] - gain + extra[r];
                    if (delta < best) { best = delta; bestAdd = u; bestRemove = _added[r]; }
                }
            }
            return bestAdd >= 0;
        }

        public void Swap(int add, int remove)
        {
            int slot = _slot[remove];
            _open[remove] = false;
            _slot[remove] = -1;
            _open[add] = true;
            _slot[add] = slot;
            _added[slot] = add;
            // Only demand points near either site change their nearest two.
            foreach (int d in _instance.DemandsOf(remove)) Refresh(d);
            foreach (int d in _instance.DemandsOf(add)) Refresh(d);
        }

        private double Total()
        {
            double total = 0;
            for (int d = 0; d < _d1.Length; d++) total += _instance.Weights[d] * _d1[d];
            return total;
        }
    }
}
