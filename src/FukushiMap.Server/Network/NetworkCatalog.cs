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

/// <summary>Loads each municipality's network on first use; a network imported later is picked up by <see cref="Invalidate"/>.</summary>
public sealed class NetworkCatalog(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CityNetwork?>>> _cities = new();

    /// <summary>The newest network of <paramref name="municipalityCode"/>, or null when it has none.</summary>
    public Task<CityNetwork?> GetAsync(string municipalityCode, CancellationToken ct = default) =>
        _cities.GetOrAdd(municipalityCode, code => new Lazy<Task<CityNetwork?>>(() => LoadAsync(code))).Value.WaitAsync(ct);

    /// <summary>Forgets a cached network (after an import).</summary>
    public void Invalidate(string municipalityCode) => _cities.TryRemove(municipalityCode, out _);

    private async Task<CityNetwork?> LoadAsync(string municipalityCode)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
            var name = await db.RoadNetworks.Where(n => n.MunicipalityCode == municipalityCode)
                .OrderByDescending(n => n.ImportedAt).Select(n => n.Name).FirstOrDefaultAsync();
            return name is null ? null : new CityNetwork(await NetworkLoader.LoadAsync(db, name));
        }
        catch
        {
            // A failed load is not cached: the next request tries again.
            _cities.TryRemove(municipalityCode, out _);
            throw;
        }
    }
}
