using System.Globalization;

namespace FukushiMap.Core.Siting;

/// <summary>
/// An uncapacitated p-median test instance in J.E. Beasley's OR-Library format ("pmedN.txt"): first line
/// <c>n m p</c> (vertices, edges, medians), then <c>m</c> lines <c>i j cost</c>, undirected edges between vertices
/// numbered from 1; where an edge appears more than once the later line replaces the earlier one. Costs are the
/// all-pairs shortest-path distances over that graph; every vertex is a demand point of weight 1 and a candidate site.
/// </summary>
public sealed class OrLibraryPMedian
{
    private OrLibraryPMedian(int vertexCount, int edgeCount, int medianCount, float[][] distances)
    {
        VertexCount = vertexCount;
        EdgeCount = edgeCount;
        MedianCount = medianCount;
        Distances = distances;
    }

    /// <summary>n: vertices (each a demand point and a candidate).</summary>
    public int VertexCount { get; }

    /// <summary>m: edge lines declared in the header.</summary>
    public int EdgeCount { get; }

    /// <summary>p: medians to choose.</summary>
    public int MedianCount { get; }

    /// <summary>Shortest-path distances [from][to] (+∞ where the graph is disconnected).</summary>
    public IReadOnlyList<float[]> Distances { get; }

    /// <summary>Reads an instance file.</summary>
    /// <exception cref="FormatException">The file does not follow the format.</exception>
    public static OrLibraryPMedian Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    /// <summary>Reads an instance.</summary>
    /// <exception cref="FormatException">The text does not follow the format.</exception>
    public static OrLibraryPMedian Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var numbers = new List<long>();
        string? line;
        int lineNumber = 0;
        int n = 0, m = 0, p = 0;
        var edges = new Dictionary<(int, int), long>();
        int edgeLines = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 3) throw new FormatException($"Line {lineNumber}: expected three numbers, found {parts.Length}.");
            numbers.Clear();
            foreach (var part in parts)
            {
                if (!long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                    throw new FormatException($"Line {lineNumber}: '{part}' is not a whole number.");
                numbers.Add(v);
            }
            if (n == 0)
            {
                (n, m, p) = ((int)numbers[0], (int)numbers[1], (int)numbers[2]);
                if (n < 1 || m < 0 || p < 1 || p > n) throw new FormatException($"Line {lineNumber}: header 'n m p' = '{line.Trim()}' is not valid.");
                continue;
            }
            int i = (int)numbers[0], j = (int)numbers[1];
            long cost = numbers[2];
            if (i < 1 || i > n || j < 1 || j > n) throw new FormatException($"Line {lineNumber}: vertex out of 1..{n}.");
            if (cost < 0) throw new FormatException($"Line {lineNumber}: negative cost.");
            edgeLines++;
            if (i == j) continue;
            edges[(Math.Min(i, j) - 1, Math.Max(i, j) - 1)] = cost; // a later line replaces an earlier one
        }
        if (n == 0) throw new FormatException("The file is empty.");
        if (edgeLines != m) throw new FormatException($"The header declares {m} edges, the file holds {edgeLines}.");
        return new OrLibraryPMedian(n, m, p, AllPairs(n, edges));
    }

    /// <summary>
    /// The instance as a <see cref="SitingInstance"/>: n demand points of weight 1, n candidates, no existing facility.
    /// </summary>
    public SitingInstance ToInstance()
    {
        float max = 0;
        foreach (var row in Distances) foreach (float d in row) if (float.IsFinite(d) && d > max) max = d;
        return SitingInstanceBuilder.FromMatrix(Distances, existingCount: 0, unservedCost: max + 1.0);
    }

    /// <summary>The request this instance poses: p-median with p added sites.</summary>
    public SitingRequest ToRequest() => new() { Model = SitingModel.PMedian, AddCount = MedianCount };

    // One Dijkstra per vertex (the graphs are sparse enough that this beats Floyd–Warshall's n³).
    private static float[][] AllPairs(int n, Dictionary<(int, int), long> edges)
    {
        var degree = new int[n + 1];
        foreach (var (a, b) in edges.Keys) { degree[a + 1]++; degree[b + 1]++; }
        for (int v = 0; v < n; v++) degree[v + 1] += degree[v];
        var targets = new int[degree[n]];
        var costs = new long[degree[n]];
        var next = (int[])degree.Clone();
        foreach (var ((a, b), c) in edges)
        {
            targets[next[a]] = b; costs[next[a]++] = c;
            targets[next[b]] = a; costs[next[b]++] = c;
        }
        var result = new float[n][];
        Parallel.For(0, n, () => (new long[n], new PriorityQueue<int, long>()), (source, _, local) =>
        {
            var (dist, queue) = local;
            Array.Fill(dist, long.MaxValue);
            dist[source] = 0;
            queue.Enqueue(source, 0);
            while (queue.TryDequeue(out int u, out long du))
            {
                if (du > dist[u]) continue;
                for (int a = degree[u]; a < degree[u + 1]; a++)
                {
                    long dv = du + costs[a];
                    if (dv < dist[targets[a]]) { dist[targets[a]] = dv; queue.Enqueue(targets[a], dv); }
                }
            }
            var row = new float[n];
            for (int v = 0; v < n; v++) row[v] = dist[v] == long.MaxValue ? float.PositiveInfinity : dist[v];
            result[source] = row;
            return local;
        }, _ => { });
        return result;
    }
}
