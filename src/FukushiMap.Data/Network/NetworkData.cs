using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Network;

/// <summary>A network read from a file, validated, not yet stored. Coordinates are lon/lat (SRID 6668).</summary>
public sealed class NetworkData
{
    public required string Format { get; init; }
    public Dictionary<long, Coordinate> Nodes { get; } = [];
    public List<NetworkEdgeData> Edges { get; } = [];

    /// <summary>Problems found while reading; a network with any problem is never stored.</summary>
    public List<NetworkProblem> Problems { get; } = [];
}

/// <summary>One edge. <see cref="Cost"/>/<see cref="ReverseCost"/> are metres; negative means not walkable that way.</summary>
public sealed record NetworkEdgeData(long Source, long Target, double Cost, double ReverseCost, double LengthM,
    string? Highway, string? Name, string? OsmWay, Coordinate[] Coordinates);

/// <summary>A problem in a network file: where (row = feature or element number) and why, in Japanese.</summary>
public sealed record NetworkProblem(string File, long? Row, string? Field, string Reason)
{
    public override string ToString() =>
        $"{Path.GetFileName(File)}{(Row is null ? "" : $" {Row}行目")}{(Field is null ? "" : $" 「{Field}」")}: {Reason}";
}

/// <summary>A network file that cannot be imported; nothing was stored.</summary>
public sealed class NetworkImportException(IReadOnlyList<NetworkProblem> problems)
    : Exception("道路ネットワークを取り込めませんでした（何も保存していません）:\n" + string.Join("\n", problems.Take(50).Select(p => "  " + p)))
{
    public IReadOnlyList<NetworkProblem> Problems { get; } = problems;
}
