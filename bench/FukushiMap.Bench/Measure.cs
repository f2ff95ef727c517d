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

/// <summary>
/// One side of a comparison: a complete call, and the PostgreSQL backend it talks to (0 for the engine); or, for a peer in
/// another process that times its own calls (scipy), <see cref="SelfTimed"/>: one call returning its wall and CPU milliseconds.
/// </summary>
public sealed record Workload(Action Call, int ServerPid = 0, Func<(double WallMs, double CpuMs)>? SelfTimed = null)
{
    /// <summary>A side that times its own calls.</summary>
    public static Workload Timed(Func<(double WallMs, double CpuMs)> call) => new(() => call(), 0, call);
}

/// <summary>
/// Times one workload the same way for every side: warm-up runs (at least <see cref="MinWarmupRuns"/> and at least
/// <see cref="MinWarmupSeconds"/> of work, so the JIT has tiered up and PostgreSQL has its pages and plans cached),
/// then the timed repetitions. Nothing is timed across calls: each run is one complete call.
/// Sides compared with each other take turns in rounds: each round runs a block of consecutive calls of each side (A A A A A,
/// B B B B B, C C C C C, then B…, C…, A…), so a busy moment on a shared machine hits every side, while within a block a side
/// runs as it would when called repeatedly (its data in the CPU caches, as after its own warm-up).
/// </summary>
public static class Measure
{
    public const int MinWarmupRuns = 3;
    public const double MinWarmupSeconds = 0.5;
    /// <summary>Rounds the repetitions are split into (fewer when there are fewer repetitions).</summary>
    public const int Rounds = 3;
    private const int MaxWarmupRuns = 200;

    public static Timing Run(Action call, int repetitions) => Interleaved(repetitions, new Workload(call))[0];

    /// <summary>Times several calls doing comparable work, taking turns in rounds; one <see cref="Timing"/> per call, in order.</summary>
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
        var rounds = Math.Min(Rounds, repetitions);
        var done = 0;
        for (var round = 0; round < rounds; round++)
        {
            // Repetitions spread as evenly as they go: 15 → 5 + 5 + 5, 5 → 2 + 2 + 1.
            var block = (repetitions - done + (rounds - round) - 1) / (rounds - round);
            for (var k = 0; k < workloads.Length; k++)
            {
                var c = (round + k) % workloads.Length;
                var w = workloads[c];
                for (var i = done; i < done + block; i++)
                {
                    if (w.SelfTimed is { } timed)
                    {
                        (wall[c][i], cpu[c][i]) = timed();
                        continue;
                    }
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
            done += block;
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
