using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Versions;
using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace FukushiMap.Analysis.Finder;

/// <summary>
/// What /api/nearest-hubs needs on every request, kept in memory so a request touches no database: the municipality
/// boundaries (which city a point is in) and, per municipality, the open hubs (<see cref="HubCatalogue"/>) snapped onto its network
/// with one shared <see cref="NearestSourceFinder"/> per hub selection — under the analysis layer's cache policy
/// (<see cref="VersionedCache{TKey,TValue}"/>), so a hub edit, an import or an activation in any process shows within seconds.
/// </summary>
public sealed class NearestHubsIndex(IServiceScopeFactory scopes, DataVersions versions, HubCatalogue catalogue)
{
    private readonly VersionedCache<int, AreaIndex> _areas = new(versions, 1, DataTables.Municipalities);
    private readonly VersionedCache<string, HubSnapshot> _hubs =
        new(versions, HubCatalogue.Capacity, [DataTables.Hubs, DataTables.HubTypes, .. NetworkCatalog.Tables]);
    private readonly ConditionalWeakTable<CityNetwork, CityFinderData> _cities = new();

    /// <summary>Per network: the fast inverse projection and hub tables kept across refreshes.</summary>
    public CityFinderData For(CityNetwork city) => _cities.GetValue(city, c => new CityFinderData(c));

    /// <summary>The municipality whose boundary holds the point (1 km tolerance for coastal outlines), else a problem naming what is covered.</summary>
    public async Task<string> MunicipalityAtAsync(double lon, double lat, CancellationToken ct)
    {
        var areas = await _areas.GetAsync(0, _ => LoadAreasAsync(), ct);
        return areas.Locate(lon, lat) ?? throw FukushiMapError.Invalid("outside-service-area",
            $"この地点は対象地域の外です。いま探せるのは {string.Join("・", areas.CoveredNames.DefaultIfEmpty("（なし）"))} です。");
    }

    /// <summary>The open hubs of <paramref name="municipality"/> snapped onto <paramref name="city"/>'s network.</summary>
    public async Task<HubSnapshot> HubsAsync(string municipality, CityNetwork city, CancellationToken ct)
    {
        var snapshot = await _hubs.GetAsync(municipality, code => LoadHubsAsync(code, city), ct);
        // The network changed between the caller's look-up and this one: answer on the caller's network.
        return ReferenceEquals(snapshot.City, city) ? snapshot : await LoadHubsAsync(municipality, city);
    }

    private async Task<AreaIndex> LoadAreasAsync()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        // Every loaded municipality: where it has no walking network the finder answers by straight line.
        var boundaries = await db.Municipalities.AsNoTracking().Where(m => m.Boundary != null)
            .OrderBy(m => m.Code).Select(m => new { m.Code, m.Name, Boundary = m.Boundary! }).ToListAsync();
        return new AreaIndex([.. boundaries.Select(b => (b.Code, (Geometry)b.Boundary))], [.. boundaries.Select(b => b.Name)]);
    }

    private async Task<HubSnapshot> LoadHubsAsync(string municipality, CityNetwork city) =>
        new(city, For(city), await catalogue.GetAsync(municipality));
}

/// <summary>Municipality boundaries in memory (prepared for fast point-in-polygon).</summary>
public sealed class AreaIndex
{
    private const double ToleranceDegrees = 0.01;
    private readonly List<(string Code, Geometry Boundary, IPreparedGeometry Prepared)> _areas;

    public AreaIndex(List<(string Code, Geometry Boundary)> boundaries, List<string> coveredNames)
    {
        _areas = [.. boundaries.Select(b => (b.Code, b.Boundary, PreparedGeometryFactory.Prepare(b.Boundary)))];
        CoveredNames = coveredNames;
    }

    /// <summary>Names of the municipalities the finder answers for.</summary>
    public IReadOnlyList<string> CoveredNames { get; }

