using System.Diagnostics;
using System.Globalization;
using FukushiMap.Core.Network;

namespace FukushiMap.Bench;

/// <summary>Per node index: metres to the nearest hub (+∞ when none within the bound) and that hub's node index (-1).</summary>
public sealed record ScipyCoverage(double[] Metres, int[] NearestHubNodes);

/// <summary>
/// The scipy peer: scipy.sparse.csgraph.dijkstra (C, min_only, limit) in a Python process (Debian's python3-scipy), over the
/// same edge table pgRouting reads (network_edges), exported once as arcs between the engine's node indices. The process
/// stays up for the whole run and times its own calls (the round trip over the pipe is not charged to it), so its calls can
/// take turns with the engine's like every other side.
/// </summary>
public sealed class ScipyPeer : IDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ScipyPeer(Process process, string folder, string versions)
    {
        _process = process;
        _folder = folder;
        Versions = versions;
    }

    /// <summary>"scipy 1.10.1 numpy 1.24.2".</summary>
    public string Versions { get; }

    /// <summary>Arcs handed to scipy (parallel arcs between the same two nodes merged to the cheapest: a sparse matrix holds one entry per pair).</summary>
    public int ArcCount { get; private set; }

    /// <summary>Parallel arcs merged away by the export.</summary>
    public int MergedArcs { get; private set; }

    /// <summary>Starts the peer, or null with the reason when Python with scipy is not there.</summary>
    public static ScipyPeer? TryStart(out string? whyNot)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scipy_peer.py");
        // Debian's interpreter first: python3-scipy is installed for it, whatever a version manager puts first on PATH.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python, ["-u", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            whyNot = $"{python} を起動できません: {e.Message}";
            return null;
        }
        var first = process.StandardOutput.ReadLine();
        if (first is null || !first.StartsWith("ready ", StringComparison.Ordinal))
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            whyNot = $"scipy を読み込めません（python3-scipy）: {error.Trim().Split('\n').LastOrDefault()}";
            return null;
        }
        whyNot = null;
        var folder = Path.Combine(Path.GetTempPath(), $"fukushimap-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        return new ScipyPeer(process, folder, first["ready ".Length..]);
    }

    /// <summary>
    /// Exports the walkable directions of the network's stored edges as arcs between the engine's node indices and has scipy
    /// build its matrix from them.
    /// </summary>
    public void Load(List<EdgeRow> rows, WalkingGraph graph)
    {
        var cheapest = new Dictionary<(int, int), double>();
        var arcs = 0;
        foreach (var row in rows)
        {
            if (!graph.TryGetNodeIndex(row.Source, out var s) || !graph.TryGetNodeIndex(row.Target, out var t))
            {
                throw new BenchException($"辺の端点 {row.Source}–{row.Target} がグラフにありません。");
            }
            Add(s, t, row.Cost);
            Add(t, s, row.ReverseCost);
        }
        void Add(int from, int to, double cost)
        {
            if (!(cost >= 0) || !double.IsFinite(cost)) return; // negative: not walkable that way (pgRouting's convention)
            arcs++;
            cheapest[(from, to)] = cheapest.TryGetValue((from, to), out var c) ? Math.Min(c, cost) : cost;
        }
        ArcCount = cheapest.Count;
        MergedArcs = arcs - cheapest.Count;
        var path = Path.Combine(_folder, "arcs.bin");
        using (var w = new BinaryWriter(File.Create(path)))
        {
            w.Write((long)cheapest.Count);
            foreach (var ((s, _), _) in cheapest) w.Write(s);
            foreach (var ((_, t), _) in cheapest) w.Write(t);
            foreach (var (_, c) in cheapest) w.Write(c);
        }
        Ask($"load {graph.NodeCount} {path}", "ok");
    }

    /// <summary>Names a hub set (engine node indices) for later calls.</summary>
    public void DefineHubs(string name, IEnumerable<int> nodes) => Ask($"hubs {name} {string.Join(',', nodes)}", "ok");

    /// <summary>One timed all-node nearest-hub call; its wall and CPU milliseconds as scipy measured them.</summary>
    public (double WallMs, double CpuMs) NearestHub(string name, double limitMetres) =>
        Timed($"run {name} {limitMetres.ToString("R", CultureInfo.InvariantCulture)}");

    /// <summary>One timed build of the sparse matrix from the exported arcs (scipy's counterpart of building the graph).</summary>
    public (double WallMs, double CpuMs) BuildMatrix() => Timed("build");

    /// <summary>scipy's answer for every node, for the node-by-node comparison.</summary>
    public ScipyCoverage Answer(string name, double limitMetres, int nodeCount)
    {
        var path = Path.Combine(_folder, $"answer-{name}.bin");
        Ask($"dump {name} {limitMetres.ToString("R", CultureInfo.InvariantCulture)} {path}", "ok");
        using var r = new BinaryReader(File.OpenRead(path));
        var metres = new double[nodeCount];
        var hubs = new int[nodeCount];
        for (var i = 0; i < nodeCount; i++) metres[i] = r.ReadDouble();
        for (var i = 0; i < nodeCount; i++) hubs[i] = r.ReadInt32();
        return new ScipyCoverage(metres, hubs);
    }

    private (double WallMs, double CpuMs) Timed(string command)
    {
        var parts = Ask(command, "t").Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private string Ask(string command, string expect)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        var answer = _process.StandardOutput.ReadLine();
        if (answer is null || !(answer == expect || answer.StartsWith(expect + " ", StringComparison.Ordinal)))
        {
            var error = answer is null ? _process.StandardError.ReadToEnd() : answer;
            throw new BenchException($"scipy の計測に失敗しました（{command.Split(' ')[0]}）: {error.Trim()}");
        }
        return answer;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
