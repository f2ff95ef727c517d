using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace FukushiMap.Data.Network;

/// <summary>Stores a validated network in one transaction (all or nothing), with COPY for speed.</summary>
public static class NetworkStore
{
    private static readonly GeometryFactory s_lonLat = new(new PrecisionModel(), 6668);

    /// <summary>
    /// Saves <paramref name="data"/> as network <paramref name="name"/>. Throws <see cref="NetworkImportException"/> when the data has
    /// problems or the name is taken (unless <paramref name="replace"/>). Nothing is stored on any failure.
    /// </summary>
    public static async Task<RoadNetwork> SaveAsync(FukushiMapDbContext db, NetworkData data, string name, string? municipalityCode,
        int? planeSrid, string? planeDefinition, Dataset? dataset, bool replace, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        if (data.Problems.Count > 0)
        {
            throw new NetworkImportException(data.Problems);
        }
        if (data.Edges.Count == 0)
        {
            throw new NetworkImportException([new NetworkProblem(name, null, null, "歩ける道が一本もありません。")]);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.RoadNetworks.SingleOrDefaultAsync(n => n.Name == name, ct);
        if (existing is not null)
        {
            if (!replace)
            {
                throw new NetworkImportException([new NetworkProblem(name, null, null, $"ネットワーク「{name}」はすでにあります（置き換えるには --replace）。")]);
            }
            if (await db.ActiveNetworks.AnyAsync(a => a.NetworkId == existing.Id, ct))
            {
                throw new NetworkImportException([new NetworkProblem(name, null, null,
                    $"ネットワーク「{name}」は使用中のため置き換えられません。別の名前で取り込み、検査に通ったら ./fukushimap network activate で切り替えてください。")]);
            }
            db.RoadNetworks.Remove(existing);
            await db.SaveChangesAsync(ct);
        }
        if (dataset is not null && dataset.Id == 0)
        {
            db.Datasets.Add(dataset);
        }
        var network = new RoadNetwork
        {
            Name = name,
            MunicipalityCode = municipalityCode,
            PlaneSrid = planeSrid,
            PlaneDefinition = planeDefinition,
            Format = data.Format,
            NodeCount = data.Nodes.Count,
            EdgeCount = data.Edges.Count,
            Dataset = dataset,
            ImportedAt = DateTimeOffset.UtcNow,
        };
        db.RoadNetworks.Add(network);
        await db.SaveChangesAsync(ct);

        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        progress?.Report($"ノード {data.Nodes.Count:N0} 個を保存中…");
        await using (var copy = await conn.BeginBinaryImportAsync("COPY network_nodes (network_id, id, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (id, c) in data.Nodes)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(network.Id, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync((Geometry)s_lonLat.CreatePoint(c), NpgsqlDbType.Geometry, ct);
            }
            await copy.CompleteAsync(ct);
        }
        progress?.Report($"道路 {data.Edges.Count:N0} 本を保存中…");
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY network_edges (network_id, source, target, cost, reverse_cost, length_m, highway, name, osm_way, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var e in data.Edges)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(network.Id, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(e.Source, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Target, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Cost, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(e.ReverseCost, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(e.LengthM, NpgsqlDbType.Double, ct);
                await WriteTextAsync(copy, e.Highway, ct);
                await WriteTextAsync(copy, e.Name, ct);
                await WriteTextAsync(copy, e.OsmWay, ct);
                await copy.WriteAsync((Geometry)s_lonLat.CreateLineString(e.Coordinates), NpgsqlDbType.Geometry, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await db.Database.ExecuteSqlRawAsync("ANALYZE network_edges; ANALYZE network_nodes;", ct);
        await tx.CommitAsync(ct);
        return network;
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);
}
