using System.Diagnostics;
using FukushiMap.Core.Siting;
using Google.OrTools.LinearSolver;

namespace FukushiMap.Siting;

/// <summary>
/// The reduced p-median (after the Lagrangian tests) as a Benders-style cutting-plane model over the radius formulation
/// (Elloumi 2010; Duran-Mateluna, Ales and Elloumi 2023): one variable θ_i per demand point with
/// θ_i ≥ D − Σ_{j: d_ij &lt; D} (D − d_ij) y_j for the distance levels D of i, added only where violated. The most
/// violated level of a demand point is where the open share of its nearer candidates first reaches one, so separation
/// is one pass over its sorted list. The LP relaxation is closed with GLOP, then SCIP branches on the sites with the
/// cuts found; an integer answer whose θ understates its real cost gets its cuts and SCIP runs again.
/// Levels stop at the nearest facility known to be open and at the (F − K + 1)-th nearest free candidate (one of those
/// must open), as in García, Labbé and Marín (2011).
/// </summary>
internal sealed class PMedianBenders
{
    private readonly int[] _sites;          // free candidate facilities, by position
    private readonly int[] _position;       // facility → position or -1
    private readonly int _toOpen;
    // Demand points with a choice: CSR lists of (position, cost) of free candidates nearer than the final cost.
    private readonly List<int> _first = [0];
    private readonly List<int> _listPosition = [];
    private readonly List<double> _listCost = [];
    private readonly List<double> _floor = [];
    private readonly List<double> _final = [];
    private readonly List<double> _weight = [];
    private readonly List<(int Demand, double Level)> _cuts = [];
    private readonly HashSet<(int, double)> _cutSet = [];
    private double _constant;

    public PMedianBenders(SitingInstance instance, SitingRequest request, bool[] closed, bool[] opened)
    {
        int first = instance.ExistingCount;
        var fixedOpen = new bool[instance.FacilityCount];
        for (int f = 0; f < first; f++) fixedOpen[f] = true;
        _position = new int[instance.FacilityCount];
        Array.Fill(_position, -1);
        var sites = new List<int>();
        int openedCount = 0;
        for (int f = first; f < instance.FacilityCount; f++)
        {
            if (opened[f]) { fixedOpen[f] = true; openedCount++; OpenedSites.Add(f); }
            else if (!closed[f]) { _position[f] = sites.Count; sites.Add(f); }
        }
        _sites = [.. sites];
        _toOpen = request.AddCount - openedCount;
        if (_toOpen < 0 || _toOpen > _sites.Length) { Empty = true; return; }
        int truncateAt = _sites.Length - _toOpen + 1;

        for (int d = 0; d < instance.DemandCount; d++)
        {
            double w = instance.Weight(d);
            if (w == 0) continue;
            var facilities = instance.FacilitiesOf(d);
            var costs = instance.CostsOf(d);
            double final = instance.UnservedCost;
            int start = _listPosition.Count, seen = 0;
            for (int i = 0; i < facilities.Length; i++)
            {
                int f = facilities[i];
                double c = costs[i];
                if (c >= final) break;
                if (fixedOpen[f]) { final = c; break; }
                if (_position[f] < 0) continue;
                _listPosition.Add(_position[f]);
                _listCost.Add(c);
                if (++seen >= truncateAt)
                {
                    while (i + 1 < facilities.Length && costs[i + 1] == c)
                    {
                        i++;
                        if (_position[facilities[i]] >= 0) { _listPosition.Add(_position[facilities[i]]); _listCost.Add(c); }
                    }
                    final = c;
                    break;
                }
            }
            // Candidates at the final cost (or beyond) change nothing.
            while (_listPosition.Count > start && _listCost[^1] >= final)
            {
                _listPosition.RemoveAt(_listPosition.Count - 1);
                _listCost.RemoveAt(_listCost.Count - 1);
            }
            if (_listPosition.Count == start) { _constant += w * final; continue; }
            _floor.Add(_listCost[start]);
            _final.Add(final);
            _weight.Add(w);
            _first.Add(_listPosition.Count);
        }
    }

    /// <summary>True when the tests leave no solution better than the known one.</summary>
    public bool Empty { get; }

    /// <summary>Candidates the tests opened.</summary>
    public List<int> OpenedSites { get; } = [];

    private int DemandCount => _weight.Count;

