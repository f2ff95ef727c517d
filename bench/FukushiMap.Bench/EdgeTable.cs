using FukushiMap.Core.Network;
using Npgsql;

namespace FukushiMap.Bench;

/// <summary>One stored edge as pgRouting reads it (a negative cost: not walkable that way), with its length.</summary>
public readonly record struct EdgeRow(long Source, long Target, double Cost, double ReverseCost, double LengthMetres);

/// <summary>The network's stored edge table (network_edges), read once for the peers that take it from outside the database.</summary>
public static class EdgeTable
{
    public static List<EdgeRow> Read(NpgsqlConnection connection, int networkId)
    {
        var rows = new List<EdgeRow>();
        using var cmd = new NpgsqlCommand(
            "SELECT source, target, cost, reverse_cost, length_m FROM network_edges WHERE network_id = @network ORDER BY id", connection);
        cmd.Parameters.AddWithValue("network", networkId);
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(new EdgeRow(r.GetInt64(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)));
        return rows;
    }

    /// <summary>The engine's graph built from the rows: the nodes (ids and plane positions, from <paramref name="graph"/>), the edges without geometry.</summary>
    public static WalkingGraph Build(WalkingGraph graph, List<EdgeRow> rows)
    {
        var builder = new WalkingGraphBuilder();
        for (var i = 0; i < graph.NodeCount; i++) builder.AddNode(graph.NodeId(i), graph.NodeX(i), graph.NodeY(i));
        foreach (var e in rows) builder.AddEdge(e.Source, e.Target, e.Cost, e.ReverseCost, e.LengthMetres);
        return builder.Build();
    }
}
