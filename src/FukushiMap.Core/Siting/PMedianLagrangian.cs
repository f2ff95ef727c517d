namespace FukushiMap.Core.Siting;

/// <summary>
/// Lagrangian lower bound for the uncapacitated p-median with existing facilities (Cornuéjols, Fisher and Nemhauser
/// 1977; Beasley 1993): the assignment constraints Σ_j x_ij = 1 are relaxed with multipliers λ_i, which leaves, for
/// each candidate j, the reduced cost ρ_j = Σ_i min(0, w_i d_ij − λ_i); the relaxation opens the K candidates of
/// smallest ρ. Subgradient optimisation raises the bound toward the LP bound. The final multipliers also give
/// reduction tests: a candidate whose forced opening (closing) lifts the bound above a known solution's cost is
/// closed (opened) in every better solution.
/// </summary>
public sealed class PMedianLagrangian
{
    private readonly SitingInstance _instance;
    private readonly int _addCount;
    private readonly double[] _lambda;
    private readonly double[] _rho;
    private readonly double[] _bestLambda;
    private readonly double[] _subgradient;
    private readonly bool[] _relaxedOpen;
    private readonly sbyte[] _fixed; // +1 forced open, -1 forced closed, 0 free
    private int _forcedOpen;

    /// <summary>Prepares the relaxation of adding <paramref name="addCount"/> sites to <paramref name="instance"/>.</summary>
    public PMedianLagrangian(SitingInstance instance, int addCount)
    {
        _instance = instance ?? throw new ArgumentNullException(nameof(instance));
        if (addCount < 0 || addCount > instance.CandidateCount) throw new ArgumentOutOfRangeException(nameof(addCount));
        _addCount = addCount;
        _lambda = new double[instance.DemandCount];
        _bestLambda = new double[instance.DemandCount];
        _subgradient = new double[instance.DemandCount];
        _rho = new double[instance.FacilityCount];
        _relaxedOpen = new bool[instance.FacilityCount];
        _fixed = new sbyte[instance.FacilityCount];
        Closed = new bool[instance.FacilityCount];
        Opened = new bool[instance.FacilityCount];
    }

    /// <summary>The best lower bound found (−∞ before <see cref="Optimize"/>).</summary>
    public double LowerBound { get; private set; } = double.NegativeInfinity;

    /// <summary>Subgradient iterations run by <see cref="Optimize"/>.</summary>
    public int Iterations { get; private set; }

    /// <summary>Candidates closed in every solution cheaper than the bound given to <see cref="Reduce"/>.</summary>
    public bool[] Closed { get; }

    /// <summary>Candidates open in every solution cheaper than the bound given to <see cref="Reduce"/>.</summary>
    public bool[] Opened { get; }

    /// <summary>
    /// Runs subgradient optimisation against a known solution's cost <paramref name="upperBound"/>. Stops when the bound
    /// reaches <c>upperBound − tolerance</c>, after <paramref name="maxIterations"/>, or when the step size has shrunk
    /// below use. Starts from <paramref name="initialMultipliers"/> when given (e.g. each demand point's cost in the
    /// known solution, times its weight).
    /// <para>
    /// Every <paramref name="heuristicInterval"/> iterations the relaxation's open candidates are handed to
    /// <paramref name="heuristic"/> (a Lagrangian heuristic: typically interchange from there), which returns the cost of
    /// the solution it found; a lower cost becomes the new upper bound.
    /// </para>
    /// </summary>
    /// <param name="upperBound">Cost of a known solution.</param>
    /// <param name="tolerance">Stop once the bound is within this of the upper bound.</param>
    /// <param name="initialMultipliers">Starting λ, or null.</param>
    /// <param name="maxIterations">Most subgradient steps.</param>
    /// <param name="cancellationToken">Checked every few steps.</param>
    /// <param name="heuristic">Lagrangian heuristic, or null.</param>
    /// <param name="heuristicInterval">Steps between heuristic calls.</param>
    /// <param name="deadline">Stops at this time (UTC) at the latest; null for no limit.</param>
    /// <param name="enoughFree">Stops once the reduction tests would leave at most this many free candidates (checked
    /// every 100 steps): a reduced problem that small is quicker to finish by MIP than by more steps. 0: never.</param>
    public double Optimize(double upperBound, double tolerance, IReadOnlyList<double>? initialMultipliers = null,
        int maxIterations = 3000, CancellationToken cancellationToken = default,
        Func<int[], double>? heuristic = null, int heuristicInterval = 100, DateTime? deadline = null, int enoughFree = 0)
    {
        int demands = _instance.DemandCount;
        var w = _instance.Weights;
        for (int d = 0; d < demands; d++)
        {
            if (initialMultipliers is not null) { _lambda[d] = initialMultipliers[d]; continue; }
            var costs = _instance.CostsOf(d);
            _lambda[d] = w[d] * (costs.Length > 0 ? costs[0] : _instance.UnservedCost);
        }
        var (bound, iterations) = Subgradient(upperBound, tolerance, 2, maxIterations, _bestLambda, cancellationToken, heuristic, heuristicInterval,
            deadline, enoughFree);
        Iterations = iterations;
        LowerBound = Math.Max(LowerBound, bound);
        Array.Copy(_bestLambda, _lambda, demands);
        return LowerBound;
    }

