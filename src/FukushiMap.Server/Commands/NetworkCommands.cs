using System.Globalization;
using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Network;
using FukushiMap.Server.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Commands;

/// <summary>Walking-network commands: <c>import network</c>, <c>network list</c>, <c>network activate</c> and <c>distances</c>.</summary>
public static class NetworkCommands
{
    /// <summary>
    /// <c>./fukushimap import network &lt;file.osm.pbf | edges.geojson&gt; --name &lt;name&gt; [--nodes nodes.csv] [--municipality 35202]
    /// [--margin 1000] [--replace]</c>. A PBF with a municipality is clipped to its boundary plus the margin (metres), streaming.
    /// </summary>
    public static async Task<int> ImportAsync(CliArgs args, IServiceProvider services, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new CliException("使い方: ./fukushimap import network <ファイル.osm.pbf | 道路.geojson> --name <名前> [--nodes ノード.csv] " +
                "[--municipality 35202 [--margin 1000]] [--replace]");
        }
        var path = Path.GetFullPath(args.Positional[0]);
        var margin = args.GetDouble("margin");
        if (margin is not null && (args.Get("municipality") is null || !path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CliException("--margin は PBF ファイルを --municipality の境界で切り出すときだけ使えます。");
        }
        if (margin is { } metres && !(metres >= 0 && metres <= NetworkImportRequest.MaxMarginMetres))
        {
            throw new CliException($"--margin は 0〜{NetworkImportRequest.MaxMarginMetres:N0}（メートル）で指定してください。");
        }
        var name = args.Get("name") ?? Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(path));
        await using var scope = await CommandScope.OpenAsync(services, ct);
        var db = scope.Db;
        try
        {
            var network = await NetworkImporter.ImportAsync(db, new NetworkImportRequest(path, name)
            {
                NodesPath = args.Get("nodes") is { } n ? Path.GetFullPath(n) : null,
                MunicipalityCode = args.Get("municipality"),
                MarginMetres = margin ?? NetworkImportRequest.DefaultMarginMetres,
                Replace = args.Has("replace"),
            }, new ConsoleLines(), ct);
            Console.WriteLine($"ネットワーク「{network.Name}」を取り込みました: ノード {network.NodeCount:N0} 個、道路 {network.EdgeCount:N0} 本");
            if (await NetworkActivation.ActivateIfNoneLiveAsync(db, network, ct: ct) is { } activation)
            {
                Console.WriteLine(activation.Message);
            }
            return 0;
        }
        catch (NetworkImportException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary><c>./fukushimap network list [--municipality 35202]</c>: every network, the live one of each municipality marked.</summary>
    public static async Task<int> ListAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        var db = scope.Db;
        var code = args.Get("municipality");
        var live = await db.ActiveNetworks.AsNoTracking().ToDictionaryAsync(a => a.NetworkId, ct);
        var networks = await db.RoadNetworks.AsNoTracking().Where(n => code == null || n.MunicipalityCode == code)
            .OrderBy(n => n.MunicipalityCode).ThenByDescending(n => n.ImportedAt).ToListAsync(ct);
        if (networks.Count == 0)
        {
            output.WriteLine("歩行ネットワークはまだありません（./fukushimap import network）。");
            return 0;
        }
        output.WriteLine("使用中  市区町村  名前  取り込み日時  道路  ノード  使用開始");
        foreach (var n in networks)
        {
            var active = live.GetValueOrDefault(n.Id);
            output.WriteLine(string.Join("  ", active is null ? "  " : " ✓", n.MunicipalityCode ?? "—", n.Name, Tokyo(n.ImportedAt),
                $"{n.EdgeCount:N0} 本", $"{n.NodeCount:N0} 個", active is null ? "—" : Tokyo(active.ActivatedAt)));
        }
        return 0;
    }

