namespace FukushiMap.Server.Infrastructure;

public static class FukushiMapEnvironment
{
    /// <summary>
    /// The front door's environment variables and the configuration keys they set. This table is the one place the server and
    /// the command line read them; everything else reads <see cref="FukushiMapOptions"/>.
    /// </summary>
    public static readonly IReadOnlyList<(string Variable, string Key)> Variables =
    [
        ("FUKUSHIMAP_DB", $"{FukushiMapOptions.Section}:{nameof(FukushiMapOptions.ConnectionString)}"),
        ("FUKUSHIMAP_DATA", $"{FukushiMapOptions.Section}:{nameof(FukushiMapOptions.DataPath)}"),
        ("FUKUSHIMAP_STATE", $"{FukushiMapOptions.Section}:{nameof(FukushiMapOptions.StatePath)}"),
        ("FUKUSHIMAP_SCIP_LOG", $"{FukushiMapOptions.Section}:{nameof(FukushiMapOptions.SolverLog)}"),
    ];

    /// <summary>
    /// Adds the variables of <see cref="Variables"/> that are set (and not empty) as configuration. Added after
    /// appsettings.json and the <c>FukushiMap__Key</c> variables, so they override both; settings added later (a test's own
    /// database) override them. <paramref name="environment"/> stands in for the process environment in tests.
    /// </summary>
    public static IConfigurationBuilder AddFukushiMapEnvironment(this IConfigurationBuilder configuration,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Variables)
        {
            var value = environment is null ? Environment.GetEnvironmentVariable(variable) : environment.GetValueOrDefault(variable);
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }
        return configuration.AddInMemoryCollection(values);
    }
}

/// <summary>Writes long-step progress to the terminal: 「[2/5] 町丁人口を読み込み中…」.</summary>
public sealed class ConsoleProgress(TextWriter output) : IProgress<FukushiMap.Data.Import.ImportProgress>
{
    public void Report(FukushiMap.Data.Import.ImportProgress value)
    {
        var prefix = value.Steps > 0 ? $"[{value.Step}/{value.Steps}] " : "";
        output.WriteLine($"==> {prefix}{value.Message}");
        output.Flush();
    }
}
