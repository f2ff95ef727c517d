using System.Diagnostics;
using FukushiMap.Server.Tests.Faults;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>Runs the built server binary as its own process (a command line command, as <c>./fukushimap</c> runs it).</summary>
internal static class ServerProcess
{
    /// <summary>Runs <c>dotnet FukushiMap.Server.dll args…</c> against <paramref name="connectionString"/>; returns exit code and both outputs.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> args, string connectionString)
    {
        var root = Path.GetDirectoryName(FrontDoor.Path)!;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dll = Path.Combine(root, "src", "FukushiMap.Server", "bin", configuration, "net10.0", "FukushiMap.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["FUKUSHIMAP_DB"] = connectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
