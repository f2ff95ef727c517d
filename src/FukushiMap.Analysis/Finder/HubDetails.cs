using System.Globalization;
using FukushiMap.Data.Entities;

namespace FukushiMap.Analysis.Finder;

/// <summary>One weekly opening period as the page shows it: ISO days (1 = 月 … 7 = 日), times "HH:mm" (Asia/Tokyo).</summary>
public sealed record OpeningPeriodView(int[] Days, string Opens, string Closes);

/// <summary>What a resident needs to decide whether to go: what is offered, for whom, when, and how to get in touch.</summary>
public sealed record HubFacts(
    int Id, string[] Functions, string[] TargetGroups, OpeningPeriodView[] OpeningHours, string? OpeningNote, bool? OpenNow,
    string? Phone, string? Email, string? Website, string? AccessibilityNotes, string? Operator, string? Attribution);

/// <summary>Hub facts as the finder shows them, and the finder's filters over them.</summary>
public static class HubFactsView
{
    private static readonly TimeZoneInfo Tokyo = FindTokyo();

    /// <summary>The local time in Asia/Tokyo at <paramref name="utc"/>.</summary>
    public static DateTime TokyoTime(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Tokyo).DateTime;

    /// <summary>Facts of one hub at a given local (Asia/Tokyo) time; open-now is null when the hub has no opening hours.</summary>
    public static HubFacts ToFacts(Hub h, DateTime localTime) => new(
        h.Id, [.. h.Functions], [.. h.TargetGroups], [.. h.OpeningHours.Select(View)], h.OpeningNote,
        h.OpeningHours.Count == 0 ? null : h.OpeningHours.Any(p => p.IsOpenAt(localTime)),
        h.Phone, h.Email, h.Website, h.AccessibilityNotes, h.Operator, h.Dataset?.Attribution);

    private static OpeningPeriodView View(OpeningPeriod p) => new([.. p.Days.Order()],
        p.Opens.ToString("HH:mm", CultureInfo.InvariantCulture), p.Closes.ToString("HH:mm", CultureInfo.InvariantCulture));

    /// <summary>
    /// Whether a hub passes the finder's filters: any of the asked functions; any of the asked target groups, where a hub for
    /// 誰でも serves every group; open now when asked (a hub without opening hours is not known to be open).
    /// </summary>
    public static bool Passes(Hub h, IReadOnlyCollection<string> functions, IReadOnlyCollection<string> targets, bool openNow, DateTime localTime) =>
        (functions.Count == 0 || h.Functions.Any(functions.Contains))
        && (targets.Count == 0 || h.TargetGroups.Any(t => targets.Contains(t) || t == Everyone))
        && (!openNow || h.OpeningHours.Any(p => p.IsOpenAt(localTime)));

    /// <summary>The target group that includes every other.</summary>
    public const string Everyone = "誰でも";

    private static TimeZoneInfo FindTokyo()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        }
        catch (TimeZoneNotFoundException)
        {
            // Japan has had no daylight saving since 1951.
            return TimeZoneInfo.CreateCustomTimeZone("JST", TimeSpan.FromHours(9), "日本標準時", "日本標準時");
        }
    }
}
