using FukushiMap.Data.Network;
using FukushiMap.Server.Infrastructure;

namespace FukushiMap.Server.Commands;

/// <summary>Walking-network commands: <c>import network</c> and <c>distances</c>.</summary>
public static class NetworkCommands
{
    /// <summary>
    /// <c>./fukushimap import network &lt;file.osm.pbf | edges.geojson&gt; --name &lt;name&gt; [--nodes nodes.csv] [--municipality 35202] [--replace]</c>
    /// </summary>
    public static async Task<int> ImportAsync(CliArgs args, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new CliException("使い方: ./fukushimap import network <ファイル.osm.pbf | 道路.geojson> --name <名前> [--nodes ノード.csv] [--municipality 35202] [--replace]");
        }
        var path = Path.GetFullPath(args.Positional[0]);
        var name = args.Get("name") ?? Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(path));
        await using var db = await CommandLine.OpenDatabaseAsync(ct);
        try
        {
            var network = await NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, name)
            {
                NodesPath = args.Get("nodes") is { } n ? Path.GetFullPath(n) : null,
                MunicipalityCode = args.Get("municipality"),
                Replace = args.Has("replace"),
            }, new ConsoleLines(), ct);
            Console.WriteLine($"ネットワーク「{network.Name}」を取り込みました: ノード {network.NodeCount:N0} 個、道路 {network.EdgeCount:N0} 本");
            return 0;
        }
        catch (NetworkImportException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    public static Task<int> DistancesAsync(CliArgs args, TextWriter output, CancellationToken ct)
    {
        throw new CliException("distances はまだ使えません。");
    }

    /// <summary>Reports on the calling thread, so progress lines keep their order.</summary>
    private sealed class ConsoleLines : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine("==> " + value);
    }
}
