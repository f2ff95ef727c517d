using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Tests;

/// <summary>
/// <see cref="DatabaseSetup.IsPreparedAsync"/>, the plain check that lets a command skip EF's migration check: it says
/// "prepared" only when <see cref="DatabaseSetup.PrepareAsync"/> would have nothing to do.
/// </summary>
public class DatabaseSetupTests
{
    [Fact]
    public async Task ADatabaseIsPreparedOnlyWithEveryMigrationAndEveryBuiltInHubType()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync("setup");
        Assert.False(await DatabaseSetup.IsPreparedAsync(connectionString, default));

        await using var db = FukushiMapDb.CreateContext(connectionString);
        await DatabaseSetup.PrepareAsync(db, dataPath: null);
        Assert.True(await DatabaseSetup.IsPreparedAsync(connectionString, default));

        await db.HubTypes.Where(t => t.Key == "kodomo-shokudo").ExecuteDeleteAsync();
        Assert.False(await DatabaseSetup.IsPreparedAsync(connectionString, default));

        await DatabaseSetup.PrepareAsync(db, dataPath: null);
        Assert.True(await DatabaseSetup.IsPreparedAsync(connectionString, default));

        var applied = (await db.Database.GetAppliedMigrationsAsync()).Last();
        await db.Database.ExecuteSqlAsync($"DELETE FROM __ef_migrations_history WHERE migration_id = {applied}");
        Assert.False(await DatabaseSetup.IsPreparedAsync(connectionString, default));
    }

    [Fact]
    public async Task ADatabaseThatCannotBeReachedIsNotPrepared()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync("setup_missing");
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "fukushimap_no_such_database" }.ConnectionString;

        Assert.False(await DatabaseSetup.IsPreparedAsync(missing, default));
    }
}
