namespace FukushiMap.Core.Siting;

/// <summary>
/// Collects demand points and demand–facility costs into a <see cref="SitingInstance"/>.
/// Pairs may come in any order; a pair given twice keeps its lower cost; pairs above the maximum cost are dropped.
/// </summary>
public sealed class SitingInstanceBuilder
{
    private readonly List<double> _weights = [];
    private readonly List<double> _people = [];
    private readonly List<double> _older = [];
    private int[] _pairDemand = new int[1024];
    private int[] _pairFacility = new int[1024];
    private float[] _pairCost = new float[1024];
    private int _pairCount;

    /// <param name="existingCount">Existing facilities (numbered 0..existingCount-1, always open).</param>
    /// <param name="candidateCount">Candidate sites (numbered after the existing ones).</param>
    /// <param name="maxCost">Search bound: costs above it are not stored (+∞ for a complete instance).</param>
    /// <param name="unservedCost">p-median cost of a demand point no open facility reaches; defaults to
    /// <paramref name="maxCost"/> when that is finite.</param>
    public SitingInstanceBuilder(int existingCount, int candidateCount, double maxCost = double.PositiveInfinity, double? unservedCost = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(existingCount);
        ArgumentOutOfRangeException.ThrowIfNegative(candidateCount);
        if (double.IsNaN(maxCost) || maxCost < 0) throw new ArgumentOutOfRangeException(nameof(maxCost), maxCost, "The bound must be >= 0.");
        ExistingCount = existingCount;
        CandidateCount = candidateCount;
        MaxCost = maxCost;
        UnservedCost = unservedCost ?? maxCost;
        if (double.IsNaN(UnservedCost) || UnservedCost < 0) throw new ArgumentOutOfRangeException(nameof(unservedCost), unservedCost, "Must be >= 0.");
    }

    /// <summary>Existing facilities.</summary>
    public int ExistingCount { get; }

    /// <summary>Candidate sites.</summary>
    public int CandidateCount { get; }

    /// <summary>The search bound.</summary>
    public double MaxCost { get; }

    /// <summary>Cost of an unserved demand point.</summary>
    public double UnservedCost { get; }

    /// <summary>Demand points added so far.</summary>
    public int DemandCount => _weights.Count;

    /// <summary>Adds a demand point and returns its index.</summary>
    /// <param name="weight">Its objective weight, ≥ 0 (people, possibly with older people counted more).</param>
    /// <param name="people">People there, for reporting; defaults to <paramref name="weight"/>.</param>
    /// <param name="older">People aged 65 and over there, for reporting.</param>
    public int AddDemand(double weight, double? people = null, double older = 0)
    {
        if (!(weight >= 0) || !double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "Weights must be finite and >= 0.");
        double p = people ?? weight;
        if (!(p >= 0) || !double.IsFinite(p)) throw new ArgumentOutOfRangeException(nameof(people));
        if (!(older >= 0) || !double.IsFinite(older)) throw new ArgumentOutOfRangeException(nameof(older));
        _weights.Add(weight);
        _people.Add(p);
        _older.Add(older);
        return _weights.Count - 1;
    }

    /// <summary>Makes room for <paramref name="pairs"/> pairs in all (avoids regrowing when the count is known).</summary>
    public void EnsureCapacity(int pairs)
    {
        if (pairs <= _pairDemand.Length) return;
        Array.Resize(ref _pairDemand, pairs);
        Array.Resize(ref _pairFacility, pairs);
        Array.Resize(ref _pairCost, pairs);
    }

    /// <summary>Records the cost from <paramref name="demand"/> to <paramref name="facility"/>.</summary>
    public void AddPair(int demand, int facility, double cost)
    {
        if ((uint)demand >= (uint)_weights.Count) throw new ArgumentOutOfRangeException(nameof(demand));
        if ((uint)facility >= (uint)(ExistingCount + CandidateCount)) throw new ArgumentOutOfRangeException(nameof(facility));
        if (!(cost >= 0)) throw new ArgumentOutOfRangeException(nameof(cost), cost, "Costs must be >= 0.");
        if (cost > MaxCost) return;
        if (_pairCount == _pairDemand.Length)
        {
            int size = _pairDemand.Length * 2;
            Array.Resize(ref _pairDemand, size);
            Array.Resize(ref _pairFacility, size);
            Array.Resize(ref _pairCost, size);
        }
        _pairDemand[_pairCount] = demand;
        _pairFacility[_pairCount] = facility;
        _pairCost[_pairCount] = (float)cost;
        _pairCount++;
    }

