namespace FukushiMap.Data;

/// <summary>Where the reference data is: FUKUSHIMAP_DATA, else ../shared/gis-data beside the repository.</summary>
public static class DataPaths
{
    /// <summary>FUKUSHIMAP_DATA, else <see cref="BesideRepository"/>. The server and commands read it through their options instead.</summary>
    public static string? Resolve() =>
        Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA") is { Length: > 0 } fromEnv ? Path.GetFullPath(fromEnv) : BesideRepository();

    /// <summary><c>../shared/gis-data</c> beside the repository the binary was built in, when that folder exists.</summary>
    public static string? BesideRepository()
    {
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
