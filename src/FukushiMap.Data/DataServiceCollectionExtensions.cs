using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FukushiMap.Data;

/// <summary>One place that knows how FukushiMap talks to PostGIS.</summary>
public static class FukushiMapDb
{
    /// <summary>
    /// Applies the provider options every context uses: NetTopologySuite, snake_case names, and retries when the database
    /// was briefly unavailable (<see cref="DatabaseRetryStrategy"/>).
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o =>
            {
                o.UseNetTopologySuite();
                o.MigrationsHistoryTable("__ef_migrations_history");
                o.CommandTimeout(600);
                o.ExecutionStrategy(d => new DatabaseRetryStrategy(d));
            })
            .UseSnakeCaseNamingConvention();

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