    /// <summary>
    /// <c>./fukushimap network activate --name &lt;name&gt; --municipality &lt;code&gt; [--confirm]</c>: checks the network and makes it the
    /// municipality's live one. Exit 0 when it is live, 1 when refused (the live one keeps serving).
    /// </summary>
    public static async Task<int> ActivateAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var name = args.Require("name");
        var code = args.Require("municipality");
        if (code.Length != 5 || !code.All(char.IsAsciiDigit))
        {
            throw new CliException($"--municipality は5桁の市区町村コードです（「{code}」）。");
        }
        await using var scope = await CommandScope.OpenAsync(services, ct);
        ActivationResult result;
        try
        {
            result = await NetworkActivation.ActivateAsync(scope.Db, name, code, args.Has("confirm"), ct: ct);
        }
        catch (KeyNotFoundException e)
        {
            throw new CliException(e.Message);
        }
        (result.IsLive ? output : Console.Error).WriteLine(result.Message);
        return result.IsLive ? 0 : 1;
    }

    private static string Tokyo(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>./fukushimap distances --network &lt;name | file&gt; --sources &lt;points.geojson&gt; [--max-metres M] [--municipality 35202]</c>:
    /// CSV <c>node_id,source_id,metres</c> for every node (source_id and metres empty where nothing is within M).
    /// Sources are snapped onto the nearest edge (the snap distance is walked); sources farther than 500 m from any edge are listed
    /// on stderr and take no part.
    /// </summary>
    public static async Task<int> DistancesAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var networkArg = args.Require("network");
        var sourcesPath = args.Require("sources");
        var maxMetres = args.GetDouble("max-metres") ?? double.PositiveInfinity;
        if (maxMetres <= 0)
        {
            throw new CliException("--max-metres は正の数で指定してください。");
        }
        WalkingGraph graph;
        PlaneProjector projector;
        if (File.Exists(networkArg))
        {
            int? srid = args.Get("municipality") is { } code ? PlaneRectangularZones.SridForMunicipality(code) : null;
            try
            {
                (var data, projector, _) = NetworkImporter.Read(new NetworkImportRequest(Path.GetFullPath(networkArg), "file"), srid, new ConsoleLines(), ct);
                graph = NetworkGraphs.FromData(data, projector);
            }
            catch (NetworkImportException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
        else
        {
            await using var scope = await CommandScope.OpenAsync(services, ct);
            try
            {
                var loaded = await NetworkLoader.LoadAsync(scope.Db, networkArg, ct);
                (graph, projector) = (loaded.Graph, loaded.Projector);
            }
            catch (KeyNotFoundException e)
            {
                throw new CliException(e.Message + "（ファイルのパスか、取り込み済みのネットワーク名を指定してください）");
            }
        }

        var sources = SourcePoints.Read(sourcesPath);
        var snapper = new NetworkSnapper(graph);
        var origins = new List<SearchOrigin>();
        var originIds = new List<string>();
        foreach (var (id, lon, lat) in sources)
        {
            var (x, y) = projector.ToPlane(lon, lat);
            var snap = snapper.Snap(x, y);
            if (!snap.IsOnNetwork)
            {
                Console.Error.WriteLine($"起点 {id} は道路から {snap.SnapMetres:N0} m 離れているため使いません（上限 {snapper.MaxSnapMetres:N0} m）。");
                continue;
            }
            origins.Add(SearchOrigin.FromSnap(snap));
            originIds.Add(id);
        }
        var search = new MultiSourceDijkstra(graph);
        search.Run(origins.ToArray(), maxMetres, ct);

        output.WriteLine("node_id,source_id,metres");
        var order = Enumerable.Range(0, graph.NodeCount).OrderBy(graph.NodeId);
        foreach (var node in order)
        {
            var id = graph.NodeId(node).ToString(CultureInfo.InvariantCulture);
            if (search.IsReached(node))
            {
                output.Write(id);
                output.Write(',');
                output.Write(Csv.Text(originIds[search.NearestSource(node)]));
                output.Write(',');
                output.WriteLine(search.Metres(node).ToString("0.###", CultureInfo.InvariantCulture));
            }
            else
            {
                output.Write(id);
                output.WriteLine(",,");
            }
        }
        await output.FlushAsync(ct);
        return 0;
    }

    /// <summary>Reports on the calling thread, so progress lines keep their order.</summary>
    private sealed class ConsoleLines : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine("==> " + value);
    }
}
