namespace FukushiMap.Core.Coverage;

/// <summary>
/// Integer apportionment by the largest-remainder (Hamilton) method: a whole number of people is shared out over
/// weighted places so that the shares add up to the total exactly and each share differs from its exact quota by
/// less than one.
/// </summary>
public static class Apportionment
{
    // Golden-ratio spread: ties (equal remainders, e.g. equal street pieces) go to places spread evenly through the
    // list instead of bunching at its start.
    private const double Golden = 0.6180339887498949;

    /// <summary>
    /// Shares <paramref name="total"/> over <paramref name="weights"/> into <paramref name="shares"/>: each place first
    /// gets the whole part of its quota (total × weight ÷ Σweights), then the places with the largest remainders get
    /// one more until the total is reached. Ties are broken by a fixed, evenly spread order, so the result is repeatable.
    /// When every weight is 0 the weights are taken as equal.
    /// </summary>
    /// <param name="total">Whole number to share, ≥ 0.</param>
    /// <param name="weights">Finite, non-negative weights (e.g. metres of street).</param>
    /// <param name="shares">Receives one share per weight; Σshares = <paramref name="total"/>.</param>
    /// <exception cref="ArgumentException">No places for a positive total, a bad weight, or spans of different lengths.</exception>
    public static void LargestRemainder(int total, ReadOnlySpan<double> weights, Span<int> shares)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (shares.Length != weights.Length) throw new ArgumentException("One share per weight is needed.", nameof(shares));
        shares.Clear();
        if (total == 0) return;
        if (weights.Length == 0) throw new ArgumentException($"Cannot share {total} over no places.", nameof(weights));
        double sum = 0;
        foreach (double w in weights)
        {
            if (!(w >= 0) || !double.IsFinite(w)) throw new ArgumentException($"Weights must be finite and >= 0 (got {w}).", nameof(weights));
            sum += w;
        }
        int n = weights.Length;
        var remainders = new double[n];
        long given = 0;
        for (int i = 0; i < n; i++)
        {
            double quota = sum > 0 ? total * (weights[i] / sum) : (double)total / n;
            double whole = Math.Floor(quota);
            shares[i] = (int)whole;
            given += (int)whole;
            remainders[i] = quota - whole;
        }
        int left = (int)(total - given);
        if (left <= 0)
        {
            // Rounding can overshoot by a hair when quotas are whole numbers computed as x.9999…: take back from the smallest remainders.
            FixOvershoot(shares, remainders, -left);
            return;
        }
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = remainders[b].CompareTo(remainders[a]);
            return c != 0 ? c : Spread(a).CompareTo(Spread(b));
        });
        for (int k = 0; k < left; k++) shares[order[k % n]]++;
    }

    /// <summary>Convenience overload returning a new array.</summary>
    public static int[] LargestRemainder(int total, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var w = weights.ToArray();
        var shares = new int[w.Length];
        LargestRemainder(total, w, shares);
        return shares;
    }

    private static double Spread(int index) => index * Golden % 1.0;

    private static void FixOvershoot(Span<int> shares, double[] remainders, int excess)
    {
        while (excess > 0)
        {
            int best = -1;
            for (int i = 0; i < shares.Length; i++)
                if (shares[i] > 0 && (best < 0 || remainders[i] < remainders[best])) best = i;
            shares[best]--;
            remainders[best] = double.PositiveInfinity;
            excess--;
        }
    }
}
