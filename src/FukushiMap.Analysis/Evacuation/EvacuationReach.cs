using FukushiMap.Analysis.Cities;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Analysis.Evacuation;

/// <summary>A designated shelter as the reach search sees it.</summary>
public sealed record ShelterPoint(int Id, string Name, double Lon, double Lat);

/// <summary>Where a point stands against a set of sources: off the walking network, or the nearest source within the bound (null: none).</summary>
/// <param name="Source">Index into the sources searched from.</param>
public readonly record struct Reach(bool OnNetwork, double? Metres, int? Source)
{
    /// <summary>Walking metres, or +∞ when on the network but no source is within the bound.</summary>
    public double MetresOrInfinity => Metres ?? double.PositiveInfinity;
}

/// <summary>
/// Evacuation reach (個別避難計画, planner aggregates): one backward-free multi-source search from the sources (shelters or hubs)
/// over the city's walking network, then each household's nearest source — shared by the household list and the suppressed
/// aggregates, so both read the same distances.
/// </summary>
public static class EvacuationReach
{
    /// <summary>The shelter kind the evacuation list and aggregates use.</summary>
    public const string DesignatedShelter = "指定避難所";

    /// <summary>The designated shelters of <paramref name="municipality"/>, by id.</summary>
    public static Task<List<ShelterPoint>> DesignatedSheltersAsync(FukushiMapDbContext db, string municipality, CancellationToken ct) =>
        db.Shelters.AsNoTracking().Where(s => s.MunicipalityCode == municipality && s.Kind == DesignatedShelter)
            .OrderBy(s => s.Id).Select(s => new ShelterPoint(s.Id, s.Name, s.Location.X, s.Location.Y)).ToListAsync(ct);

    /// <summary>For each point (lon, lat), the nearest of <paramref name="sources"/> within <paramref name="maxMetres"/> on foot.</summary>
    public static List<Reach> Nearest(CityNetwork city, IEnumerable<(double Lon, double Lat)> sources,
        IEnumerable<(double Lon, double Lat)> points, double maxMetres, CancellationToken ct)
    {
        var reach = WalkReach.From(city.Graph, [.. sources.Select(s => city.Snap(s.Lon, s.Lat))], maxMetres, ct);
        return [.. points.Select(p =>
        {
            var snap = city.Snap(p.Lon, p.Lat);
            if (!snap.IsOnNetwork)
            {
                return new Reach(false, null, null);
            }
            return reach.Nearest(snap) is { } n ? new Reach(true, n.Metres, n.Source) : new Reach(true, null, null);
        })];
    }

    /// <summary>How many of <paramref name="reaches"/> are beyond each bound (off-network ones are not counted).</summary>
    public static List<int> BeyondEach(IEnumerable<Reach> reaches, IReadOnlyList<double> boundsMetres)
    {
        var metres = reaches.Where(r => r.OnNetwork).Select(r => r.MetresOrInfinity).ToList();
        return [.. boundsMetres.Select(b => metres.Count(m => m > b))];
    }
}
