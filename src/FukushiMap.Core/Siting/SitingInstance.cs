namespace FukushiMap.Core.Siting;

/// <summary>
/// A siting problem's data, independent of the model asked: weighted demand points, facilities (existing ones, always
/// open, then candidates) and the costs between them, stored sparsely. Costs are in one unit throughout (walking metres
/// on a city network; the instance's own cost unit for OR-Library data). A pair not stored means "farther than
/// <see cref="MaxCost"/>": such a demand point is neither covered by that facility nor served by it at less than
/// <see cref="UnservedCost"/>. Immutable; build with <see cref="SitingInstanceBuilder"/>.
/// <para>
/// Facilities are numbered 0..<see cref="FacilityCount"/>-1: the first <see cref="ExistingCount"/> are existing
/// (kept open by every model), the rest are candidates.
/// </para>
/// </summary>
public sealed class SitingInstance
{
    internal readonly double[] Weights;
    internal readonly double[] People;
    internal readonly double[] Older;
    // Demand → facility pairs (CSR), each demand's pairs by increasing cost.
    internal readonly int[] DemandFirst;
    internal readonly int[] PairFacility;
    internal readonly float[] PairCost;
    // Facility → demand pairs (CSR transpose), each facility's pairs by increasing cost.
    internal readonly int[] FacilityFirst;
    internal readonly int[] FacilityPairDemand;
    internal readonly float[] FacilityPairCost;

    internal SitingInstance(double[] weights, double[] people, double[] older, int existingCount, int facilityCount,
        int[] demandFirst, int[] pairFacility, float[] pairCost, double maxCost, double unservedCost)
    {
        Weights = weights;
        People = people;
        Older = older;
        ExistingCount = existingCount;
        FacilityCount = facilityCount;
        DemandFirst = demandFirst;
        PairFacility = pairFacility;
        PairCost = pairCost;
        MaxCost = maxCost;
        UnservedCost = unservedCost;
        TotalWeight = weights.Sum();
        TotalPeople = people.Sum();
        TotalOlder = older.Sum();

        // Transpose: counting sort by facility, then each facility's demands by cost (stable in the demand's order).
        FacilityFirst = new int[facilityCount + 1];
        foreach (int f in pairFacility) FacilityFirst[f + 1]++;
        for (int f = 0; f < facilityCount; f++) FacilityFirst[f + 1] += FacilityFirst[f];
        FacilityPairDemand = new int[pairFacility.Length];
        FacilityPairCost = new float[pairFacility.Length];
        var next = (int[])FacilityFirst.Clone();
        for (int d = 0; d < DemandCount; d++)
        {
            for (int p = demandFirst[d]; p < demandFirst[d + 1]; p++)
            {
                int slot = next[pairFacility[p]]++;
                FacilityPairDemand[slot] = d;
                FacilityPairCost[slot] = pairCost[p];
            }
        }
        for (int f = 0; f < facilityCount; f++)
        {
            int start = FacilityFirst[f], length = FacilityFirst[f + 1] - start;
            Array.Sort(FacilityPairCost, FacilityPairDemand, start, length);
        }
    }

    /// <summary>Number of demand points.</summary>
    public int DemandCount => Weights.Length;

    /// <summary>Number of facilities, existing and candidate.</summary>
    public int FacilityCount { get; }

    /// <summary>Number of existing facilities (numbered first; always open).</summary>
    public int ExistingCount { get; }

    /// <summary>Number of candidate sites (facilities after the existing ones).</summary>
    public int CandidateCount => FacilityCount - ExistingCount;

    /// <summary>Number of stored demand–facility pairs.</summary>
    public int PairCount => PairFacility.Length;

    /// <summary>Costs above this were not stored (the search bound); +∞ when the instance is complete.</summary>
    public double MaxCost { get; }

    /// <summary>Cost charged to a demand point no open facility reaches within <see cref="MaxCost"/> (p-median).</summary>
    public double UnservedCost { get; }

    /// <summary>Σ of the demand weights.</summary>
    public double TotalWeight { get; }

    /// <summary>Σ of the people.</summary>
    public double TotalPeople { get; }

    /// <summary>Σ of the people aged 65 and over.</summary>
    public double TotalOlder { get; }

    /// <summary>Objective weight of demand point <paramref name="demand"/> (people, possibly with older people counted more).</summary>
    public double Weight(int demand) => Weights[demand];

    /// <summary>People at demand point <paramref name="demand"/> (reported; equals the weight unless weighted).</summary>
    public double PeopleAt(int demand) => People[demand];

    /// <summary>People aged 65 and over at demand point <paramref name="demand"/> (reported; 0 when not known).</summary>
    public double OlderAt(int demand) => Older[demand];

    /// <summary>True for existing facilities.</summary>
    public bool IsExisting(int facility) => facility < ExistingCount;

    /// <summary>The facilities reaching <paramref name="demand"/> within <see cref="MaxCost"/>, nearest first.</summary>
    public ReadOnlySpan<int> FacilitiesOf(int demand) => PairFacility.AsSpan(DemandFirst[demand], DemandFirst[demand + 1] - DemandFirst[demand]);

    /// <summary>Costs matching <see cref="FacilitiesOf"/>.</summary>
    public ReadOnlySpan<float> CostsOf(int demand) => PairCost.AsSpan(DemandFirst[demand], DemandFirst[demand + 1] - DemandFirst[demand]);

    /// <summary>The demand points <paramref name="facility"/> reaches within <see cref="MaxCost"/>, nearest first.</summary>
    public ReadOnlySpan<int> DemandsOf(int facility) => FacilityPairDemand.AsSpan(FacilityFirst[facility], FacilityFirst[facility + 1] - FacilityFirst[facility]);

    /// <summary>Costs matching <see cref="DemandsOf"/>.</summary>
    public ReadOnlySpan<float> DemandCostsOf(int facility) => FacilityPairCost.AsSpan(FacilityFirst[facility], FacilityFirst[facility + 1] - FacilityFirst[facility]);
}