    /// <summary>The code of the municipality holding the point, or the nearest within about 1 km; null when none.</summary>
    public string? Locate(double lon, double lat)
    {
        var point = new Point(lon, lat) { SRID = 6668 };
        foreach (var a in _areas)
        {
            if (a.Prepared.Covers(point))
            {
                return a.Code;
            }
        }
        return _areas.Where(a => a.Boundary.EnvelopeInternal.Distance(point.EnvelopeInternal) <= ToleranceDegrees
                && a.Boundary.IsWithinDistance(point, ToleranceDegrees))
            .OrderBy(a => a.Boundary.Distance(point)).Select(a => a.Code).FirstOrDefault();
    }
}

/// <summary>An open hub with its type keys, where it joins the network, its distance table when the city has room for one, and its
/// facts (open-now left to the time of each request).</summary>
public sealed record SnappedHub(Hub Hub, string TypeKey, string TypeName, string? ParentTypeKey, NetworkSnap Snap, HubDistanceTable? Table)
{
    public HubFacts Facts { get; } = HubFactsView.ToFacts(Hub, default) with { OpenNow = null };

    /// <summary>Open at <paramref name="localTime"/> (Asia/Tokyo); null when the hub has no opening hours.</summary>
    public bool? OpenAt(DateTime localTime) => Hub.OpeningHours.Count == 0 ? null : Hub.OpeningHours.Any(p => p.IsOpenAt(localTime));
}

/// <summary>A hub found from a point: walking metres and the route (plane metres).</summary>
public sealed record FoundHub(SnappedHub Hub, double Metres, PlanePath Path);

/// <summary>What the finder keeps per network.</summary>
public sealed class CityFinderData(CityNetwork city)
{
    /// <summary>Tables are kept while hubs × nodes stays under this (8 bytes each: 128 MB).</summary>
    public const long MaxTableEntries = 16_000_000;

    private readonly Lazy<GridLonLat> _grid = new(() => new GridLonLat(city.Loaded.Projector, city.Graph.NodeExtent()));
    private readonly ConcurrentDictionary<(int Edge, double Fraction, double SnapMetres), HubDistanceTable> _tables = new();

    public GridLonLat Grid => _grid.Value;

    /// <summary>The table of a hub placed at <paramref name="snap"/>, built once (a moved hub gets a new one).</summary>
    public HubDistanceTable Table(NetworkSnap snap)
    {
        if (_tables.Count > 4 * CityNetworkHubLimit)
        {
            _tables.Clear();
        }
        return _tables.GetOrAdd((snap.EdgeIndex, snap.Fraction, snap.SnapMetres), _ => HubDistanceTable.Build(city.Graph, snap));
    }

    /// <summary>Whether tables for <paramref name="hubCount"/> hubs fit the budget.</summary>
    public bool TablesFit(int hubCount) => (long)hubCount * city.Graph.NodeCount <= MaxTableEntries && hubCount <= CityNetworkHubLimit;

    private const int CityNetworkHubLimit = 2000;
}

/// <summary>The open hubs of one municipality, snapped; finders per hub selection are built once and shared.</summary>
public sealed class HubSnapshot
{
    private readonly ConcurrentDictionary<string, NearestSourceFinder> _finders = new();
    private readonly CityHubs _catalogue;

    public HubSnapshot(CityNetwork city, CityFinderData data, CityHubs catalogue)
    {
        City = city;
        Data = data;
        _catalogue = catalogue;
        var hubs = catalogue.Hubs;
        var on = new List<SnappedHub>();
        var off = new List<SnappedHub>();
        var snaps = hubs.Select(h => city.Snap(h.Location.X, h.Location.Y)).ToList();
        var useTables = data.TablesFit(snaps.Count(s => s.IsOnNetwork));
        for (var i = 0; i < hubs.Count; i++)
        {
            var (h, snap) = (hubs[i], snaps[i]);
            var table = useTables && snap.IsOnNetwork ? data.Table(snap) : null;
            (snap.IsOnNetwork ? on : off).Add(new SnappedHub(h, h.HubType!.Key, h.HubType.Name, h.HubType.Parent?.Key, snap, table));
        }
        OnNetwork = on;
        OffNetwork = off;
    }

    public CityFinderData Data { get; }

