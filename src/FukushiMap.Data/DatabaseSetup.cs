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
        var pending = await PendingMigrationCountAsync(db, ct);
        if (pending > 0)
        {
            progress?.Report(new ImportProgress(0, 0, $"データベースを更新中（マイグレーション {pending} 件）…"));
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
    /// Whether <see cref="PrepareAsync"/> has nothing to do (reference data aside): every migration of the code applied and every
    /// built-in hub type there, asked over one plain connection. A command that starts for one list answers from this without
    /// building EF's model, most of its start. Any failure answers false: <see cref="PrepareAsync"/> then retries and says what
    /// is wrong.
    /// </summary>
    public static async Task<bool> IsPreparedAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using (var tables = connection.CreateCommand())
            {
                tables.CommandText = $"SELECT to_regclass('{FukushiMapDb.MigrationsHistoryTable}') IS NOT NULL AND to_regclass('hub_types') IS NOT NULL";
                if (await tables.ExecuteScalarAsync(ct) is not true)
                {
                    return false;
                }
            }
            var migrations = MigrationIds();
            string[] keys = [.. HubTypeSeed.Types.Select(t => t.Key)];
            await using var check = connection.CreateCommand();
            check.CommandText = $"""
                SELECT (SELECT count(*) FROM {FukushiMapDb.MigrationsHistoryTable} WHERE migration_id = ANY(@ids)) = @migrations
                   AND (SELECT count(*) FROM hub_types WHERE key = ANY(@keys)) = @types
                """;
            check.Parameters.Add(new Npgsql.NpgsqlParameter("ids", migrations));
            check.Parameters.Add(new Npgsql.NpgsqlParameter("migrations", (long)migrations.Length));
            check.Parameters.Add(new Npgsql.NpgsqlParameter("keys", keys));
            check.Parameters.Add(new Npgsql.NpgsqlParameter("types", (long)keys.Length));
            return await check.ExecuteScalarAsync(ct) is true;
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>The ids of the code's migrations, read from their attributes as EF does, without EF's services.</summary>
    private static string[] MigrationIds() =>
    [
        .. typeof(FukushiMapDbContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(DbContextAttribute), false).OfType<DbContextAttribute>().Any(a => a.ContextType == typeof(FukushiMapDbContext)))
            .Select(t => t.GetCustomAttributes(typeof(MigrationAttribute), false).OfType<MigrationAttribute>().FirstOrDefault()?.Id)
            .OfType<string>(),
    ];

    /// <summary>
    /// How many of the code's migrations the database has not applied, by two plain commands. The history table is created
    /// when it is missing: Npgsql's provider finds that out by querying the table and catching the failure, which EF logs as
    /// an error (<c>fail: Microsoft.EntityFrameworkCore.Database.Command</c>) on every first start. Plain commands also keep
    /// the check cheap for a command line that starts for one list (no LINQ to compile, no model of the history table).
    /// </summary>
    private static async Task<int> PendingMigrationCountAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        var migrations = db.Database.GetMigrations().ToArray();
        await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        var connection = db.Database.GetDbConnection();
        await using (var exists = connection.CreateCommand())
        {
            // to_regclass resolves the name as an unqualified query would (search_path), as the provider does.
            exists.CommandText = $"SELECT to_regclass('{FukushiMapDb.MigrationsHistoryTable}') IS NOT NULL";
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
                return migrations.Length;
            }
        }
        await using var applied = connection.CreateCommand();
        applied.CommandText = $"SELECT count(*) FROM {FukushiMapDb.MigrationsHistoryTable} WHERE migration_id = ANY(@ids)";
        applied.Parameters.Add(new Npgsql.NpgsqlParameter("ids", migrations));
        return migrations.Length - Convert.ToInt32(await applied.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
