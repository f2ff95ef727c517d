using System.Security.Claims;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Auth;

/// <summary>A district grant in force for the caller.</summary>
public sealed record ActiveGrant(int GrantId, int DistrictId, string Name, DateTimeOffset ExpiresAt);

/// <summary>
/// Who is calling and what they may do: roles from the session, district grants read from the database on every
/// request (so a new grant works at once and an ended one stops at once). Bound as an endpoint parameter.
/// </summary>
public sealed class WelfareCaller
{
    public required string UserId { get; init; }
    public required string UserName { get; init; }
    public required string DisplayName { get; init; }
    public required IReadOnlySet<string> Roles { get; init; }
    public required IReadOnlyList<ActiveGrant> Grants { get; init; }
    public string? RemoteAddress { get; init; }

    public bool IsIn(string role) => Roles.Contains(role);

    public bool HasDistrict(int districtId) => Grants.Any(g => g.DistrictId == districtId);

    public IReadOnlyList<int> DistrictIds => Grants.Select(g => g.DistrictId).Distinct().ToList();

    private bool Any(params string[] roles) => roles.Any(Roles.Contains);

    // The permission table (per role, inside a granted district). Outside one's districts everything is 404.
    public bool CanRead => Roles.Count > 0;
    public bool CanCreate => Any(WelfareRoles.Admin, WelfareRoles.Minsei);
    public bool CanUpdate => Any(WelfareRoles.Admin, WelfareRoles.Minsei, WelfareRoles.Chonaikai);
    public bool CanDelete => Any(WelfareRoles.Admin, WelfareRoles.Minsei);
    public bool CanExport => Any(WelfareRoles.Admin, WelfareRoles.Minsei);
    public bool CanReview => Any(WelfareRoles.Admin, WelfareRoles.Minsei, WelfareRoles.Chonaikai);

    /// <summary>The whole register: households without consent and those moved or deceased (民生委員 and 管理者 only).</summary>
    public bool SeesRegister => Any(WelfareRoles.Admin, WelfareRoles.Minsei);

    /// <summary>Disability, care and note fields: everyone but a 福祉協力員 who has no other role.</summary>
    public bool SeesSensitive => Any(WelfareRoles.Admin, WelfareRoles.Minsei, WelfareRoles.Chonaikai, WelfareRoles.Planner);

    /// <summary>Consent state, date, method and legal basis.</summary>
    public bool CanSetConsent => Any(WelfareRoles.Admin, WelfareRoles.Minsei);

    /// <summary>Moving a household to another district.</summary>
    public bool CanSetDistrict => IsIn(WelfareRoles.Admin);

    /// <summary>Builds the caller of this request; null when not signed in (the policy has already refused that).</summary>
    public static async ValueTask<WelfareCaller?> BindAsync(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return null;
        }
        var services = context.RequestServices;
        var db = services.GetRequiredService<FukushiMapDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var grants = await db.DistrictGrants.AsNoTracking()
            .Where(g => g.UserId == userId && g.RevokedAt == null && g.ExpiresAt > now)
            .OrderBy(g => g.DistrictId)
            .Select(g => new ActiveGrant(g.Id, g.DistrictId, g.Name, g.ExpiresAt))
            .ToListAsync(context.RequestAborted);
        return new WelfareCaller
        {
            UserId = userId,
            UserName = user.FindFirstValue(ClaimTypes.Name) ?? userId,
            DisplayName = user.FindFirstValue(WelfareClaims.DisplayName) ?? user.FindFirstValue(ClaimTypes.Name) ?? userId,
            Roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(WelfareRoles.All.Contains).ToHashSet(),
            Grants = grants,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        };
    }
}

/// <summary>Claims FukushiMap adds to the session.</summary>
public static class WelfareClaims
{
    public const string DisplayName = "fm:display_name";

    /// <summary>Sign-in time (Unix seconds): the absolute timeout counts from here.</summary>
    public const string AuthTime = "fm:auth_time";

    /// <summary>Ids of the grants in force at sign-in (comma-separated): when one of them ends, the session ends.</summary>
    public const string Grants = "fm:grants";

    /// <summary>The server-side session (<c>welfare_sessions.id</c>) this cookie belongs to.</summary>
    public const string SessionId = "fm:sid";
}
