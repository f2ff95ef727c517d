using System.Diagnostics;

namespace FukushiMap.Bench;

/// <summary>Median, fastest and slowest of the timed runs, in milliseconds.</summary>
public readonly record struct Stats(double MedianMs, double MinMs, double MaxMs)
{
    /// <summary>"12.3 (11.9–13.0)": median with min–max.</summary>
    public string Describe() => $"{Format.Ms(MedianMs)} ({Format.Ms(MinMs)}–{Format.Ms(MaxMs)})";

    public static Stats Of(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[^1]);
    }
}

/// <summary>
/// Wall time of each run, and its CPU time: this thread's, plus (for pgRouting) the PostgreSQL backend's that served it.
/// </summary>
public sealed record Timing(Stats Wall, Stats Cpu, int Runs, int WarmupRuns);

/// <summary>One side of a comparison: a complete call, and the PostgreSQL backend it talks to (0 for the engine).</summary>
public sealed record Workload(Action Call, int ServerPid = 0);

/// <summary>
/// Times one workload the same way for every side: warm-up runs (at least <see cref="MinWarmupRuns"/> and at least
/// <see cref="MinWarmupSeconds"/> of work, so the JIT has tiered up and PostgreSQL has its pages and plans cached),
/// then the timed repetitions. Nothing is timed across calls: each run is one complete call.
/// Sides compared with each other are interleaved (A, B, C, then B, C, A, …), so a busy moment on a shared machine hits
/// all of them rather than one.
/// </summary>
public static class Measure
{
    public const int MinWarmupRuns = 3;
    public const double MinWarmupSeconds = 0.5;
    private const int MaxWarmupRuns = 200;

    public static Timing Run(Action call, int repetitions) => Interleaved(repetitions, new Workload(call))[0];

    /// <summary>Times several calls doing comparable work, interleaved; one <see cref="Timing"/> per call, in order.</summary>
    public static Timing[] Interleaved(int repetitions, params Workload[] workloads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var warmups = new int[workloads.Length];
        for (var c = 0; c < workloads.Length; c++)
        {
            var started = Stopwatch.GetTimestamp();
            while (warmups[c] < MinWarmupRuns || (Stopwatch.GetElapsedTime(started).TotalSeconds < MinWarmupSeconds && warmups[c] < MaxWarmupRuns))
            {
                workloads[c].Call();
                warmups[c]++;
            }
        }
        // Garbage left by the warm-up is not charged to the first timed run.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var wall = workloads.Select(_ => new double[repetitions]).ToArray();
        var cpu = workloads.Select(_ => new double[repetitions]).ToArray();
        for (var i = 0; i < repetitions; i++)
        {
            for (var k = 0; k < workloads.Length; k++)
            {
                var c = (i + k) % workloads.Length;
                var w = workloads[c];
                var server0 = w.ServerPid > 0 ? CpuClock.ProcessNanoseconds(w.ServerPid) : 0;
                var thread0 = CpuClock.ThreadNanoseconds();
                var t0 = Stopwatch.GetTimestamp();
                w.Call();
                wall[c][i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var thread1 = CpuClock.ThreadNanoseconds();
                var server1 = w.ServerPid > 0 ? CpuClock.ProcessNanoseconds(w.ServerPid) : 0;
                cpu[c][i] = (thread1 - thread0 + (server1 - server0)) / 1e6;
            }
        }
        return workloads.Select((_, c) => new Timing(Stats.Of(wall[c]), Stats.Of(cpu[c]), repetitions, warmups[c])).ToArray();
    }

    /// <summary>Wall time of one call (for one-off steps such as building a graph).</summary>
    public static double Once(Action call)
    {
        var t0 = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