    /// <summary>Builds the instance (the builder can be dropped afterwards).</summary>
    public SitingInstance Build()
    {
        int demands = _weights.Count, facilities = ExistingCount + CandidateCount;
        var first = new int[demands + 1];
        for (int p = 0; p < _pairCount; p++) first[_pairDemand[p] + 1]++;
        for (int d = 0; d < demands; d++) first[d + 1] += first[d];
        var facility = new int[_pairCount];
        var cost = new float[_pairCount];
        var next = (int[])first.Clone();
        for (int p = 0; p < _pairCount; p++)
        {
            int slot = next[_pairDemand[p]]++;
            facility[slot] = _pairFacility[p];
            cost[slot] = _pairCost[p];
        }

        // Sort each demand's pairs by cost (then facility), and keep the first of any repeated facility.
        var seen = new int[facilities];
        Array.Fill(seen, -1);
        int write = 0;
        var compacted = new int[demands + 1];
        for (int d = 0; d < demands; d++)
        {
            int start = first[d], length = first[d + 1] - start;
            SortByCostThenFacility(cost, facility, start, length);
            compacted[d] = write;
            for (int p = start; p < start + length; p++)
            {
                if (seen[facility[p]] == d) continue;
                seen[facility[p]] = d;
                facility[write] = facility[p];
                cost[write] = cost[p];
                write++;
            }
        }
        compacted[demands] = write;
        if (write < facility.Length)
        {
            Array.Resize(ref facility, write);
            Array.Resize(ref cost, write);
        }
        return new SitingInstance(_weights.ToArray(), _people.ToArray(), _older.ToArray(), ExistingCount, facilities, compacted, facility, cost,
            MaxCost, UnservedCost);
    }

    /// <summary>An instance from a full cost matrix [demand][facility] with unit (or given) weights.</summary>
    public static SitingInstance FromMatrix(IReadOnlyList<float[]> costs, int existingCount = 0, IReadOnlyList<double>? weights = null,
        double maxCost = double.PositiveInfinity, double? unservedCost = null)
    {
        ArgumentNullException.ThrowIfNull(costs);
        int facilities = costs.Count == 0 ? existingCount : costs[0].Length;
        double unserved = unservedCost ?? (double.IsFinite(maxCost) ? maxCost : costs.SelectMany(c => c).DefaultIfEmpty(0).Max() + 1);
        var builder = new SitingInstanceBuilder(existingCount, facilities - existingCount, maxCost, unserved);
        for (int d = 0; d < costs.Count; d++)
        {
            if (costs[d].Length != facilities) throw new ArgumentException("Every row needs one cost per facility.", nameof(costs));
            builder.AddDemand(weights?[d] ?? 1);
            for (int f = 0; f < facilities; f++)
            {
                if (float.IsFinite(costs[d][f])) builder.AddPair(d, f, costs[d][f]);
            }
        }
        return builder.Build();
    }

    private static void SortByCostThenFacility(float[] cost, int[] facility, int start, int length)
    {
        if (length < 2) return;
        // Costs are >= 0, so their bit patterns order like the values; the facility breaks ties, which keeps results
        // independent of input order.
        var keys = new long[length];
        for (int i = 0; i < length; i++)
            keys[i] = ((long)BitConverter.SingleToInt32Bits(cost[start + i]) << 32) | (uint)facility[start + i];
        Array.Sort(keys);
        for (int i = 0; i < length; i++)
        {
            cost[start + i] = BitConverter.Int32BitsToSingle((int)(keys[i] >> 32));
            facility[start + i] = (int)(keys[i] & 0xFFFFFFFF);
        }
    }
}
