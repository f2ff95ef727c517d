using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FukushiMap.Data;

/// <summary>One place that knows how FukushiMap talks to PostGIS.</summary>
public static class FukushiMapDb
{
    /// <summary>The table EF keeps applied migrations in (snake_case like the rest).</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// Applies the provider options every context uses: NetTopologySuite, snake_case names, and retries when the database
    /// was briefly unavailable (<see cref="DatabaseRetryStrategy"/>).
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o =>
            {
                o.UseNetTopologySuite();
                o.MigrationsHistoryTable(MigrationsHistoryTable);
                o.CommandTimeout(600);
                o.ExecutionStrategy(d => new DatabaseRetryStrategy(d));
            })
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Opens <paramref name="db"/>'s connection and tries it, retrying on another connection when the pooled one was closed by
    /// the server (a database restart). EF retries its own commands; raw Npgsql commands and transactions opened by the caller
    /// are not retried, so they start from here.
    /// </summary>
    public static Task OpenCheckedConnectionAsync(DbContext db, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var ping = db.Database.GetDbConnection().CreateCommand();
                ping.CommandText = "SELECT 1";
                await ping.ExecuteNonQueryAsync(ct);
            }
            catch
            {
                await db.Database.CloseConnectionAsync();
                throw;
            }
        });

    /// <summary>Creates a context outside dependency injection (CLI, tests).</summary>
    public static FukushiMapDbContext CreateContext(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<FukushiMapDbContext>();
        Configure(builder, connectionString);
        return new FukushiMapDbContext(builder.Options);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<FukushiMapDbContext>
{
    public FukushiMapDbContext CreateDbContext(string[] args) =>
        FukushiMapDb.CreateContext(Environment.GetEnvironmentVariable("FUKUSHIMAP_DB") ?? "Host=127.0.0.1;Database=design");
}
