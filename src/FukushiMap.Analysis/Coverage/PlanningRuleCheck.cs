using System.Globalization;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using FukushiMap.Data.Entities;

namespace FukushiMap.Analysis.Coverage;

/// <summary>How a rule stands.</summary>
public static class RuleStatus
{
    /// <summary>Checked district by district and met everywhere.</summary>
    public const string Met = "met";
    /// <summary>Not met: some districts (or, without their boundaries, the city as a whole) fall short.</summary>
    public const string NotMet = "not-met";
    /// <summary>The count is enough for the city as a whole; where the hubs stand needs the districts' boundaries.</summary>
    public const string CountOnly = "count-only";
    /// <summary>Nothing can be said yet: neither the districts' boundaries nor their number are known.</summary>
    public const string Unknown = "unknown";
}

/// <summary>One district of a rule's layer: its people, its hubs of each of the rule's types, and whether it meets the rule.</summary>
public sealed record RuleDistrict(string Code, string Name, long Population, int Hubs, IReadOnlyDictionary<string, int> HubsByType, bool Met,
    string? Shortfall);

/// <summary>A rule checked against the hubs and people of its municipality now.</summary>
/// <param name="Layer">The district layer it was counted by (key, name), or null when the city has none of that kind.</param>
/// <param name="MissingTypes">Type keys of the rule no hub type exists for yet.</param>
public sealed record RuleCheck(PlanningRule Rule, string Status, string Summary, (string Key, string Name)? Layer, int HubCount, long Population,
    IReadOnlyDictionary<string, int> HubsByType, IReadOnlyList<string> MissingTypes, IReadOnlyList<RuleDistrict> Districts);

/// <summary>
/// Checks a municipality's planning rules (planning_rules) against its hubs and people: per district of the rule's kind when the
/// city has that layer; otherwise, as far as counts allow, for the city as a whole (and says what would settle it).
/// </summary>
public sealed class PlanningRuleChecker(CoverageService coverage, HubCatalogue hubs)
{
    /// <summary>Checks the rules of one municipality (its hubs, people and district layers read once for all of them).</summary>
    public async Task<List<RuleCheck>> CheckAsync(FukushiMapDbContext db, string municipality, IReadOnlyList<PlanningRule> rules,
        CancellationToken ct)
    {
        if (rules.Any(r => r.MunicipalityCode != municipality)) throw new ArgumentException("Rules of one municipality only.", nameof(rules));
        var results = new List<RuleCheck>();
        if (rules.Count == 0) return results;
        var catalogue = await hubs.GetAsync(municipality, ct);
        var city = await coverage.GetCityAsync(municipality, ct);
        var layers = await CoverageInputLoader.LayersAsync(db, municipality, ct);
        foreach (var rule in rules) results.Add(await CheckAsync(rule, catalogue, city, layers, ct));
        return results;
    }

