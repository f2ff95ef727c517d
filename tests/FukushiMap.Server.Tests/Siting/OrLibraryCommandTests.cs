using System.Text.Json;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Siting;
using FukushiMap.Testing;

namespace FukushiMap.Server.Tests.Siting;

/// <summary>
/// <c>./fukushimap site --orlib &lt;file&gt; --solver exact --format json</c> against the published optima of Beasley's
/// OR-Library p-median instances (the table in gis-data/or-library-pmed/SOURCES.md). The larger instances
/// (pmed34, pmed36, pmed40) run in bench/siting.
/// </summary>
public class OrLibraryCommandTests
{
    private static string Instance(string name) => Path.Combine(TestDatabase.RequireDataPath(), "or-library-pmed", name);

    private static async Task<JsonElement> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var progress = new StringWriter();
        using var host = CommandHost.Build();
        var exit = await SiteCommand.RunAsync(CliArgs.Parse(args), host.Services, output, CancellationToken.None, progress);
        Assert.True(exit == 0, progress.ToString());
        var text = output.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one JSON object, one line
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [InlineData("pmed1.txt", 5, 5819)]
    [InlineData("pmed5.txt", 33, 1355)]
    [InlineData("pmed37.txt", 80, 5057)]  // 800 vertices
    [InlineData("pmed35.txt", 5, 10400)]  // 800 vertices, few medians: the LP bound is about 1 % short, so SCIP must branch
    public async Task TheExactSolverReproducesThePublishedOptimum(string file, int p, int published)
    {
        var answer = await RunAsync("--orlib", Instance(file), "--solver", "exact", "--format", "json", "--time-limit", "300");

        Assert.Equal("pmedian", answer.GetProperty("model").GetString());
        Assert.Equal("exact", answer.GetProperty("solver").GetString());
        Assert.Equal(published, answer.GetProperty("objective").GetDouble());
        Assert.Equal(0, answer.GetProperty("gap").GetDouble());
        Assert.Equal("optimal", answer.GetProperty("status").GetString());
        Assert.Equal(p, answer.GetProperty("sites").GetArrayLength());
        Assert.True(answer.GetProperty("seconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task TheGreedyAnswerIsNoBetterThanTheOptimumAndItsBoundNoHigher()
    {
        var answer = await RunAsync("--orlib", Instance("pmed1.txt"), "--solver", "greedy");

        Assert.Equal("greedy", answer.GetProperty("solver").GetString());
        Assert.True(answer.GetProperty("objective").GetDouble() >= 5819);
        Assert.True(answer.GetProperty("bound").GetDouble() <= 5819);
        Assert.True(answer.GetProperty("gap").GetDouble() >= 0);
    }

    [Fact]
    public async Task AFileThatIsNotAnInstanceIsRefusedInJapanese()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "100 200\n");
            using var host = CommandHost.Build();
            var error = await Assert.ThrowsAsync<CliException>(() => SiteCommand.RunAsync(CliArgs.Parse(["--orlib", file]), host.Services, new StringWriter(), CancellationToken.None));
            Assert.Contains("OR-Library", error.Message);
            var missing = await Assert.ThrowsAsync<CliException>(() => SiteCommand.RunAsync(CliArgs.Parse(["--orlib", file + ".none"]), host.Services, new StringWriter(), CancellationToken.None));
            Assert.Contains("ファイルがありません", missing.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
