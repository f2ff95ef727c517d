namespace FukushiMap.Data.Entities;

/// <summary>
/// A planning rule a municipality checks its hubs against, per district of one layer: at least <see cref="MinHubsPerDistrict"/>
/// hubs of <see cref="HubTypes"/> in each district (each of the types when <see cref="EachType"/>), and/or at most
/// <see cref="MaxResidentsPerHub"/> residents per hub. The seed cities' own rules are built in; planners add their city's.
/// </summary>
public class PlanningRule
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }

    /// <summary>The rule in the municipality's words (e.g. 福祉なんでも相談窓口を 6 圏域すべてに).</summary>
    public required string Name { get; set; }

    /// <summary>Where the rule comes from (計画の名前など), shown with it.</summary>
    public string? Source { get; set; }

    /// <summary>The kind of district it is counted by (小学校区, 日常生活圏域, 地区, 連合町会 …): the layer of that kind, or key.</summary>
    public required string DistrictKind { get; set; }

    /// <summary>How many such districts the municipality has, when known: lets a count be checked before their boundaries are imported.</summary>
    public int? ExpectedDistricts { get; set; }

    /// <summary>Hub type keys (comma-separated; a parent type includes its children).</summary>
    public required string HubTypes { get; set; }

    /// <summary>Each listed type must be present (世田谷区: the 三者 of every まちづくりセンター), not only any of them.</summary>
    public bool EachType { get; set; }

    public int? MinHubsPerDistrict { get; set; }

    public double? MaxResidentsPerHub { get; set; }

    /// <summary>True for the seed cities' rules shipped with FukushiMap (not editable in the browser).</summary>
    public bool BuiltIn { get; set; }

    /// <summary>Account name of the planner who defined it; null for built-in rules.</summary>
    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
