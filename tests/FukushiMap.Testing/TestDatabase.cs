using FukushiMap.Data;
using Npgsql;

namespace FukushiMap.Testing;

/// <summary>
/// A real PostGIS database for one test assembly: <c>{FUKUSHIMAP_TEST_DB's database}_{suffix}</c>, created when
/// missing, migrated, with the built-in hub types and (optionally) the reference data loaded once.
/// Test assemblies run in parallel, so each gets its own database. A new database with the reference data is copied from
/// one template (<c>{database}_template</c>, loaded once per cluster and brought up to date under an advisory lock), so the
/// ten seed cities and the walking network are imported once, not once per fixture.
/// </summary>
public sealed class TestDatabase
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static readonly Dictionary<string, TestDatabase> s_prepared = [];

    private TestDatabase(string connectionString, string? dataPath)
    {
        ConnectionString = connectionString;
        DataPath = dataPath;
    }

    /// <summary>Connection string of this assembly's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The reference data folder (../shared/gis-data or FUKUSHIMAP_DATA).</summary>
    public string? DataPath { get; }

    /// <summary>A new context on this database.</summary>
    public FukushiMapDbContext CreateContext() => FukushiMapDb.CreateContext(ConnectionString);

    /// <summary>Creates (once per process) and prepares the database for <paramref name="suffix"/>.</summary>
    public static async Task<TestDatabase> GetAsync(string suffix, bool withReferenceData)
    {
        var baseConnection = Environment.GetEnvironmentVariable("FUKUSHIMAP_TEST_DB");
        if (string.IsNullOrEmpty(baseConnection))
        {
            throw new InvalidOperationException(
                "FUKUSHIMAP_TEST_DB が設定されていません。テストは ./fukushimap test で実行してください（PostGIS を用意して接続先を渡します）。");
        }
        var key = $"{suffix}|{withReferenceData}";
        await s_gate.WaitAsync();
        try
        {
            if (s_prepared.TryGetValue(key, out var ready))
            {
                return ready;
            }
            var builder = new NpgsqlConnectionStringBuilder(baseConnection);
            var name = $"{builder.Database}_{suffix}";
            var dataPath = FindDataPath();
            if (withReferenceData && dataPath is not null)
            {
                await CopyTemplateIfMissingAsync(builder, name, dataPath);
            }
            await CreateIfMissingAsync(builder, name);
            builder.Database = name;
            var db = new TestDatabase(builder.ConnectionString, dataPath);
            await using (var context = db.CreateContext())
            {
                await DatabaseSetup.PrepareAsync(context, withReferenceData ? dataPath : null);
            }
            s_prepared[key] = db;
            return db;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>
    /// A new, empty database <c>{FUKUSHIMAP_TEST_DB's database}_{suffix}</c> (dropped first when left from an earlier run) with
    /// only PostGIS and pgRouting installed, as the front door leaves one before the first start: no tables, no migrations.
    /// </summary>
    public static async Task<string> CreateEmptyAsync(string suffix)
    {
        var baseConnection = Environment.GetEnvironmentVariable("FUKUSHIMAP_TEST_DB");
        if (string.IsNullOrEmpty(baseConnection))
        {
            throw new InvalidOperationException("FUKUSHIMAP_TEST_DB が設定されていません。テストは ./fukushimap test で実行してください。");
        }
        var builder = new NpgsqlConnectionStringBuilder(baseConnection);
        var name = $"{builder.Database}_{suffix}";
        var admin = new NpgsqlConnectionStringBuilder(baseConnection) { Database = "postgres", Pooling = false };
        await using (var conn = new NpgsqlConnection(admin.ConnectionString))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }
        await CreateIfMissingAsync(builder, name);
        builder.Database = name;
        return builder.ConnectionString;
    }

    /// <summary>FUKUSHIMAP_DATA, else ../shared/gis-data beside the repository (the same rule as the server).</summary>
    public static string? FindDataPath() => DataPaths.Resolve();

    /// <summary>The reference data folder; fails the test with a clear message when it is missing.</summary>
    public static string RequireDataPath() =>
        FindDataPath() ?? throw new InvalidOperationException("参照データ ../shared/gis-data が見つかりません（FUKUSHIMAP_DATA で指定できます）。");

    /// <summary>
    /// Creates <paramref name="name"/> as a copy of the reference template when it does not exist. The template is prepared
    /// (migrations, reference data: only what it lacks) under an advisory lock, since test assemblies run in parallel processes,
    /// and copied with no connection left open on it (CREATE DATABASE … TEMPLATE requires that).
    /// </summary>
    private static async Task CopyTemplateIfMissingAsync(NpgsqlConnectionStringBuilder builder, string name, string dataPath)
    {
        var template = $"{builder.Database}_template";
        var admin = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        if (await ExistsAsync(conn, name))
        {
            return;
        }
        // Another test process may be preparing the template (migrations and every seed city's reference data: minutes on a
        // fresh cluster): wait for it as long as it takes, not the 30 s a command may normally run.
        await using (var lockTemplate = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@t))", conn) { CommandTimeout = 0 })
        {
            lockTemplate.Parameters.AddWithValue("t", template);
            await lockTemplate.ExecuteNonQueryAsync();
        }
        try
        {
            await CreateIfMissingAsync(builder, template);
            var target = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = template, Pooling = false };
            await using (var context = FukushiMapDb.CreateContext(target.ConnectionString))
            {
                await DatabaseSetup.PrepareAsync(context, dataPath);
            }
            // The preparation's pooled connections (PostGIS type reload) must not hold the template open.
            NpgsqlConnection.ClearAllPools();
            if (!await ExistsAsync(conn, name))
            {
                await using var copy = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", conn) { CommandTimeout = 600 };
                await copy.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext(@t))", conn);
            unlock.Parameters.AddWithValue("t", template);
            await unlock.ExecuteNonQueryAsync();
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection admin, string name)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", admin);
        exists.Parameters.AddWithValue("n", name);
        return await exists.ExecuteScalarAsync() is not null;
    }

    private static async Task CreateIfMissingAsync(NpgsqlConnectionStringBuilder builder, string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        if (await ExistsAsync(conn, name))
        {
            return;
        }
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn))
        {
            await create.ExecuteNonQueryAsync();
        }
        var target = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = name, Pooling = false };
        await using var tconn = new NpgsqlConnection(target.ConnectionString);
        await tconn.OpenAsync();
        await using var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting;", tconn);
        await ext.ExecuteNonQueryAsync();
    }
}
