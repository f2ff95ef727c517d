using Npgsql;

namespace FukushiMap.Testing;

/// <summary>Row counts of every table in the public schema: the proof that a refused import changed nothing.</summary>
public static class TableCounts
{
    public static async Task<Dictionary<string, long>> ReadAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new Dictionary<string, long>();
        foreach (var t in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{t}\"", conn);
            counts[t] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