    /// <summary>
    /// Applies the reduction tests with the best multipliers against a solution of cost <paramref name="upperBound"/>:
    /// marks <see cref="Closed"/> and <see cref="Opened"/>. Any solution cheaper than <c>upperBound − tolerance</c>
    /// keeps the closed candidates closed and the opened ones open.
    /// </summary>
    public void Reduce(double upperBound, double tolerance)
    {
        Array.Copy(_bestLambda, _lambda, _lambda.Length);
        double bound = Evaluate();
        int free = _addCount - _forcedOpen;
        var order = Enumerable.Range(_instance.ExistingCount, _instance.CandidateCount)
            .Where(f => _fixed[f] == 0).OrderBy(f => _rho[f]).ThenBy(f => f).ToArray();
        if (free <= 0) { foreach (int f in order) MarkClosed(f); return; }
        if (free > order.Length) return;
        double kth = _rho[order[free - 1]];
        double next = free < order.Length ? _rho[order[free]] : double.PositiveInfinity;
        double threshold = upperBound - tolerance;
        for (int r = 0; r < order.Length; r++)
        {
            int f = order[r];
            if (r < free)
            {
                if (bound - _rho[f] + next >= threshold) MarkOpened(f);
            }
            else if (bound + _rho[f] - kth >= threshold)
            {
                MarkClosed(f);
            }
        }
    }

    /// <summary>The reduced cost ρ of <paramref name="facility"/> under the multipliers last evaluated.</summary>
    public double ReducedCost(int facility) => _rho[facility];

    // How many free candidates the tests would leave, with the ρ just evaluated (bound = its Lagrangian value).
    private int FreeAfterTests(double bound, double threshold)
    {
        int free = _addCount - _forcedOpen;
        if (free <= 0) return 0;
        var rhos = new List<double>(_instance.CandidateCount);
        for (int f = _instance.ExistingCount; f < _instance.FacilityCount; f++) if (_fixed[f] == 0) rhos.Add(_rho[f]);
        if (free >= rhos.Count) return rhos.Count;
        rhos.Sort();
        double kth = rhos[free - 1], next = rhos[free];
        int left = 0;
        for (int r = 0; r < rhos.Count; r++)
        {
            bool fixedByTest = r < free ? bound - rhos[r] + next >= threshold : bound + rhos[r] - kth >= threshold;
            if (!fixedByTest) left++;
        }
        return left;
    }

    private void MarkClosed(int f)
    {
        _fixed[f] = -1;
        Closed[f] = true;
    }

    private void MarkOpened(int f)
    {
        _fixed[f] = 1;
        _forcedOpen++;
        Opened[f] = true;
    }

