using FukushiMap.Core.Coverage;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Siting;

/// <summary>
/// Builds a <see cref="SitingInstance"/> where there is no walking network (「直線距離（道路データなし）」): the demand points
/// are the placements without network data (each at its 町丁・字's representative point), the facilities are points, and
/// every cost is the straight-line distance in the plane (平面直角座標系, metres) — the measure and the test of the coverage
/// analysis' straight-line radius (<see cref="CoverageAnalyzer.StraightReachMetres"/>), so "covered" means the same in both.
/// </summary>
public static class StraightLineSitingBuilder
{
    /// <summary>Builds the instance.</summary>
    /// <param name="placement">The people. Only placements without network data take part (in a city without a network: all).</param>
    /// <param name="existing">Existing hubs (plane metres; kept open).</param>
    /// <param name="candidates">Candidate sites (plane metres).</param>
    /// <param name="boundMetres">Straight-line metres stored from each facility (the radius, or p-median's bound), tolerance
    /// included by the caller (<see cref="CoverageAnalyzer.StraightReachMetres"/>).</param>
    /// <param name="olderBand">Index of the 65+ band in the placement, or null when unknown.</param>
    /// <param name="olderExtraWeight">Extra objective weight per person aged 65+.</param>
    /// <param name="cancellationToken">Checked between facilities.</param>
    /// <param name="maxPairs">Stops with <see cref="SitingInstanceTooLargeException"/> past this many pairs.</param>
    /// <returns>The instance; <see cref="NetworkSitingInstance.BoundMetres"/> is <paramref name="boundMetres"/>.</returns>
    public static NetworkSitingInstance Build(PopulationPlacement placement, IReadOnlyList<Coordinate> existing, IReadOnlyList<Coordinate> candidates,
        double boundMetres, int? olderBand = null, double olderExtraWeight = 0, CancellationToken cancellationToken = default,
        long maxPairs = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(candidates);
        if (!(boundMetres >= 0) || !double.IsFinite(boundMetres)) throw new ArgumentOutOfRangeException(nameof(boundMetres));
        if (!(olderExtraWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(olderExtraWeight));

        var builder = new SitingInstanceBuilder(existing.Count, candidates.Count, boundMetres);
        var placementOfDemand = new List<int>();
        for (int i = 0; i < placement.Count; i++)
        {
            if (placement.Kinds[i] != PlacementKind.NoNetwork) continue;
            double people = placement.People[i];
            double older = olderBand is { } b ? placement.Bands[b][i] : 0;
            builder.AddDemand(people + olderExtraWeight * older, people, older);
            placementOfDemand.Add(i);
        }

        // Demand points sorted by x, so each facility looks only at the strip within the bound.
        var byX = placementOfDemand.Select((i, d) => (X: placement.Xs[i], Y: placement.Ys[i], Demand: d)).OrderBy(p => p.X).ToArray();
        var xs = byX.Select(p => p.X).ToArray();
        double bound2 = boundMetres * boundMetres;
        long found = 0;
        int facility = 0;
        foreach (var site in existing.Concat(candidates))
        {
            cancellationToken.ThrowIfCancellationRequested();
            int k = LowerBound(xs, site.X - boundMetres);
            for (; k < byX.Length && byX[k].X <= site.X + boundMetres; k++)
            {
                double dx = byX[k].X - site.X, dy = byX[k].Y - site.Y, d2 = dx * dx + dy * dy;
                if (d2 > bound2) continue;
                builder.AddPair(byX[k].Demand, facility, Math.Sqrt(d2));
                if (++found > maxPairs) throw new SitingInstanceTooLargeException(maxPairs);
            }
            facility++;
        }
        return new NetworkSitingInstance(builder.Build(), [.. placementOfDemand], boundMetres);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
