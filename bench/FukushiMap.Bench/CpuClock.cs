using System.Globalization;
using System.Runtime.InteropServices;

namespace FukushiMap.Bench;

/// <summary>
/// CPU time, as opposed to wall time: what a call actually ran on a core, without the time it waited for one. On a busy
/// (shared) machine wall times swell with everyone else's load; CPU times do not. Linux only; elsewhere every reading is 0.
/// </summary>
public static partial class CpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    public static bool Available { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>CPU nanoseconds used so far by the calling thread (the engine's searches, the GC's work on this thread, Npgsql reading rows).</summary>
    public static long ThreadNanoseconds() =>
        Available && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    /// <summary>
    /// CPU nanoseconds used so far by process <paramref name="pid"/> (a PostgreSQL backend: one process per connection, one
    /// thread), from /proc/&lt;pid&gt;/schedstat; 0 when unreadable (e.g. PostgreSQL on another machine).
    /// </summary>
    public static long ProcessNanoseconds(int pid)
    {
        if (!Available || pid <= 0) return 0;
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/schedstat");
            var end = text.IndexOf(' ');
            return long.Parse(text.AsSpan(0, end < 0 ? text.Length : end), NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