    /// <summary>Solves within <paramref name="timeLimit"/>; returns the best reduced solution found and the proven bound.</summary>
    /// <param name="hintSites">The best known solution (the MIP's starting incumbent when it lies in the reduced problem).</param>
    /// <param name="knownSolutions">Other good solutions (e.g. local optima met on the way): their cuts go in from the start.</param>
    /// <param name="timeLimit">Time allowed.</param>
    /// <param name="options">Gap and logging.</param>
    /// <param name="cancellationToken">Interrupts the solvers.</param>
    public (int[]? Solution, double Bound) Solve(IReadOnlyCollection<int> hintSites, IEnumerable<int[]> knownSolutions, TimeSpan timeLimit,
        ExactOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var hint = new double[_sites.Length];
        bool useHint = hintSites.All(f => _position[f] >= 0 || OpenedSites.Contains(f)) && hintSites.Count(f => _position[f] >= 0) == _toOpen;
        if (useHint) foreach (int f in hintSites) if (_position[f] >= 0) hint[_position[f]] = 1;
        if (useHint) SeparateIntegral(hint);
        foreach (var known in knownSolutions)
        {
            var y = new double[_sites.Length];
            foreach (int f in known) if (_position[f] >= 0) y[_position[f]] = 1;
            SeparateIntegral(y);
        }

        double lpBound = SolveRelaxation(timeLimit, cancellationToken);
        options.Log?.Invoke($"reduced problem: {_sites.Length} candidates, {DemandCount} demand points; LP bound {lpBound:0.###} with {_cuts.Count} cuts, {clock.Elapsed.TotalSeconds:F2} s");
        double bound = lpBound;
        int[]? bestSolution = useHint ? hintSites.Where(f => _position[f] >= 0).ToArray() : null;
        double bestCost = useHint ? Cost(hint) : double.PositiveInfinity;

        while (clock.Elapsed < timeLimit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (values, objective, mipBound) = SolveMaster(bestSolution, timeLimit - clock.Elapsed, options, cancellationToken);
            bound = Math.Max(bound, mipBound);
            options.Log?.Invoke($"master MIP: objective {objective:0.###}, bound {mipBound:0.###}, {_cuts.Count} cuts, {clock.Elapsed.TotalSeconds:F2} s");
            if (values is null) break;
            double cost = Cost(values);
            if (cost < bestCost)
            {
                bestCost = cost;
                bestSolution = Enumerable.Range(0, _sites.Length).Where(p => values[p] > 0.5).Select(p => _sites[p]).ToArray();
            }
            // The master's θ matched the real cost: its answer is optimal within its gap.
            if (cost <= objective + 1e-7 * Math.Max(1, Math.Abs(cost))) break;
            if (SeparateIntegral(values) == 0) break;
        }
        return (bestSolution is null ? null : [.. OpenedSites, .. bestSolution], bound);
    }

