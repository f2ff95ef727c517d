using System.Text.Json.Serialization;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;

namespace FukushiMap.Server.WelfareMap;

/// <summary>A household as 民生委員・児童委員, 町内会役員, 計画担当 and 管理者 see it (all fields).</summary>
public sealed record HouseholdView(int Id, int DistrictId, string Label, string? Address, double Lon, double Lat, string[] Categories,
    string? DisabilityDetail, string? CareLevel, string? Notes, string ConsentState, DateOnly? ConsentDate, string? ConsentMethod,
    string? LegalBasis, string Status, DateTimeOffset? StatusChangedAt, int[] WatcherIds, bool Fictitious, DateTimeOffset UpdatedAt,
    string? UpdatedBy, string Version);

/// <summary>
/// A household as a 福祉協力員 sees it: no disability, care or note fields and no disability/care categories.
/// A separate type, so the omitted fields cannot be serialised by mistake.
/// </summary>
public sealed record HouseholdCommunityView(int Id, int DistrictId, string Label, string? Address, double Lon, double Lat, string[] Categories,
    string Status, int[] WatcherIds, bool Fictitious, DateTimeOffset UpdatedAt, string Version);

/// <summary>
/// What a client may send to create or change a household. Absent (null) fields stay as they are; an empty string clears a
/// text field. Unknown members (owner, created_by, version …) are refused.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record HouseholdInput(
    int? DistrictId, string? Label, string? Address, double? Lon, double? Lat, string[]? Categories,
    string? DisabilityDetail, string? CareLevel, string? Notes,
    string? ConsentState, DateOnly? ConsentDate, string? ConsentMethod, string? LegalBasis,
    string? Status, int[]? WatcherIds);

public static class HouseholdShapes
{
    public const string FictitiousNotice = "架空のデモデータ（実在の人物・世帯ではありません）";

    public static string ETag(uint version) => $"\"{version}\"";

    /// <summary>The view the caller is entitled to: full or community (福祉協力員).</summary>
    public static object ViewFor(WelfareCaller caller, Household h) => caller.SeesSensitive ? Full(h) : Community(h);

    public static HouseholdView Full(Household h) => new(h.Id, h.DistrictId, h.Label, h.Address, h.Location.X, h.Location.Y,
        [.. h.Categories], h.DisabilityDetail, h.CareLevel, h.Notes, h.ConsentState, h.ConsentDate, h.ConsentMethod, h.LegalBasis,
        h.Status, h.StatusChangedAt, [.. h.Watchers.Select(w => w.WatcherId).Order()], h.IsFictitious, h.UpdatedAt, h.UpdatedBy,
        ETag(h.Version));

    public static HouseholdCommunityView Community(Household h) => new(h.Id, h.DistrictId, h.Label, h.Address, h.Location.X, h.Location.Y,
        [.. h.Categories.Where(c => !HouseholdCategories.Sensitive.Contains(c))], h.Status,
        [.. h.Watchers.Select(w => w.WatcherId).Order()], h.IsFictitious, h.UpdatedAt, ETag(h.Version));
}
