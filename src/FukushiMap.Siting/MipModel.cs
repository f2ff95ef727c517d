using System.Diagnostics;
using System.Globalization;
using Google.OrTools.LinearSolver;

namespace FukushiMap.Siting;

/// <summary>The outcome of one MIP solve.</summary>
/// <param name="Solved">True when the solver has a feasible solution.</param>
/// <param name="Optimal">True when it proved that solution optimal (within the gap asked).</param>
/// <param name="Objective">Objective of the solution (constant included); NaN without one.</param>
/// <param name="Bound">Best proven bound (constant included): lower when minimising, upper when maximising.</param>
/// <param name="Values">Values of the integer variables, in the order they were added.</param>
internal sealed record MipResult(bool Solved, bool Optimal, double Objective, double Bound, double[] Values);

/// <summary>
/// A thin MIP builder over OR-Tools' linear solver with SCIP: binary "site" variables, continuous variables, rows,
/// a hint, a time limit and cancellation. Names are left empty (models have tens of thousands of rows).
/// </summary>
internal sealed class MipModel : IDisposable
{
    private readonly Solver _solver;
    private readonly Objective _objective;
    private readonly List<Variable> _sites = [];
    private readonly List<Variable> _hinted = [];
    private readonly List<double> _hintValues = [];
    private double _constant;

    public MipModel(bool maximize)
    {
        _solver = Solver.CreateSolver("SCIP")
            ?? throw new InvalidOperationException("OR-Tools could not create a SCIP solver (is the native runtime present?).");
        _objective = _solver.Objective();
        if (maximize) _objective.SetMaximization(); else _objective.SetMinimization();
    }

    /// <summary>Adds a binary variable with objective coefficient <paramref name="cost"/>; returns its position.</summary>
    public int AddSite(double cost = 0)
    {
        var v = _solver.MakeBoolVar("");
        if (cost != 0) _objective.SetCoefficient(v, cost);
        _sites.Add(v);
        return _sites.Count - 1;
    }

    public Variable Site(int position) => _sites[position];

    public int SiteCount => _sites.Count;

    /// <summary>Adds a continuous variable in [<paramref name="lower"/>, <paramref name="upper"/>], with its value in the
    /// hinted solution when there is one (a complete hint lets SCIP take it as the incumbent at once).</summary>
    public Variable AddContinuous(double lower, double upper, double cost, double? hint = null)
    {
        var v = _solver.MakeNumVar(lower, upper, "");
        if (cost != 0) _objective.SetCoefficient(v, cost);
        if (hint is { } h) { _hinted.Add(v); _hintValues.Add(h); }
        return v;
    }

    /// <summary>Adds a row <paramref name="lower"/> ≤ Σ coef·var ≤ <paramref name="upper"/>.</summary>
    public Constraint AddRow(double lower, double upper) => _solver.MakeConstraint(lower, upper, "");

    /// <summary>Adds a constant to the objective (reported with it).</summary>
    public void AddConstant(double value) => _constant += value;

    /// <summary>Solves with a hint for the site variables (0/1 per position; null for none).</summary>
    /// <param name="hint">0/1 per site variable, or null.</param>
    /// <param name="timeLimit">Wall-clock limit.</param>
    /// <param name="relativeGap">SCIP stops at this relative gap.</param>
    /// <param name="verbose">SCIP's log to standard output.</param>
    /// <param name="cancellationToken">Interrupts SCIP.</param>
    /// <param name="parameters">Further SCIP parameters, one "name = value" per line.</param>
    public MipResult Solve(double[]? hint, TimeSpan timeLimit, double relativeGap, bool verbose, CancellationToken cancellationToken,
        string? parameters = null)
    {
        if (hint is not null)
        {
            _solver.SetHint([.. _sites, .. _hinted], [.. hint, .. _hintValues]);
        }
        long ms = Math.Max(1, (long)timeLimit.TotalMilliseconds);
        _solver.SetTimeLimit(ms);
        _solver.SetSolverSpecificParametersAsString(string.Create(CultureInfo.InvariantCulture,
            $"limits/gap = {Math.Max(relativeGap, 0):R}\nlimits/absgap = 1e-6\n{parameters}"));
        if (verbose) _solver.EnableOutput(); else _solver.SuppressOutput();
        using var registration = cancellationToken.Register(() => _solver.InterruptSolve());
        var status = _solver.Solve();
        cancellationToken.ThrowIfCancellationRequested();
        bool solved = status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
        var values = solved ? _sites.Select(v => v.SolutionValue()).ToArray() : [];
        double objective = solved ? _objective.Value() + _constant : double.NaN;
        double bound = _objective.BestBound() + _constant;
        if (status == Solver.ResultStatus.OPTIMAL && !double.IsFinite(bound)) bound = objective;
        Debug.WriteLine($"MIP {status}: objective {objective}, bound {bound}, {_solver.WallTime()} ms");
        return new MipResult(solved, status == Solver.ResultStatus.OPTIMAL, objective, bound, values);
    }

    public void Dispose() => _solver.Dispose();
}
