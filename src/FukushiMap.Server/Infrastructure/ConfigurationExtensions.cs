using FukushiMap.Data;

namespace FukushiMap.Server.Infrastructure;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Maps the front door's environment variables onto configuration keys:
    /// FUKUSHIMAP_DB → FukushiMap:ConnectionString, FUKUSHIMAP_DATA → FukushiMap:DataPath,
    /// FUKUSHIMAP_STATE → FukushiMap:StatePath.
    /// </summary>
    public static IConfigurationBuilder AddFukushiMapEnvironment(this IConfigurationBuilder configuration)
    {
        var values = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_DB") is { Length: > 0 } db)
        {
            values[$"{FukushiMapOptions.Section}:ConnectionString"] = db;
        }
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_STATE") is { Length: > 0 } state)
        {
            values[$"{FukushiMapOptions.Section}:StatePath"] = state;
        }
        values[$"{FukushiMapOptions.Section}:DataPath"] = DataPaths.Resolve();
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
