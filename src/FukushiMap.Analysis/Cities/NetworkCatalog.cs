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

namespace FukushiMap.Analysis.Cities;

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
/// Each municipality's live network (<c>active_networks</c>), loaded into the engine on first use and shared, under the analysis
/// layer's cache policy (<see cref="VersionedCache{TKey,TValue}"/>): an import or activation in any process is followed within seconds.
/// </summary>
public sealed class NetworkCatalog(IServiceScopeFactory scopes, DataVersions versions)
{
    /// <summary>Networks kept in memory at once (a city's is 10–100 MB).</summary>
    public const int Capacity = 16;

    /// <summary>The tables a loaded network is built from.</summary>
    public static readonly string[] Tables = [DataTables.Networks, DataTables.ActiveNetworks];

    private readonly VersionedCache<string, CityNetwork?> _cities = new(versions, Capacity, Tables);

    /// <summary>The live network of <paramref name="municipalityCode"/>, or null when it has none.</summary>
    public Task<CityNetwork?> GetAsync(string municipalityCode, CancellationToken ct = default) =>
        _cities.GetAsync(municipalityCode, LoadAsync, ct);

    private async Task<CityNetwork?> LoadAsync(string municipalityCode)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var live = await db.ActiveNetworks.AsNoTracking().Where(a => a.MunicipalityCode == municipalityCode)
            .Select(a => a.Network!.Name).SingleOrDefaultAsync();
        return live is null ? null : new CityNetwork(await NetworkLoader.LoadAsync(db, live));
    }
}