    // Subgradient from the current λ; the best multipliers go to bestLambda. Returns the best bound and iterations.
    private (double Bound, int Iterations) Subgradient(double upperBound, double tolerance, double theta, int maxIterations,
        double[] bestLambda, CancellationToken cancellationToken, Func<int[], double>? heuristic, int heuristicInterval, DateTime? deadline,
        int enoughFree)
    {
        int demands = _instance.DemandCount;
        var w = _instance.Weights;
        double best = double.NegativeInfinity;
        int sinceImproved = 0, it = 0;
        for (; it < maxIterations; it++)
        {
            if ((it & 15) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (deadline is { } d && DateTime.UtcNow > d) break;
            }
            double bound = Evaluate();
            if (bound > best + 1e-12 * Math.Abs(bound))
            {
                best = bound;
                Array.Copy(_lambda, bestLambda, demands);
                sinceImproved = 0;
            }
            else if (++sinceImproved >= 30)
            {
                theta /= 2;
                sinceImproved = 0;
                if (theta < 1e-4) break;
            }
            if (best >= upperBound - tolerance) break;
            if (enoughFree > 0 && it % 100 == 99 && FreeAfterTests(bound, upperBound - tolerance) <= enoughFree) break;
            // The heuristic early (the multipliers already point somewhere after a few steps), then at the interval.
            if (heuristic is not null && (it is 10 or 30 || it % heuristicInterval == heuristicInterval - 1))
            {
                var relaxed = Enumerable.Range(_instance.ExistingCount, _instance.CandidateCount).Where(f => _relaxedOpen[f]).ToArray();
                upperBound = Math.Min(upperBound, heuristic(relaxed));
                if (best >= upperBound - tolerance) break;
            }

            // Subgradient of the relaxed constraints: 1 − Σ_j x_ij (the unserved option counts as an assignment).
            double norm = 0;
            for (int d = 0; d < demands; d++)
            {
                double lambda = _lambda[d];
                int assigned = w[d] * _instance.UnservedCost < lambda ? 1 : 0;
                var facilities = _instance.FacilitiesOf(d);
                var costs = _instance.CostsOf(d);
                for (int k = 0; k < facilities.Length && w[d] * costs[k] < lambda; k++)
                {
                    if (_relaxedOpen[facilities[k]]) assigned++;
                }
                _subgradient[d] = 1 - assigned;
                norm += _subgradient[d] * _subgradient[d];
            }
            if (norm == 0) break; // the relaxed solution is feasible, hence optimal
            double step = theta * (upperBound - bound) / norm;
            for (int d = 0; d < demands; d++)
            {
                // λ_i beyond w_i × the unserved cost only lowers the bound.
                _lambda[d] = Math.Clamp(_lambda[d] + step * _subgradient[d], 0, w[d] * _instance.UnservedCost);
            }
        }
        return (best, Math.Min(it + 1, maxIterations));
    }

    // L(λ) = Σλ + Σ_i min(0, w_i U − λ_i) + Σ_existing and forced-open ρ + the smallest free ρ up to K; marks the open set.
    private double Evaluate()
    {
        Array.Clear(_rho);
        Array.Clear(_relaxedOpen);
        var w = _instance.Weights;
        double bound = 0;
        for (int d = 0; d < _instance.DemandCount; d++)
        {
            double lambda = _lambda[d];
            bound += lambda + Math.Min(0, w[d] * _instance.UnservedCost - lambda);
            var facilities = _instance.FacilitiesOf(d);
            var costs = _instance.CostsOf(d);
            for (int k = 0; k < facilities.Length; k++)
            {
                double reduced = w[d] * costs[k] - lambda;
                if (reduced >= 0) break;
                _rho[facilities[k]] += reduced;
            }
        }
        for (int f = 0; f < _instance.FacilityCount; f++)
        {
            if (f < _instance.ExistingCount || _fixed[f] == 1)
            {
                bound += _rho[f];
                _relaxedOpen[f] = true;
            }
        }
        int free = _addCount - _forcedOpen;
        if (free > 0)
        {
            // The smallest free ρ (a bounded max-heap keeps it O(C log K)).
            var heap = new PriorityQueue<int, double>(free + 1, Comparer<double>.Create((a, b) => b.CompareTo(a)));
            for (int f = _instance.ExistingCount; f < _instance.FacilityCount; f++)
            {
                if (_fixed[f] != 0) continue;
                if (heap.Count < free) heap.Enqueue(f, _rho[f]);
                else if (heap.TryPeek(out _, out double worst) && _rho[f] < worst) heap.EnqueueDequeue(f, _rho[f]);
            }
            if (heap.Count < free) return double.PositiveInfinity; // too few free candidates left
            while (heap.TryDequeue(out int f, out double rho)) { bound += rho; _relaxedOpen[f] = true; }
        }
        else if (free < 0)
        {
            return double.PositiveInfinity;
        }
        return bound;
    }
}
