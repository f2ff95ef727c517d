using FukushiMap.Analysis.Versions;
using FukushiMap.Core;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Analysis.Hubs;

/// <summary>
/// The one place hubs are read for analyses: per municipality, the open hubs with their type (and its parent) and dataset, kept
/// under the analysis layer's cache policy (<see cref="VersionedCache{TKey,TValue}"/>) so coverage, isochrones, evacuation, siting
/// and the finder all see the same hubs, and an import or a hub edit in any process within seconds.
/// </summary>
public sealed class HubCatalogue(IServiceScopeFactory scopes, DataVersions versions)
{
    /// <summary>Municipalities whose hubs are kept (the seed cities and more).</summary>
    public const int Capacity = 64;

    private readonly VersionedCache<string, CityHubs> _cities =
        new(versions, Capacity, DataTables.Hubs, DataTables.HubTypes, DataTables.Datasets);

    /// <summary>The open hubs of <paramref name="municipality"/>, in id order.</summary>
    public Task<CityHubs> GetAsync(string municipality, CancellationToken ct = default) => _cities.GetAsync(municipality, LoadAsync, ct);

    private async Task<CityHubs> LoadAsync(string municipality)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.HubType!).ThenInclude(t => t.Parent).Include(h => h.Dataset)
            .Where(h => h.MunicipalityCode == municipality && h.RetiredAt == null).OrderBy(h => h.Id).ToListAsync();
        var typeKeys = await db.HubTypes.AsNoTracking().Select(t => t.Key).ToListAsync();
        return new CityHubs(municipality, hubs, typeKeys);
    }
}

/// <summary>The open hubs of one municipality (read-only, shared).</summary>
public sealed class CityHubs(string municipality, IReadOnlyList<Hub> hubs, IEnumerable<string> typeKeys)
{
    private readonly HashSet<string> _typeKeys = [.. typeKeys];

    public string Municipality { get; } = municipality;
    public IReadOnlyList<Hub> Hubs { get; } = hubs;

    /// <summary>
    /// The type keys of a comma-separated list, checked: an unknown key is an error that names it. Empty or null: no filter.
    /// </summary>
    public string[] TypeKeys(string? typeKeys)
    {
        if (string.IsNullOrWhiteSpace(typeKeys))
        {
            return [];
        }
        var keys = typeKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = keys.Where(k => !_typeKeys.Contains(k)).ToList();
        return unknown.Count > 0
            ? throw FukushiMapError.Invalid("unknown-hub-type", $"拠点の種類「{string.Join("、", unknown)}」はありません。")
            : keys;
    }

    /// <summary>Whether <paramref name="key"/> is a hub type FukushiMap knows.</summary>
    public bool KnowsType(string key) => _typeKeys.Contains(key);

    /// <summary>Whether <paramref name="hub"/> is of one of <paramref name="keys"/>: a parent type includes its children; no keys, every hub.</summary>
    public static bool IsOfType(Hub hub, string[] keys) =>
        keys.Length == 0 || keys.Contains(hub.HubType!.Key) || (hub.HubType.Parent is { } parent && keys.Contains(parent.Key));

    /// <summary>The hubs of the given types (see <see cref="TypeKeys"/>) and, when given, ids.</summary>
    public List<Hub> Select(string? typeKeys, IReadOnlyCollection<int>? ids)
    {
        var keys = TypeKeys(typeKeys);
        return [.. Hubs.Where(h => IsOfType(h, keys) && (ids is null || ids.Contains(h.Id)))];
    }
}
