using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Server.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Network;

/// <summary>An open hub as a walking source.</summary>
public sealed record HubSource(int Id, string Name, string TypeKey, string TypeName, string? Address, double Lon, double Lat);

/// <summary>Reads the open hubs of a municipality (fresh on every request, so edits show at once) and snaps them.</summary>
public static class HubSources
{
    /// <summary>Open hubs, filtered by type keys (a parent type includes its children) and/or ids.</summary>
    public static async Task<List<HubSource>> LoadAsync(FukushiMapDbContext db, string municipality, string? typeKeys, List<int>? ids,
        CancellationToken ct)
    {
        var query = db.Hubs.AsNoTracking().Where(h => h.MunicipalityCode == municipality && h.RetiredAt == null);
        if (!string.IsNullOrWhiteSpace(typeKeys))
        {
            var keys = typeKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var known = await db.HubTypes.Where(t => keys.Contains(t.Key)).Select(t => t.Key).ToListAsync(ct);
            var unknown = keys.Except(known).ToList();
            if (unknown.Count > 0)
            {
                throw FukushiMapProblemException.BadRequest("unknown-hub-type", $"拠点の種類「{string.Join("、", unknown)}」はありません。");
            }
            query = query.Where(h => keys.Contains(h.HubType!.Key) || (h.HubType.Parent != null && keys.Contains(h.HubType.Parent.Key)));
        }
        if (ids is not null)
        {
            query = query.Where(h => ids.Contains(h.Id));
        }
        return await query.OrderBy(h => h.Id)
            .Select(h => new HubSource(h.Id, h.Name, h.HubType!.Key, h.HubType.Name, h.Address, h.Location.X, h.Location.Y))
            .ToListAsync(ct);
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
