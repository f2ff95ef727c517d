using FukushiMap.Core;
using FukushiMap.Data;

namespace FukushiMap.Server.Commands;

/// <summary>
/// What the analysis commands (<c>coverage</c>, <c>site</c>) share: a domain error in the parameters is a mistake in how the
/// command was called (exit 2), one in the run is the run's answer (written to the log, exit 1), and progress goes to the
/// log as <c>==&gt;</c> lines.
/// </summary>
public static class AnalysisCommand
{
    /// <summary>The parameters <paramref name="read"/> makes; its domain error becomes a <see cref="CliException"/>.</summary>
    public static T Parameters<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FukushiMapError e)
        {
            throw new CliException(e.Detail);
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> on a fresh <see cref="CommandScope"/> (schema checked first). Returns null when the run ended
    /// in a domain error, already written to <paramref name="log"/>.
    /// </summary>
    public static async Task<T?> RunAsync<T>(IServiceProvider services, TextWriter log, CancellationToken ct, Func<FukushiMapDbContext, Task<T>> run)
        where T : class
    {
        await using var scope = await CommandScope.OpenAsync(services, ct, log);
        try
        {
            return await run(scope.Db);
        }
        catch (FukushiMapError e)
        {
            await log.WriteLineAsync($"エラー: {e.Detail}");
            return null;
        }
    }
}

/// <summary>Progress as <c>==&gt; …</c> lines on a writer (standard error at the terminal).</summary>
public sealed class ProgressLines(TextWriter writer) : IProgress<string>
{
    public void Report(string value) => writer.WriteLine("==> " + value);
}