    private async Task<RuleCheck> CheckAsync(PlanningRule rule, CityHubs catalogue, CoverageCity? city, IReadOnlyList<DistrictLayerInfo> layers,
        CancellationToken ct)
    {
        var types = rule.HubTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = types.Where(t => !catalogue.KnowsType(t)).ToList();
        var known = types.Where(catalogue.KnowsType).ToArray();
        var ruleHubs = known.Length == 0 ? [] : catalogue.Hubs.Where(h => CityHubs.IsOfType(h, known)).ToList();
        var byType = types.ToDictionary(t => t, t => catalogue.KnowsType(t) ? ruleHubs.Count(h => CityHubs.IsOfType(h, [t])) : 0);

        long population = city?.Placement.TotalPeople ?? 0;
        var info = layers.FirstOrDefault(l => l.Districts > 0 && (l.Kind == rule.DistrictKind || l.Key == rule.DistrictKind));
        var units = rule.DistrictKind is "町丁・字" or CoverageLayer.UnitsKey;
        var layer = city is null ? null : units ? city.UnitLayer : info is null ? null : await coverage.GetLayerAsync(city, info.Key, ct);
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var missingNote = missing.Count > 0 ? $"種類「{string.Join("」「", missing)}」の拠点はまだ登録されていません。" : "";

        if (city is not null && layer is not null)
        {
            var people = new long[layer.Districts.Length];
            for (int i = 0; i < city.Placement.Count; i++)
            {
                int d = layer.DistrictOfPlacement[i];
                if (d >= 0) people[d] += city.Placement.PeopleAt(i);
            }
            var counts = layer.Districts.Select(_ => types.ToDictionary(t => t, _ => 0)).ToArray();
            var totals = new int[layer.Districts.Length];
            var projector = city.Network.Loaded.Projector;
            foreach (var hub in ruleHubs)
            {
                var (x, y) = projector.ToPlane(hub.Location.X, hub.Location.Y);
                int d = layer.Locator.Locate(new NetTopologySuite.Geometries.Coordinate(x, y));
                if (d < 0) continue;
                totals[d]++;
                foreach (var t in types.Where(t => catalogue.KnowsType(t) && CityHubs.IsOfType(hub, [t]))) counts[d][t]++;
            }
            var districts = layer.Districts.Select((district, d) =>
            {
                var shortfall = new List<string>();
                if (rule.MinHubsPerDistrict is { } min)
                {
                    if (rule.EachType)
                        shortfall.AddRange(types.Where(t => counts[d][t] < min).Select(t => $"「{t}」が {N(min - counts[d][t])} か所足りない"));
                    else if (totals[d] < min)
                        shortfall.Add(totals[d] == 0 ? "拠点がない" : $"拠点が {N(min - totals[d])} か所足りない");
                }
                if (rule.MaxResidentsPerHub is { } max && people[d] > 0)
                {
                    int needed = (int)Math.Ceiling(people[d] / max);
                    if (totals[d] < needed) shortfall.Add($"住民 {N(people[d])} 人に拠点 {N(totals[d])} か所（目安なら {N(needed)} か所）");
                }
                return new RuleDistrict(district.Code, district.Name, people[d], totals[d], counts[d], shortfall.Count == 0,
                    shortfall.Count == 0 ? null : string.Join("、", shortfall));
            }).ToList();
            int failing = districts.Count(d => !d.Met);
            return new RuleCheck(rule, failing == 0 ? RuleStatus.Met : RuleStatus.NotMet,
                (failing == 0
                    ? $"{layer.Name} {N(districts.Count)} 区域のすべてで目安を満たしています。"
                    : $"{layer.Name} {N(districts.Count)} 区域のうち {N(failing)} 区域で目安に届いていません。") + missingNote,
                (layer.Key, layer.Name), ruleHubs.Count, population, byType, missing, districts);
        }

        // Without the districts' boundaries: what the counts alone can tell, and what would settle it.
        var needBoundaries = $"「{rule.DistrictKind}」の境界を取り込むと、区域ごとに確かめます。";
        var findings = new List<string>();
        var status = RuleStatus.Unknown;
        void Worse(string s) => status = s == RuleStatus.NotMet || status == RuleStatus.NotMet ? RuleStatus.NotMet : s;
        if (rule.MinHubsPerDistrict is { } minimum)
        {
            if (rule.ExpectedDistricts is { } expected)
            {
                var needed = expected * minimum;
                var shortTypes = (rule.EachType ? types : ["*"]).Select(t => (Type: t, Count: t == "*" ? ruleHubs.Count : byType[t]))
                    .Where(x => x.Count < needed).ToList();
                if (shortTypes.Count > 0)
                {
                    Worse(RuleStatus.NotMet);
                    findings.Add(string.Join("、", shortTypes.Select(x => (x.Type == "*" ? "拠点" : $"「{x.Type}」") +
                        $"が {N(x.Count)} か所で、{rule.DistrictKind} {N(expected)} 区域のうち少なくとも {N(Math.Ceiling((needed - x.Count) / (double)minimum))} 区域に足りません")) + "。");
                }
                else
                {
                    Worse(RuleStatus.CountOnly);
                    findings.Add($"拠点は {N(ruleHubs.Count)} か所で、{rule.DistrictKind} {N(expected)} 区域に {N(minimum)} か所ずつの数は足りています。");
                }
            }
            else
            {
                findings.Add($"拠点は {N(ruleHubs.Count)} か所です（{rule.DistrictKind}の数がわからないため、数だけでは判断できません）。");
            }
        }
        if (rule.MaxResidentsPerHub is { } most && population > 0)
        {
            int needed = (int)Math.Ceiling(population / most);
            if (ruleHubs.Count < needed)
            {
                Worse(RuleStatus.NotMet);
                findings.Add($"全体でも住民 {N(population)} 人に拠点 {N(ruleHubs.Count)} か所で、目安（{N(most)} 人に 1 か所）なら少なくとも {N(needed)} か所要ります。");
            }
            else
            {
                Worse(RuleStatus.CountOnly);
                findings.Add($"全体では住民 {N(population)} 人に拠点 {N(ruleHubs.Count)} か所で、目安（{N(most)} 人に 1 か所）の数は足りています。");
            }
        }
        return new RuleCheck(rule, status, string.Join("", findings) + missingNote + needBoundaries, null, ruleHubs.Count, population, byType, missing, []);
    }
}