    // Cutting planes on the LP relaxation (GLOP, warm re-solves); returns the LP bound.
    private double SolveRelaxation(TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools could not create GLOP.");
        var y = new Variable[_sites.Length];
        for (int p = 0; p < y.Length; p++) y[p] = solver.MakeNumVar(0, 1, "");
        var theta = new Variable[DemandCount];
        var objective = solver.Objective();
        for (int d = 0; d < DemandCount; d++)
        {
            theta[d] = solver.MakeNumVar(_floor[d], _final[d], "");
            objective.SetCoefficient(theta[d], _weight[d]);
        }
        objective.SetMinimization();
        var count = solver.MakeConstraint(_toOpen, _toOpen, "");
        foreach (var v in y) count.SetCoefficient(v, 1);
        int added = 0;
        double bound = double.NegativeInfinity;
        while (true)
        {
            for (; added < _cuts.Count; added++) AddCut(solver, y, theta, _cuts[added]);
            var remaining = timeLimit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero) break;
            solver.SetTimeLimit(Math.Max(1, (long)remaining.TotalMilliseconds));
            using var registration = cancellationToken.Register(() => solver.InterruptSolve());
            if (solver.Solve() != Solver.ResultStatus.OPTIMAL) break;
            cancellationToken.ThrowIfCancellationRequested();
            bound = objective.Value() + _constant;
            var yv = y.Select(v => v.SolutionValue()).ToArray();
            var tv = theta.Select(v => v.SolutionValue()).ToArray();
            if (Separate(yv, tv) == 0) break;
        }
        return bound;
    }

    private (double[]? Values, double Objective, double Bound) SolveMaster(int[]? hintSites, TimeSpan timeLimit, ExactOptions options, CancellationToken cancellationToken)
    {
        using var model = new MipModel(maximize: false);
        for (int p = 0; p < _sites.Length; p++) model.AddSite();
        var count = model.AddRow(_toOpen, _toOpen);
        for (int p = 0; p < _sites.Length; p++) count.SetCoefficient(model.Site(p), 1);
        double[]? hint = null;
        double[]? hintCost = null;
        if (hintSites is not null)
        {
            hint = new double[_sites.Length];
            foreach (int f in hintSites) hint[_position[f]] = 1;
            hintCost = DemandCosts(hint);
        }
        var theta = new Variable[DemandCount];
        for (int d = 0; d < DemandCount; d++) theta[d] = model.AddContinuous(_floor[d], _final[d], _weight[d], hintCost?[d]);
        model.AddConstant(_constant);
        foreach (var cut in _cuts)
        {
            var (d, level) = cut;
            var row = model.AddRow(level, double.PositiveInfinity);
            row.SetCoefficient(theta[d], 1);
            for (int i = _first[d]; i < _first[d + 1] && _listCost[i] < level; i++) row.SetCoefficient(model.Site(_listPosition[i]), level - _listCost[i]);
        }
        // The cuts are the model's strength; SCIP's own separators found little on it and slowed each node.
        var result = model.Solve(hint, timeLimit, options.RelativeGap, options.Verbose, cancellationToken,
            "separating/maxrounds = 0\nseparating/maxroundsroot = 0");
        return result.Solved ? (result.Values, result.Objective, result.Bound) : (null, double.NaN, result.Bound);
    }

    private void AddCut(Solver solver, Variable[] y, Variable[] theta, (int Demand, double Level) cut)
    {
        var (d, level) = cut;
        var row = solver.MakeConstraint(level, double.PositiveInfinity, "");
        row.SetCoefficient(theta[d], 1);
        for (int i = _first[d]; i < _first[d + 1] && _listCost[i] < level; i++) row.SetCoefficient(y[_listPosition[i]], level - _listCost[i]);
    }

    /// <summary>
    /// Cuts at an integer point: for each demand point, at the cost of its nearest open site (the cut that is exact
    /// there) and of its second and third nearest, which stay exact when one site of the point is swapped away.
    /// </summary>
    private int SeparateIntegral(double[] y)
    {
        int added = 0;
        for (int d = 0; d < DemandCount; d++)
        {
            int found = 0;
            for (int i = _first[d]; i < _first[d + 1] && found < 3; i++)
            {
                if (y[_listPosition[i]] <= 0.5) continue;
                found++;
                if (_listCost[i] > _floor[d] && _cutSet.Add((d, _listCost[i]))) { _cuts.Add((d, _listCost[i])); added++; }
            }
            if (found < 3 && _cutSet.Add((d, _final[d]))) { _cuts.Add((d, _final[d])); added++; }
        }
        return added;
    }

    // θ_d + Σ_{nearer} (D − d_j) y_j ≥ D for each violated demand point; returns the number of cuts added.
    private int Separate(double[] y, double[] theta)
    {
        int added = 0;
        for (int d = 0; d < DemandCount; d++)
        {
            double s = 0, t = 0, bestRhs = double.NegativeInfinity, bestLevel = double.NaN;
            int i = _first[d], end = _first[d + 1];
            while (i < end)
            {
                double level = _listCost[i];
                double rhs = level * (1 - s) + t;
                if (rhs > bestRhs) { bestRhs = rhs; bestLevel = level; }
                for (; i < end && _listCost[i] == level; i++) { double v = y[_listPosition[i]]; s += v; t += v * level; }
                if (s >= 1 - 1e-9) break;
            }
            if (s < 1 - 1e-9)
            {
                double rhs = _final[d] * (1 - s) + t;
                if (rhs > bestRhs) { bestRhs = rhs; bestLevel = _final[d]; }
            }
            if (bestLevel <= _floor[d]) continue; // the bound on θ says as much
            if (bestRhs - theta[d] <= 1e-7 * Math.Max(1, bestRhs)) continue;
            if (_cutSet.Add((d, bestLevel))) { _cuts.Add((d, bestLevel)); added++; }
        }
        return added;
    }

    private double[] DemandCosts(double[] y)
    {
        var costs = new double[DemandCount];
        for (int d = 0; d < DemandCount; d++)
        {
            costs[d] = _final[d];
            for (int i = _first[d]; i < _first[d + 1]; i++)
            {
                if (y[_listPosition[i]] > 0.5) { costs[d] = _listCost[i]; break; }
            }
        }
        return costs;
    }

    private double Cost(double[] y)
    {
        var costs = DemandCosts(y);
        double total = _constant;
        for (int d = 0; d < DemandCount; d++) total += _weight[d] * costs[d];
        return total;
    }
}
