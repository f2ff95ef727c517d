using FukushiMap.Data.Import;
using FukushiMap.Data.Network;
using FukushiMap.Data.Seed;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data;

/// <summary>Brings a database up to date: migrations, built-in hub types, then the reference data.</summary>
public static class DatabaseSetup
{
    /// <summary>Applies migrations and seeds. <paramref name="dataPath"/> null skips the reference data.</summary>
    public static async Task PrepareAsync(FukushiMapDbContext db, string? dataPath, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            progress?.Report(new ImportProgress(0, 0, $"データベースを更新中（マイグレーション {pending.Count} 件）…"));
            await db.Database.MigrateAsync(ct);
            // PostGIS types were created by the migration; the open connection must learn them.
            await db.Database.CloseConnectionAsync();
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
        await HubTypeSeed.EnsureAsync(db, ct);
        if (dataPath is not null)
        {
            await ReferenceData.EnsureLoadedAsync(db, dataPath, progress, ct);
            await ReferenceNetworks.EnsureLoadedAsync(db, dataPath, progress, ct);
        }
    }
}
