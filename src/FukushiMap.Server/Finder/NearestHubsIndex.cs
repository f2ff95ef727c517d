using System.Collections.Concurrent;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Network;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace FukushiMap.Server.Finder;

/// <summary>
/// What /api/nearest-hubs needs on every request, kept in memory so a request touches no database: the municipality
/// boundaries (which city a point is in) and, per municipality, the open hubs snapped onto its network with one shared
/// <see cref="NearestSourceFinder"/> per hub selection. Refreshed after <see cref="CacheSeconds"/> seconds, so an edited or
/// retired hub shows within that time; a new network (catalog invalidated) is picked up at once.
/// </summary>
public sealed class NearestHubsIndex(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const double CacheSeconds = 10;

    private readonly Lock _lock = new();
    private (DateTimeOffset At, Task<AreaIndex> Task)? _areas;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<HubSnapshot> Task)> _hubs = new();

    /// <summary>The municipality whose boundary holds the point (1 km tolerance for coastal outlines), else a problem naming what is covered.</summary>
    public async Task<string> MunicipalityAtAsync(double lon, double lat, CancellationToken ct)
    {
        Task<AreaIndex> task;
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (_areas is not { } a || now - a.At > TimeSpan.FromSeconds(CacheSeconds) || a.Task.IsFaulted || a.Task.IsCanceled)
            {
                _areas = (now, LoadAreasAsync());
            }
            task = _areas.Value.Task;
        }
        var areas = await task.WaitAsync(ct);
        return areas.Locate(lon, lat) ?? throw FukushiMapProblemException.BadRequest("outside-service-area",
            $"この地点は対象地域の外です。いま探せるのは {string.Join("・", areas.CoveredNames.DefaultIfEmpty("（なし）"))} です。");
    }

    /// <summary>The open hubs of <paramref name="municipality"/> snapped onto <paramref name="city"/>'s network.</summary>
    public Task<HubSnapshot> HubsAsync(string municipality, CityNetwork city, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var entry = _hubs.AddOrUpdate(municipality,
            code => (now, LoadHubsAsync(code, city)),
            (code, old) => now - old.At > TimeSpan.FromSeconds(CacheSeconds) || old.Task.IsFaulted || old.Task.IsCanceled
                || (old.Task.IsCompletedSuccessfully && !ReferenceEquals(old.Task.Result.City, city))
                ? (now, LoadHubsAsync(code, city)) : old);
        return entry.Task.WaitAsync(ct);
    }

    private async Task<AreaIndex> LoadAreasAsync()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var boundaries = await db.Municipalities.AsNoTracking().Where(m => m.Boundary != null)
            .Select(m => new { m.Code, Boundary = m.Boundary! }).ToListAsync();
        var covered = await db.RoadNetworks.Where(n => n.MunicipalityCode != null)
            .Join(db.Municipalities, n => n.MunicipalityCode, m => m.Code, (n, m) => m.Name).Distinct().ToListAsync();
        return new AreaIndex([.. boundaries.Select(b => (b.Code, (Geometry)b.Boundary))], covered);
    }

    private async Task<HubSnapshot> LoadHubsAsync(string municipality, CityNetwork city)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.HubType!).ThenInclude(t => t.Parent).Include(h => h.Dataset)
            .Where(h => h.MunicipalityCode == municipality && h.RetiredAt == null).OrderBy(h => h.Id).ToListAsync();
        var typeKeys = await db.HubTypes.Select(t => t.Key).ToListAsync();
        return new HubSnapshot(city, hubs, typeKeys);
    }
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

    /// <summary>Names of the municipalities with a walking network.</summary>
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

/// <summary>An open hub with its type keys and where it joins the network.</summary>
public sealed record SnappedHub(Hub Hub, string TypeKey, string TypeName, string? ParentTypeKey, NetworkSnap Snap);

/// <summary>The open hubs of one municipality, snapped; finders per hub selection are built once and shared.</summary>
public sealed class HubSnapshot
{
    private readonly ConcurrentDictionary<string, NearestSourceFinder> _finders = new();
    private readonly HashSet<string> _typeKeys;

    public HubSnapshot(CityNetwork city, List<Hub> hubs, List<string> typeKeys)
    {
        City = city;
        _typeKeys = [.. typeKeys];
        var on = new List<SnappedHub>();
        var off = new List<SnappedHub>();
        foreach (var h in hubs)
        {
            var snap = city.Snap(h.Location.X, h.Location.Y);
            var sh = new SnappedHub(h, h.HubType!.Key, h.HubType.Name, h.HubType.Parent?.Key, snap);
            (snap.IsOnNetwork ? on : off).Add(sh);
        }
        OnNetwork = on;
        OffNetwork = off;
    }

    public CityNetwork City { get; }
    public IReadOnlyList<SnappedHub> OnNetwork { get; }
    public IReadOnlyList<SnappedHub> OffNetwork { get; }

    /// <summary>
    /// The on-network hubs passing the filters: type keys (a parent type includes its children), ids, functions, target groups
    /// (誰でも serves all), open now at <paramref name="localTime"/> (Asia/Tokyo).
    /// </summary>
    public List<SnappedHub> Select(string? typeKeys, IReadOnlyCollection<int>? ids, IReadOnlyCollection<string> functions,
        IReadOnlyCollection<string> targets, bool openNow, DateTime localTime)
    {
        string[] keys = [];
        if (!string.IsNullOrWhiteSpace(typeKeys))
        {
            keys = typeKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = keys.Where(k => !_typeKeys.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                throw FukushiMapProblemException.BadRequest("unknown-hub-type", $"拠点の種類「{string.Join("、", unknown)}」はありません。");
            }
        }
        return [.. OnNetwork.Where(h =>
            (keys.Length == 0 || keys.Contains(h.TypeKey) || (h.ParentTypeKey is not null && keys.Contains(h.ParentTypeKey)))
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
