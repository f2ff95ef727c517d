namespace FukushiMap.Data.Import;

/// <summary>Progress of a long step: what is being done and how far it has got.</summary>
/// <param name="Step">Step number, 1-based.</param>
/// <param name="Steps">Number of steps.</param>
/// <param name="Message">What is being done, in Japanese, for the person at the terminal.</param>
public sealed record ImportProgress(int Step, int Steps, string Message);

/// <summary>
/// Loads the reference data (宇部市 and 札幌市's school districts) from ../shared/gis-data on first start.
/// Idempotent: a dataset already imported is not imported twice.
/// </summary>
public static class ReferenceData
{
    /// <summary>Imports every reference dataset that is not in the database yet.</summary>
    public static Task EnsureLoadedAsync(FukushiMapDbContext db, string dataPath, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        // Implemented with the importers.
        return Task.CompletedTask;
    }
}
