using System.Collections.Concurrent;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Network;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Network;

/// <summary>A municipality's walking network, built once into the engine and shared read-only by every request.</summary>
public sealed class CityNetwork(LoadedNetwork loaded)
{
    public LoadedNetwork Loaded { get; } = loaded;
    public WalkingGraph Graph => Loaded.Graph;
    public NetworkSnapper Snapper { get; } = new(loaded.Graph);
    public IsochroneBuilder Isochrones { get; } = new(loaded.Graph);

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
/// Loads each municipality's live network (<c>active_networks</c>) on first use and shares it. An activation in this process calls
/// <see cref="Invalidate"/>; one made by another process (the CLI) is noticed by a cheap version check (network id and activation
/// time) at most every <see cref="FukushiMapOptions.NetworkRecheckSeconds"/>, done in the background while the old network keeps serving.
/// </summary>
public sealed class NetworkCatalog(IServiceScopeFactory scopes, IOptions<FukushiMapOptions>? options = null)
{
    private readonly ConcurrentDictionary<string, Slot> _cities = new();
    private readonly long _recheckMs = (long)((options?.Value.NetworkRecheckSeconds ?? 5) * 1000);

    /// <summary>The live network of <paramref name="municipalityCode"/>, or null when it has none.</summary>
    public async Task<CityNetwork?> GetAsync(string municipalityCode, CancellationToken ct = default)
    {
        var slot = _cities.GetOrAdd(municipalityCode, code => new Slot(() => LoadAsync(code)));
        var task = slot.Task;
        if (task.IsCompletedSuccessfully && Environment.TickCount64 - slot.CheckedAt >= _recheckMs
            && Interlocked.CompareExchange(ref slot.Checking, 1, 0) == 0)
        {
            _ = RecheckAsync(municipalityCode, slot, task.Result.Version);
        }
        try
        {
            return (await task.WaitAsync(ct)).City;
        }
        catch when (task.IsFaulted)
        {
            // A failed load is not cached: the next request tries again.
            _cities.TryRemove(new KeyValuePair<string, Slot>(municipalityCode, slot));
            throw;
        }
    }

    /// <summary>Forgets a cached network (after an activation in this process): the next request loads the live one.</summary>
    public void Invalidate(string municipalityCode) => _cities.TryRemove(municipalityCode, out _);

    private async Task RecheckAsync(string municipalityCode, Slot slot, LiveVersion? version)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
            var now = await db.ActiveNetworks.AsNoTracking().Where(a => a.MunicipalityCode == municipalityCode)
                .Select(a => new LiveVersion(a.NetworkId, a.ActivatedAt)).SingleOrDefaultAsync();
            if (now != version)
            {
                // Build the new one first; requests keep the old network until it is ready.
                var next = new Slot(() => LoadAsync(municipalityCode));
                await next.Task;
                _cities.TryUpdate(municipalityCode, next, slot);
            }
        }
        catch (Exception)
        {
            // Keep serving the network already loaded; the next check tries again.
        }
        finally
        {
            slot.CheckedAt = Environment.TickCount64;
            Volatile.Write(ref slot.Checking, 0);
        }
    }

    private async Task<Loaded> LoadAsync(string municipalityCode)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var live = await db.ActiveNetworks.AsNoTracking().Where(a => a.MunicipalityCode == municipalityCode)
            .Select(a => new { a.NetworkId, a.ActivatedAt, a.Network!.Name }).SingleOrDefaultAsync();
        return live is null
            ? new Loaded(null, null)
            : new Loaded(new CityNetwork(await NetworkLoader.LoadAsync(db, live.Name)), new LiveVersion(live.NetworkId, live.ActivatedAt));
    }

    private sealed record LiveVersion(int NetworkId, DateTimeOffset ActivatedAt);

    private sealed record Loaded(CityNetwork? City, LiveVersion? Version);

    private sealed class Slot(Func<Task<Loaded>> load)
    {
        private readonly Lazy<Task<Loaded>> _task = new(load);
        public Task<Loaded> Task => _task.Value;
        public long CheckedAt = Environment.TickCount64;
        public int Checking;
    }
}
