using System.Diagnostics;
using FukushiMap.Core.Siting;
using FukushiMap.Siting;
foreach (var name in args)
{
    var sw = Stopwatch.StartNew();
    var lib = OrLibraryPMedian.Read($"/work/shared/gis-data/or-library-pmed/{name}.txt");
    var inst = lib.ToInstance();
    var t1 = sw.Elapsed.TotalSeconds;
    var s = ExactSiting.Solve(inst, lib.ToRequest(), new ExactOptions { TimeLimit = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("TL") ?? "60")), Verbose = Environment.GetEnvironmentVariable("V") == "1", Log = m => Console.WriteLine("  " + m) });
    Console.WriteLine($"{name}: read {t1:F2}s objective {s.Objective} bound {s.Bound} gap {s.Gap} {s.Status} {s.Elapsed.TotalSeconds:F2}s");
}
