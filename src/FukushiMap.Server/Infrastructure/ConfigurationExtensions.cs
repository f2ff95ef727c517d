namespace FukushiMap.Server.Infrastructure;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Maps the front door's environment variables onto configuration keys:
    /// FUKUSHIMAP_DB → FukushiMap:ConnectionString, FUKUSHIMAP_DATA → FukushiMap:DataPath.
    /// </summary>
    public static IConfigurationBuilder AddFukushiMapEnvironment(this IConfigurationBuilder configuration)
    {
        var values = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_DB") is { Length: > 0 } db)
        {
            values[$"{FukushiMapOptions.Section}:ConnectionString"] = db;
        }
        values[$"{FukushiMapOptions.Section}:DataPath"] = DataPaths.Resolve();
        return configuration.AddInMemoryCollection(values);
    }
}

/// <summary>Where the reference data is: FUKUSHIMAP_DATA, else ../shared/gis-data beside the repository.</summary>
public static class DataPaths
{
    public static string? Resolve()
    {
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA") is { Length: > 0 } fromEnv)
        {
            return Path.GetFullPath(fromEnv);
        }
        // Walk up from the binary to the repository root (the folder with FukushiMap.sln), then ../shared/gis-data.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FukushiMap.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "gis-data"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
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
