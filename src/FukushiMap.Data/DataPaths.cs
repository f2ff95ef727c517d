namespace FukushiMap.Data;

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
