using FukushiMap.Server.Commands;
using FukushiMap.Testing;
using Microsoft.Extensions.Hosting;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>The command line's own host (as <c>./fukushimap &lt;command&gt;</c> builds it), over a test database.</summary>
internal static class TestCommandHost
{
    public static IHost For(TestDatabase database) => For(database.ConnectionString, database.DataPath);

    /// <summary>
    /// Runs <paramref name="command"/> (<c>CoverageCommand.RunAsync</c>, <c>SiteCommand.RunAsync</c>) with <paramref name="args"/> on
    /// a command host over <paramref name="database"/>; returns its exit code, its output and its progress lines.
    /// </summary>
    public static async Task<(int Exit, string Output, string Progress)> RunAsync(TestDatabase database,
        Func<CliArgs, IServiceProvider, TextWriter, CancellationToken, TextWriter, Task<int>> command, string[] args)
    {
        var output = new StringWriter();
        var progress = new StringWriter();
        using var host = For(database);
        var exit = await command(CliArgs.Parse(args), host.Services, output, CancellationToken.None, progress);
        return (exit, output.ToString(), progress.ToString());
    }

    public static IHost For(string connectionString, string? dataPath = null, Action<HostApplicationBuilder>? configure = null) =>
        CommandHost.Build(builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = connectionString;
            builder.Configuration["FukushiMap:DataPath"] = dataPath;
            configure?.Invoke(builder);
        });
}
