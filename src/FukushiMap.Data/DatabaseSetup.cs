using FukushiMap.Data.Import;
using FukushiMap.Data.Network;
using FukushiMap.Data.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FukushiMap.Data;

/// <summary>Brings a database up to date: migrations, built-in hub types, then the reference data.</summary>
public static class DatabaseSetup
{
    /// <summary>Applies migrations and seeds. <paramref name="dataPath"/> null skips the reference data.</summary>
    public static async Task PrepareAsync(FukushiMapDbContext db, string? dataPath, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        await EnsureHistoryTableAsync(db, ct);
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

    /// <summary>
    /// Creates the migrations history table when it is missing. Npgsql's provider finds out by querying the table and catching
    /// the failure, which EF logs as an error (<c>fail: Microsoft.EntityFrameworkCore.Database.Command</c>) on every first start;
    /// asking the catalogue first keeps a normal first start free of error lines.
    /// </summary>
    private static async Task EnsureHistoryTableAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        // A plain command, not a LINQ query: nothing to compile on the way to a command's first answer.
        // to_regclass resolves the name as an unqualified query would (search_path), as the provider does.
        await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        await using var check = db.Database.GetDbConnection().CreateCommand();
        check.CommandText = $"SELECT to_regclass('{FukushiMapDb.MigrationsHistoryTable}') IS NOT NULL";
        if (await check.ExecuteScalarAsync(ct) is not true)
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        }
    }
}
