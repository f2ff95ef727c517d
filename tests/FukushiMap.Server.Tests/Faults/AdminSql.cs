using Npgsql;

namespace FukushiMap.Server.Tests.Faults;

/// <summary>Plain SQL on an unpooled connection of its own, for tests that take a database away or damage it.</summary>
internal static class AdminSql
{
    /// <summary>Opens <paramref name="connectionString"/>, on <paramref name="database"/> instead when given.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (database is not null)
        {
            builder.Database = database;
        }
        var conn = new NpgsqlConnection(builder.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
