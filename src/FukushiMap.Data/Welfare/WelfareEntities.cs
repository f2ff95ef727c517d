using FukushiMap.Data.Entities;
using Microsoft.AspNetCore.Identity;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Welfare;

/// <summary>A person who signs in (ASP.NET Core Identity user; table <c>welfare_users</c>).</summary>
public class WelfareUser : IdentityUser
{
    /// <summary>Name shown on screens and in the print watermark (e.g. 「宇部 花子（民生委員）」).</summary>
    public required string DisplayName { get; set; }

    /// <summary>True for accounts made by <c>./fukushimap demo-users</c>; they are listed as デモ on screen.</summary>
    public bool IsDemo { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An Identity role; its name is one of <see cref="WelfareRoles"/>.</summary>
public class WelfareRole : IdentityRole
{
    public WelfareRole()
    {
    }

    public WelfareRole(string name) : base(name)
    {
    }
}

/// <summary>The five roles of the 三者懇談会 and the city. Names are the Japanese words people use.</summary>
public static class WelfareRoles
{
    public const string Admin = "管理者";
    public const string Planner = "計画担当";
    public const string Minsei = "民生委員・児童委員";
    public const string Chonaikai = "町内会役員";
    public const string Kyoryokuin = "福祉協力員";

    public static IReadOnlyList<string> All { get; } = [Admin, Planner, Minsei, Chonaikai, Kyoryokuin];
}

/// <summary>
/// A named, expiring grant: <see cref="UserId"/> may work with households of <see cref="DistrictId"/>
/// (a 地区 or 民生委員担当区域) until <see cref="ExpiresAt"/>. When it ends or is revoked, the person's sessions end.
/// </summary>
public class DistrictGrant
{
    public int Id { get; set; }

    public required string UserId { get; set; }
    public WelfareUser? User { get; set; }

    public int DistrictId { get; set; }
    public District? District { get; set; }

    /// <summary>Why the grant exists (e.g. 「令和8年度 民生委員（担当区域）」).</summary>
    public required string Name { get; set; }

    public DateTimeOffset GrantedAt { get; set; }
    public string? GrantedBy { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>True while the grant is in force at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt == null && ExpiresAt > now;
}

/// <summary>Household categories of the 福祉マップ (a household may have several).</summary>
public static class HouseholdCategories
{
    public const string LivingAlone = "独居高齢者";
    public const string ElderlyOnly = "高齢者のみ世帯";
    public const string Disability = "障害";
    public const string Care = "要介護";
    public const string ChildRearing = "子育て";
    public const string Other = "その他";

    public static IReadOnlyList<string> All { get; } = [LivingAlone, ElderlyOnly, Disability, Care, ChildRearing, Other];

    /// <summary>Categories that are themselves 要配慮個人情報 beyond what a 福祉協力員 needs (disability, care).</summary>
    public static IReadOnlyList<string> Sensitive { get; } = [Disability, Care];
}

/// <summary>Consent to share with supporters in ordinary times (災害対策基本法 49条の11).</summary>
public static class ConsentStates
{
    public const string Agreed = "同意";
    public const string Refused = "不同意";
    public const string Unconfirmed = "未確認";

    public static IReadOnlyList<string> All { get; } = [Agreed, Refused, Unconfirmed];
}

/// <summary>Whether a household is still on the map. Moved and deceased households leave community views at once.</summary>
public static class HouseholdStatuses
{
    public const string Active = "active";
    public const string Moved = "moved";
    public const string Deceased = "deceased";

    public static IReadOnlyList<string> All { get; } = [Active, Moved, Deceased];
}

/// <summary>
/// A household that needs support. Only fictitious households (架空のデモデータ, <see cref="IsFictitious"/>) ever enter
/// the repository or the demo. Never published as an OGC collection: it is served under /api/households only.
/// </summary>
public class Household
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }

    /// <summary>The district whose grant holders may see this household.</summary>
    public int DistrictId { get; set; }
    public District? District { get; set; }

    /// <summary>How the household is called in the meeting (世帯の呼び名).</summary>
    public required string Label { get; set; }

    public string? Address { get; set; }

    /// <summary>Location, JGD2011 lon/lat (SRID 6668).</summary>
    public required Point Location { get; set; }

    /// <summary>Categories from <see cref="HouseholdCategories"/>.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Disability details (障害の内容). Never sent to a 福祉協力員.</summary>
    public string? DisabilityDetail { get; set; }

    /// <summary>Care level (要介護度, e.g. 要介護2). Never sent to a 福祉協力員.</summary>
    public string? CareLevel { get; set; }

    /// <summary>Free notes. Never sent to a 福祉協力員.</summary>
    public string? Notes { get; set; }

    /// <summary>One of <see cref="ConsentStates"/>.</summary>
    public string ConsentState { get; set; } = ConsentStates.Unconfirmed;

    public DateOnly? ConsentDate { get; set; }

    /// <summary>How consent was obtained (書面, 口頭, 郵送 …).</summary>
    public string? ConsentMethod { get; set; }

    /// <summary>Legal basis for holding/sharing (本人同意, 条例, 法49条の11第2項 …).</summary>
    public string? LegalBasis { get; set; }

    /// <summary>One of <see cref="HouseholdStatuses"/>.</summary>
    public string Status { get; set; } = HouseholdStatuses.Active;

    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Always true in this repository: demo and test households are fictitious (架空のデモデータ).</summary>
    public bool IsFictitious { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    /// <summary>PostgreSQL's xmin: the optimistic-concurrency token (ETag).</summary>
    public uint Version { get; set; }

    public List<WatcherAssignment> Watchers { get; set; } = [];
}

/// <summary>A 見守り担当: a person who looks in on households (not necessarily a user of the system).</summary>
public class Watcher
{
    public int Id { get; set; }

    public int DistrictId { get; set; }
    public District? District { get; set; }

    public required string Name { get; set; }

    /// <summary>Their role in the community (福祉協力員, 町内会役員, 近隣住民 …).</summary>
    public string? Role { get; set; }

    /// <summary>Where the watcher starts from (home), JGD2011 lon/lat (SRID 6668), for drawing lines.</summary>
    public required Point Location { get; set; }

    /// <summary>The signed-in user this watcher is, when any.</summary>
    public string? UserId { get; set; }

    public bool IsFictitious { get; set; } = true;

    /// <summary>PostgreSQL's xmin: the optimistic-concurrency token (ETag), as for households.</summary>
    public uint Version { get; set; }

    public List<WatcherAssignment> Households { get; set; } = [];
}

/// <summary>Watcher ↔ household.</summary>
public class WatcherAssignment
{
    public int HouseholdId { get; set; }
    public Household? Household { get; set; }
    public int WatcherId { get; set; }
    public Watcher? Watcher { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
}

/// <summary>Outcome of the yearly review (年次確認) of a household.</summary>
public static class ReviewOutcomes
{
    public const string Confirmed = "confirmed";
    public const string Changed = "changed";
    public const string Removed = "removed";

    public static IReadOnlyList<string> All { get; } = [Confirmed, Changed, Removed];
}

/// <summary>One tick of the yearly review checklist.</summary>
public class HouseholdReview
{
    public int Id { get; set; }
    public int HouseholdId { get; set; }
    public int DistrictId { get; set; }

    /// <summary>Fiscal year (年度) reviewed.</summary>
    public int Year { get; set; }

    /// <summary>One of <see cref="ReviewOutcomes"/>.</summary>
    public required string Outcome { get; set; }

    public string? Note { get; set; }
    public required string ReviewedBy { get; set; }
    public DateTimeOffset ReviewedAt { get; set; }
}

/// <summary>The change log of households: who changed which fields when (names of fields, not their values).</summary>
public class HouseholdChange
{
    public long Id { get; set; }
    public int HouseholdId { get; set; }
    public int DistrictId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }

    /// <summary>create, update, status, review, delete, watcher.</summary>
    public required string Action { get; set; }

    public List<string> Fields { get; set; } = [];
}

/// <summary>
/// Append-only audit log of every read, change and export of household data. A database trigger forbids UPDATE,
/// DELETE and TRUNCATE. It holds ids and outcomes, never personal values.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string? UserId { get; set; }
    public string? UserName { get; set; }

    /// <summary>read, list, create, update, delete, export, review, evacuation, login, logout …</summary>
    public required string Action { get; set; }

    /// <summary>household, watcher, district, user, grant, hub …</summary>
    public required string Resource { get; set; }

    /// <summary>Ids of the records touched.</summary>
    public List<int> RecordIds { get; set; } = [];

    public int? DistrictId { get; set; }

    /// <summary>success, not-found, denied, conflict, invalid, failed, locked.</summary>
    public required string Outcome { get; set; }

    /// <summary>The purpose given for an export (目的).</summary>
    public string? Purpose { get; set; }

    public string? RemoteAddress { get; set; }
}

/// <summary>A change to a hub, made in the browser: who and when, and the hub as it was after the change (JSON).</summary>
public class HubChange
{
    public long Id { get; set; }
    public int HubId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }

    /// <summary>create, update, retire, reopen.</summary>
    public required string Action { get; set; }

    /// <summary>The hub after the change, as JSON.</summary>
    public required string Snapshot { get; set; }
}

/// <summary>
/// A signed-in session, held on the server: the cookie names it (claim <c>fm:sid</c>) and every request checks it here,
/// so a session ends for good when this row is ended (logout, password change, grant revocation) or has been idle or
/// open too long, whatever the browser still holds.
/// </summary>
public class SignInSession
{
    /// <summary>Random id (128 bits, hex), carried inside the protected cookie.</summary>
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public WelfareUser? User { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last request seen (updated at most once a minute); the idle timeout counts from here.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>logout, password, grant, idle, absolute, stamp.</summary>
    public string? EndReason { get; set; }
}