    /// <summary>
    /// The up to <paramref name="limit"/> hubs of <paramref name="selected"/> nearest to <paramref name="from"/> within
    /// <paramref name="maxMetres"/>, nearest first (ties by hub order): from the hub tables, else by a search.
    /// </summary>
    public List<FoundHub> Nearest(NetworkSnap from, List<SnappedHub> selected, int limit, double maxMetres, CancellationToken ct)
    {
        if (selected.All(h => h.Table is not null))
        {
            var found = new List<(int Index, double Metres, int Via)>(selected.Count);
            for (var i = 0; i < selected.Count; i++)
            {
                var metres = selected[i].Table!.MetresFrom(from, out var via);
                if (metres <= maxMetres)
                {
                    found.Add((i, metres, via));
                }
            }
            return [.. found.OrderBy(f => f.Metres).ThenBy(f => f.Index).Take(limit)
                .Select(f => new FoundHub(selected[f.Index], f.Metres, selected[f.Index].Table!.PathInto(from, f.Via, new PlanePath())))];
        }
        return [.. FinderFor(selected).Find(from, limit, maxMetres, ct)
            .Select(f => new FoundHub(selected[f.SourceIndex], f.WalkMetres, PlanePath.AlongEdges(City.Graph, f.Path, from, selected[f.SourceIndex].Snap)))];
    }

    /// <summary>
    /// The up to <paramref name="limit"/> hubs of <paramref name="selected"/> nearest to (<paramref name="lon"/>,
    /// <paramref name="lat"/>) as the crow flies within <paramref name="maxMetres"/> (plane metres; ties by hub order): the answer
    /// where there is no network data to walk on (「直線距離（道路データなし）」).
    /// </summary>
    public List<(SnappedHub Hub, double Metres)> NearestStraightLine(double lon, double lat, List<SnappedHub> selected, int limit, double maxMetres)
    {
        var projector = City.Loaded.Projector;
        var (x, y) = projector.ToPlane(lon, lat);
        return [.. selected.Select((h, i) =>
            {
                var (hx, hy) = projector.ToPlane(h.Hub.Location.X, h.Hub.Location.Y);
                return (Hub: h, Index: i, Metres: Math.Sqrt((hx - x) * (hx - x) + (hy - y) * (hy - y)));
            })
            .Where(f => f.Metres <= maxMetres).OrderBy(f => f.Metres).ThenBy(f => f.Index).Take(limit).Select(f => (f.Hub, f.Metres))];
    }

    public CityNetwork City { get; }
    public IReadOnlyList<SnappedHub> OnNetwork { get; }
    public IReadOnlyList<SnappedHub> OffNetwork { get; }

    /// <summary>
    /// The on-network hubs passing the filters: type keys (a parent type includes its children), ids, functions, target groups
    /// (誰でも serves all), open now at <paramref name="localTime"/> (Asia/Tokyo).
    /// </summary>
    /// <param name="includeOffNetwork">Also the hubs off the network (for a straight-line answer).</param>
    public List<SnappedHub> Select(string? typeKeys, IReadOnlyCollection<int>? ids, IReadOnlyCollection<string> functions,
        IReadOnlyCollection<string> targets, bool openNow, DateTime localTime, bool includeOffNetwork = false)
    {
        var keys = _catalogue.TypeKeys(typeKeys);
        return [.. (includeOffNetwork ? OnNetwork.Concat(OffNetwork) : OnNetwork).Where(h => CityHubs.IsOfType(h.Hub, keys)
            && (ids is null || ids.Contains(h.Hub.Id))
            && HubFactsView.Passes(h.Hub, functions, targets, openNow, localTime))];
    }

    /// <summary>A finder over exactly <paramref name="selected"/> (source index i = selected[i]), shared by equal selections.</summary>
    public NearestSourceFinder FinderFor(List<SnappedHub> selected)
    {
        var key = string.Join(',', selected.Select(h => h.Hub.Id));
        if (_finders.TryGetValue(key, out var finder))
        {
            return finder;
        }
        finder = new NearestSourceFinder(City.Graph, [.. selected.Select(h => h.Snap)]);
        // Filter combinations are few; arbitrary hub_ids lists are not kept beyond a bound.
        return _finders.Count < MaxCachedSelections ? _finders.GetOrAdd(key, finder) : finder;
    }

    private const int MaxCachedSelections = 256;
}
