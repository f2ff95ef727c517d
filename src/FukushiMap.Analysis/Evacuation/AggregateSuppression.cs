namespace FukushiMap.Analysis.Evacuation;

/// <summary>
/// Which planner counts may be published so that no suppressed count can be worked out by subtraction, across every
/// question the aggregates endpoint answers.
/// <para>
/// The endpoint answers for one fixed layer of disjoint areas (the municipality's 地区 layer), with no totals over
/// areas, and for a fixed menu of distances (<see cref="MinutesMenu"/> at <see cref="PaceMetresPerMinute"/>), so the
/// published figures of one 地区 form two chains of nested sets:
/// households ⊇ on the network ⊇ beyond hubs at 5 min ⊇ … ⊇ at 30 min (and the same for shelters), with
/// on the network = households − off the network. A subtraction can only ever yield the difference of two published
/// members of one chain (the two chains share only their top, and areas share nothing), so the rule is:
/// </para>
/// <list type="number">
/// <item>a count under <see cref="Threshold"/> is never published;</item>
/// <item>a count is published only when its difference from the published member above it in its chain is 0 or at
/// least <see cref="Threshold"/> — and at least <see cref="Threshold"/> when a suppressed count lies in between
/// (otherwise a difference of 0 would pin that count to 0);</item>
/// <item>members are decided top-down, so each decision uses only published figures (complementary suppression).</item>
/// </list>
/// Every difference an attacker can take is then 0 (with nothing suppressed inside) or at least 5, and every suppressed
/// count keeps at least two possible values. The tests play the attack with an integer solver over every query.
/// </summary>
public static class AggregateSuppression
{
    public const int Threshold = 5;

    /// <summary>Elderly pace (m/min): the only pace the aggregates are computed at.</summary>
    public const double PaceMetresPerMinute = 60;

    /// <summary>The only minutes the aggregates answer for (a free choice of minutes would let differences be taken at will).</summary>
    public static readonly IReadOnlyList<int> MinutesMenu = [5, 10, 15, 20, 30];

    /// <summary>A count that is shown, or suppressed (null).</summary>
    public sealed record Count(int? Value, bool Suppressed)
    {
        public static readonly Count Hidden = new(null, true);
        public static Count Shown(int n) => new(n, false);
    }

    /// <summary>What one 地区 publishes: households, off the network, and per menu entry beyond hubs / beyond shelters.</summary>
    public sealed record Published(Count Households, Count OffNetwork, IReadOnlyList<Count> BeyondHubs, IReadOnlyList<Count> BeyondShelters);

    /// <summary>
    /// Applies the rule to one 地区. <paramref name="beyondHubs"/> and <paramref name="beyondShelters"/> are the true
    /// counts of on-network households beyond each menu distance (non-increasing).
    /// </summary>
    public static Published Decide(int households, int offNetwork, IReadOnlyList<int> beyondHubs, IReadOnlyList<int> beyondShelters)
    {
        if (households < Threshold)
        {
            // Every other figure is a part of the households: all under the threshold.
            return new Published(Count.Hidden, Count.Hidden, [.. beyondHubs.Select(_ => Count.Hidden)], [.. beyondShelters.Select(_ => Count.Hidden)]);
        }
        var onNetwork = households - offNetwork;
        // Both parts at least the threshold (a derivable 0 on the network would pin every beyond count to 0).
        var offShown = offNetwork >= Threshold && onNetwork >= Threshold;
        // The top of both chains: on the network when it can be derived, else all households (with the suppressed
        // off-network count inside the first difference).
        var top = offShown ? onNetwork : households;
        return new Published(Count.Shown(households), offShown ? Count.Shown(offNetwork) : Count.Hidden,
            Chain(top, !offShown, beyondHubs), Chain(top, !offShown, beyondShelters));
    }

    private static List<Count> Chain(int top, bool suppressedBelowTop, IReadOnlyList<int> values)
    {
        var result = new List<Count>(values.Count);
        var above = top;
        var hiddenInside = suppressedBelowTop;
        foreach (var v in values)
        {
            var difference = above - v;
            if (v >= Threshold && (difference >= Threshold || (difference == 0 && !hiddenInside)))
            {
                result.Add(Count.Shown(v));
                above = v;
                hiddenInside = false;
            }
            else
            {
                result.Add(Count.Hidden);
                hiddenInside = true;
            }
        }
        return result;
    }
}
