using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Core;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Network;
using Microsoft.EntityFrameworkCore;
using FukushiMap.Analysis.Versions;
using FukushiMap.Data.Versions;
using NetTopologySuite.Geometries;
using FukushiMap.Core.Geodesy;
using System.Diagnostics;
using FukushiMap.Data.Entities;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Analysis.Cities;

/// <summary>A municipality's walking network, built once into the engine and shared read-only by every request.</summary>
public sealed class CityNetwork(LoadedNetwork loaded)
{
    /// <summary>How an analysis without network data is labelled on every screen, print and export.</summary>
    public const string StraightLineLabel = "直線距離（道路データなし）";

    /// <summary>How a distance along the network is labelled beside a straight-line one.</summary>
    public const string WalkingLabel = "道に沿って歩く距離";

    /// <summary>The name standing for "no network" where a network's name is shown.</summary>
    public const string StraightLineName = "（道路データなし）";

    /// <summary>
    /// A municipality with no walking network: an empty graph in the municipality's plane zone, so every analysis still answers,
    /// counting everyone as without network data and measuring by straight line (<see cref="StraightLineLabel"/>).
    /// </summary>
    public static CityNetwork StraightLine(string municipalityCode) => new(new LoadedNetwork(
        new RoadNetwork { Name = StraightLineName, Format = "none", MunicipalityCode = municipalityCode },
        new WalkingGraphBuilder().Build(), new PlaneProjector(PlaneRectangularZones.SridForMunicipality(municipalityCode))));

    /// <summary>True when the municipality has no walking network: distances are straight lines.</summary>
    public bool IsStraightLine => Loaded.Graph.NodeCount == 0;

    public LoadedNetwork Loaded { get; } = loaded;
    public WalkingGraph Graph => Loaded.Graph;
    public NetworkSnapper Snapper { get; } = new(loaded.Graph);
    public IsochroneBuilder Isochrones { get; } = new(loaded.Graph);

    /// <summary>True when the graph was read from a prepared file (<see cref="PreparedCityStore"/>), false when built from PostGIS.</summary>
    public bool ReadFromDisk { get; init; }

    /// <summary>Snaps a lon/lat point onto the network (plane metres inside).</summary>
    public NetworkSnap Snap(double lon, double lat)
    {
        var (x, y) = Loaded.Projector.ToPlane(lon, lat);
        return Snapper.Snap(x, y);
    }

    /// <summary>A plane geometry back in lon/lat (SRID 6668), rounded to 1e-7° (about 1 cm) so responses stay small.</summary>
    public Geometry ToLonLat(Geometry plane)
    {
        var lonLat = Loaded.Projector.ToLonLat(plane);
        lonLat.Apply(RoundFilter.Instance);
        lonLat.GeometryChanged();
        return lonLat;
    }

    private sealed class RoundFilter : ICoordinateSequenceFilter
    {
        public static readonly RoundFilter Instance = new();
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, Math.Round(seq.GetX(i), 7));
            seq.SetY(i, Math.Round(seq.GetY(i), 7));
        }
    }
}

/// <summary>
/// Each municipality's live network (<c>active_networks</c>), loaded into the engine on first use and shared, under the analysis
/// layer's cache policy (<see cref="VersionedCache{TKey,TValue}"/>): an import or activation in any process is followed within seconds.
/// </summary>
public sealed class NetworkCatalog(IServiceScopeFactory scopes, DataVersions versions, PreparedCityStore prepared, ILogger<NetworkCatalog>? log = null)
{
    /// <summary>Kind (file extension) of a prepared network in the <see cref="PreparedCityStore"/>.</summary>
    public const string PreparedKind = "network";

    /// <summary>Networks kept in memory at once (a city's is 10–100 MB).</summary>
    public const int Capacity = 16;

    /// <summary>The tables a loaded network is built from.</summary>
    public static readonly string[] Tables = [DataTables.Networks, DataTables.ActiveNetworks];

    private readonly VersionedCache<string, CityNetwork?> _cities = new(versions, Capacity, Tables);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CityNetwork> _straight = new(StringComparer.Ordinal);
    private readonly VersionedCache<int, HashSet<string>> _municipalities = new(versions, 1, DataTables.Municipalities);

    /// <summary>The live network of <paramref name="municipalityCode"/>, or null when it has none.</summary>
    public Task<CityNetwork?> GetAsync(string municipalityCode, CancellationToken ct = default) =>
        _cities.GetAsync(municipalityCode, LoadAsync, ct);

    /// <summary>
    /// The live network, or, when the municipality has none, its <see cref="CityNetwork.StraightLine"/> stand-in (one per
    /// municipality, so what is cached per network stays cached): the analyses then answer by straight line. Null when no such
    /// municipality is loaded.
    /// </summary>
    public async Task<CityNetwork?> GetOrStraightLineAsync(string municipalityCode, CancellationToken ct = default)
    {
        if (await GetAsync(municipalityCode, ct) is { } live) return live;
        var known = await _municipalities.GetAsync(0, async _ =>
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
            return (await db.Municipalities.AsNoTracking().Select(m => m.Code).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        }, ct);
        return known.Contains(municipalityCode) ? _straight.GetOrAdd(municipalityCode, CityNetwork.StraightLine) : null;
    }

    /// <summary>The key a prepared network of <paramref name="municipalityCode"/> must carry (see <see cref="PreparedCityStore.Key"/>).</summary>
    internal static string PreparedKey(string municipalityCode, DataVersionSet current, RoadNetwork network) =>
        PreparedCityStore.Key(PreparedKind, municipalityCode, current, Tables,
            $"network={network.Id}:{network.Name}:{network.NodeCount}:{network.EdgeCount}:{network.ImportedAt.UtcTicks}");

    private async Task<CityNetwork?> LoadAsync(string municipalityCode)
    {
        // The versions are read before the rows: a file keyed by them never claims newer data than it holds.
        var current = await versions.CurrentAsync();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var live = await db.ActiveNetworks.AsNoTracking().Where(a => a.MunicipalityCode == municipalityCode)
            .Select(a => a.Network!).SingleOrDefaultAsync();
        if (live is null) return null;
        var key = PreparedKey(municipalityCode, current, live);
        var clock = Stopwatch.StartNew();
        if (await prepared.TryReadAsync(PreparedKind, municipalityCode, key) is { } bytes)
        {
            try
            {
                var projector = await NetworkLoader.ProjectorAsync(db, live);
                using var reader = new BinaryReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false));
                var read = new CityNetwork(PreparedCityFormat.ReadNetwork(reader, live, projector)) { ReadFromDisk = true };
                log?.LogInformation("準備済みの歩行ネットワーク {Municipality} を {Milliseconds} ms で読みました。", municipalityCode, clock.ElapsedMilliseconds);
                return read;
            }
            catch (Exception e) when (e is InvalidDataException or NetworkDataException or EndOfStreamException or ArgumentException)
            {
                log?.LogWarning("準備済みの歩行ネットワーク {Municipality} は使えません（{Reason}）。作り直します。", municipalityCode, e.Message);
            }
        }
        var loaded = await NetworkLoader.LoadAsync(db, live.Name);
        await prepared.WriteAsync(PreparedKind, municipalityCode, key, w => PreparedCityFormat.WriteNetwork(w, loaded));
        log?.LogInformation("歩行ネットワーク {Municipality} を PostGIS から {Milliseconds} ms で作りました。", municipalityCode, clock.ElapsedMilliseconds);
        return new CityNetwork(loaded);
    }
}
