using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Versions;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using FukushiMap.Core.Network;
using FukushiMap.Analysis.Hubs;

namespace FukushiMap.Analysis.Hubs;

/// <summary>An open hub as a walking source.</summary>
public sealed record HubSource(int Id, string Name, string TypeKey, string TypeName, string? Address, double Lon, double Lat);

/// <summary>Open hubs of the <see cref="HubCatalogue"/> as walking sources, and their snapping.</summary>
public static class HubSources
{
    /// <summary>Open hubs, filtered by type keys (a parent type includes its children) and/or ids.</summary>
    public static async Task<List<HubSource>> LoadAsync(HubCatalogue catalogue, string municipality, string? typeKeys, List<int>? ids,
        CancellationToken ct)
    {
        var hubs = await catalogue.GetAsync(municipality, ct);
        return [.. hubs.Select(typeKeys, ids)
            .Select(h => new HubSource(h.Id, h.Name, h.HubType!.Key, h.HubType.Name, h.Address, h.Location.X, h.Location.Y))];
    }

    /// <summary>Splits hubs into those on the network and those farther than the snap limit (listed, never dropped silently).</summary>
    public static (List<(HubSource Hub, NetworkSnap Snap)> OnNetwork, List<(HubSource Hub, NetworkSnap Snap)> OffNetwork) Snap(
        CityNetwork city, List<HubSource> hubs)
    {
        var on = new List<(HubSource, NetworkSnap)>();
        var off = new List<(HubSource, NetworkSnap)>();
        foreach (var hub in hubs)
        {
            var snap = city.Snap(hub.Lon, hub.Lat);
            (snap.IsOnNetwork ? on : off).Add((hub, snap));
        }
        return (on, off);
    }
}
