using System.Diagnostics;

namespace FukushiMap.Server.Tests.Faults;

/// <summary>Runs the <c>./fukushimap</c> front door (or one of its shell functions) from a test.</summary>
internal static class FrontDoor
{
    public static string Path { get; } = FindScript();

    /// <summary>Runs <c>./fukushimap args…</c> with <paramref name="environment"/> added; returns exit code and both outputs.</summary>
    public static Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> args, IDictionary<string, string?> environment) =>
        RunAsync("bash", [Path, .. args], environment);

    /// <summary>Sources the front door (its functions only) and runs <paramref name="script"/>.</summary>
    public static Task<(int Code, string Output, string Error)> RunFunctionAsync(string script) =>
        RunAsync("bash", ["-c", $"source \"$1\"; {script}", "front-door-test", Path], new Dictionary<string, string?>());

    private static async Task<(int, string, string)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = System.IO.Path.Combine(dir.FullName, "fukushimap");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FukushiMap.sln")) && File.Exists(script))
            {
                return script;
            }
        }
        throw new InvalidOperationException("./fukushimap が見つかりません。");
    }
}
