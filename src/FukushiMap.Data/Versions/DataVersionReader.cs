using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FukushiMap.Data.Versions;

/// <summary>The dataset tables whose changes running servers follow (the triggers of migration DataVersions).</summary>
public static class DataTables
{
    public const string Datasets = "datasets";
    public const string Municipalities = "municipalities";
    public const string HubTypes = "hub_types";
    public const string Hubs = "hubs";
    public const string DistrictLayers = "district_layers";
    public const string Districts = "districts";
    public const string PopulationUnits = "population_units";
    public const string Shelters = "shelters";
    public const string Facilities = "facilities";
    public const string Networks = "networks";
    public const string ActiveNetworks = "active_networks";
}

/// <summary>
/// The version of each dataset table: the number of its latest change in <c>data_changes</c>. Numbers come from one sequence,
/// so the largest version among the tables a result was built from changes whenever any of them changes (see <see cref="Stamp"/>).
/// </summary>
public sealed class DataVersionSet
{
    public static readonly DataVersionSet Empty = new(FrozenDictionary<string, long>.Empty);

    private readonly FrozenDictionary<string, long> _versions;

    public DataVersionSet(IReadOnlyDictionary<string, long> versions) => _versions = versions.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The version of one table (0 when it never changed).</summary>
    public long this[string table] => _versions.GetValueOrDefault(table);

    /// <summary>One number that changes when any of <paramref name="tables"/> changes.</summary>
    public long Stamp(params ReadOnlySpan<string> tables)
    {
        long stamp = 0;
        foreach (var t in tables)
        {
            stamp = Math.Max(stamp, this[t]);
        }
        return stamp;
    }

    public bool SameAs(DataVersionSet other) =>
        _versions.Count == other._versions.Count && _versions.All(kv => other._versions.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>Reads the dataset versions (one indexed query) and names what the triggers watch.</summary>
public static class DataVersionReader
{
    /// <summary>The PostgreSQL notification channel the triggers notify on commit (payload: the table name).</summary>
    public const string Channel = "fukushimap_data";

    /// <summary>Tables with a change trigger.</summary>
    public static readonly string[] Tables =
    [
        DataTables.Datasets, DataTables.Municipalities, DataTables.HubTypes, DataTables.Hubs, DataTables.DistrictLayers,
        DataTables.Districts, DataTables.PopulationUnits, DataTables.Shelters, DataTables.Networks, DataTables.ActiveNetworks,
        DataTables.Facilities,
    ];

    /// <summary>The versions now (one probe per table on the (dataset, id) index); empty before the migration ran.</summary>
    public static async Task<DataVersionSet> ReadAsync(NpgsqlConnection connection, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT t, coalesce((SELECT max(id) FROM data_changes WHERE dataset = t), 0)
            FROM unnest($1::text[]) AS t
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Tables });
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A database not migrated yet: nothing has a version, and nothing is cached from it.
            return DataVersionSet.Empty;
        }
        return new DataVersionSet(versions);
    }

    /// <summary>The versions now, through the context's connection.</summary>
    public static async Task<DataVersionSet> ReadAsync(FukushiMapDbContext db, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await ReadAsync((NpgsqlConnection)db.Database.GetDbConnection(), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Keeps only each table's latest change (the history is not needed; the versions stay the same).</summary>
    public static Task<int> PruneAsync(FukushiMapDbContext db, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync(
            "DELETE FROM data_changes d WHERE d.id < (SELECT max(e.id) FROM data_changes e WHERE e.dataset = d.dataset)", ct);
}
