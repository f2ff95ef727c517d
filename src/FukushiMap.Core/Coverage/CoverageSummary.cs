namespace FukushiMap.Core.Coverage;

/// <summary>
/// Coverage figures of an area (people). Walking: <see cref="Covered"/> + <see cref="Uncovered"/> +
/// <see cref="NoNetwork"/> = <see cref="Population"/>. Straight line: <see cref="StraightCovered"/> +
/// <see cref="StraightUncovered"/> = <see cref="Population"/> (people without network counted at their unit's point).
/// Where there is no network data the straight line is the answer: <see cref="NoNetworkStraightCovered"/> +
/// <see cref="NoNetworkStraightUncovered"/> = <see cref="NoNetwork"/>, at the result's straight-line radius.
/// Band arrays follow <see cref="PopulationPlacement.BandNames"/> and are empty when there are no bands.
/// </summary>
public sealed record CoverageFigures(
    long Population, long Covered, long Uncovered, long NoNetwork, long StraightCovered, long StraightUncovered,
    long[] BandPopulation, long[] BandCovered, long[] BandUncovered, long[] BandNoNetwork)
{
    /// <summary>People without network data within the straight-line radius of a hub.</summary>
    public long NoNetworkStraightCovered { get; init; }

    /// <summary>People without network data beyond the straight-line radius of every hub.</summary>
    public long NoNetworkStraightUncovered => NoNetwork - NoNetworkStraightCovered;

    /// <summary>How these figures were measured: by walking, by straight line (no network data at all), or both for their parts.</summary>
    public DistanceMethod Method => NoNetwork == 0 ? DistanceMethod.Walking
        : NoNetwork == Population ? DistanceMethod.StraightLine : DistanceMethod.Mixed;
}

/// <summary>How a figure's distances were measured.</summary>
public enum DistanceMethod
{
    /// <summary>Along the walking network.</summary>
    Walking,
    /// <summary>Straight line, because there is no network data (「直線距離（道路データなし）」).</summary>
    StraightLine,
    /// <summary>Walking where there is network data, straight line for the people where there is none.</summary>
    Mixed,
}

/// <summary>One district's figures and how it stands against the planning rules.</summary>
/// <param name="Index">The district's index (as given to the summary).</param>
/// <param name="Figures">Its people, covered or not.</param>
/// <param name="Hubs">Hubs standing in the district.</param>
/// <param name="ResidentsPerHub">Population ÷ hubs, or null without hubs.</param>
/// <param name="NoHub">No hub at all (the 大牟田 rule: at least one per 小学校区).</param>
/// <param name="OverThreshold">More residents per hub than the threshold (the 江戸川 rule; a populous district
/// without hubs counts too).</param>
/// <param name="HubsShortOfThreshold">Hubs to add so residents per hub come within the threshold (≥ 0).</param>
public sealed record DistrictCoverage(int Index, CoverageFigures Figures, int Hubs, double? ResidentsPerHub, bool NoHub,
    bool OverThreshold, int HubsShortOfThreshold);

/// <summary>The whole and its districts.</summary>
public sealed record CoverageSummary(CoverageFigures Total, IReadOnlyList<DistrictCoverage> Districts, double ResidentsPerHubThreshold)
{
    /// <summary>Default residents-per-hub threshold (江戸川区: one なごみの家 per about 20,000 residents).</summary>
    public const double DefaultResidentsPerHub = 20_000;

    /// <summary>
    /// Adds up <paramref name="result"/> per district: each placement goes to
    /// <paramref name="districtOfPlacement"/>[i] (so a unit straddling districts is split where its people were placed),
    /// each hub to <paramref name="districtOfHub"/>[h].
    /// </summary>
    public static CoverageSummary Summarise(CoverageResult result, IReadOnlyList<int> districtOfPlacement, int districtCount,
        IReadOnlyList<int> districtOfHub, double residentsPerHubThreshold = DefaultResidentsPerHub)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(districtOfPlacement);
        ArgumentNullException.ThrowIfNull(districtOfHub);
        if (!(residentsPerHubThreshold > 0)) throw new ArgumentOutOfRangeException(nameof(residentsPerHubThreshold));
        var p = result.Placement;
        if (districtOfPlacement.Count != p.Count) throw new ArgumentException("One district per placement is needed.", nameof(districtOfPlacement));
        int bands = p.BandNames.Count;
        var total = new Accumulator(bands);
        var districts = Enumerable.Range(0, districtCount).Select(_ => new Accumulator(bands)).ToArray();
        for (int i = 0; i < p.Count; i++)
        {
            int d = districtOfPlacement[i];
            total.Add(result, i);
            if (d >= 0) districts[d].Add(result, i);
        }
        var hubs = new int[districtCount];
        foreach (int d in districtOfHub) if (d >= 0) hubs[d]++;
        var rows = new DistrictCoverage[districtCount];
        for (int d = 0; d < districtCount; d++)
        {
            var f = districts[d].Figures();
            double? perHub = hubs[d] > 0 ? (double)f.Population / hubs[d] : null;
            bool over = hubs[d] > 0 ? perHub > residentsPerHubThreshold : f.Population > residentsPerHubThreshold;
            int needed = (int)Math.Ceiling(f.Population / residentsPerHubThreshold);
            rows[d] = new DistrictCoverage(d, f, hubs[d], perHub, hubs[d] == 0, over, Math.Max(0, needed - hubs[d]));
        }
        return new CoverageSummary(total.Figures(), rows, residentsPerHubThreshold);
    }

    private sealed class Accumulator(int bands)
    {
        private long _population, _covered, _uncovered, _noNetwork, _straight, _noNetworkStraight;
        private readonly long[] _bandPopulation = new long[bands], _bandCovered = new long[bands],
            _bandUncovered = new long[bands], _bandNoNetwork = new long[bands];

        public void Add(CoverageResult r, int i)
        {
            var p = r.Placement;
            int people = p.People[i];
            bool off = p.Kinds[i] == PlacementKind.NoNetwork, covered = !off && r.IsCovered(i);
            _population += people;
            if (off) _noNetwork += people; else if (covered) _covered += people; else _uncovered += people;
            if (r.IsStraightCovered(i)) { _straight += people; if (off) _noNetworkStraight += people; }
            for (int b = 0; b < bands; b++)
            {
                int v = p.Bands[b][i];
                _bandPopulation[b] += v;
                if (off) _bandNoNetwork[b] += v; else if (covered) _bandCovered[b] += v; else _bandUncovered[b] += v;
            }
        }

        public CoverageFigures Figures() => new(_population, _covered, _uncovered, _noNetwork, _straight, _population - _straight,
            (long[])_bandPopulation.Clone(), (long[])_bandCovered.Clone(), (long[])_bandUncovered.Clone(), (long[])_bandNoNetwork.Clone())
        {
            NoNetworkStraightCovered = _noNetworkStraight,
        };
    }
}
