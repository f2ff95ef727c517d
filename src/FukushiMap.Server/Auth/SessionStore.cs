using System.Security.Claims;
using System.Security.Cryptography;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Auth;

/// <summary>
/// Server-side sessions (<c>welfare_sessions</c>): sign-in opens a row and puts its id in the protected cookie
/// (<see cref="WelfareClaims.SessionId"/>); every request checks the row. Ending the row ends the session whatever copy
/// of the cookie is still around: logout ends that one session, a password change or a grant revocation ends all of the
/// person's sessions, and the idle and absolute limits are counted on the server.
/// </summary>
public static class SessionStore
{
    /// <summary>How often the last-seen time is written (a write per request would be wasteful).</summary>
    private static readonly TimeSpan s_touchEvery = TimeSpan.FromMinutes(1);

    public static async Task<string> OpenAsync(FukushiMapDbContext db, string userId, DateTimeOffset now, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        db.SignInSessions.Add(new SignInSession { Id = id, UserId = userId, CreatedAt = now, LastSeenAt = now });
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>
    /// Null when the session named by <paramref name="principal"/> is open and within its limits (its last-seen time is
    /// moved on); otherwise the reason it is over (the row is ended with that reason).
    /// </summary>
    public static async Task<string?> CheckAsync(FukushiMapDbContext db, ClaimsPrincipal principal, string userId, DateTimeOffset now,
        WelfareAuthOptions options, CancellationToken ct)
    {
        if (principal.FindFirstValue(WelfareClaims.SessionId) is not { } id)
        {
            return "missing";
        }
        var session = await db.SignInSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.UserId == userId, ct);
        if (session is null)
        {
            return "missing";
        }
        if (session.EndedAt is not null)
        {
            return session.EndReason ?? "ended";
        }
        var reason = now - session.LastSeenAt > TimeSpan.FromMinutes(options.IdleTimeoutMinutes) ? "idle"
            : now - session.CreatedAt > TimeSpan.FromHours(options.AbsoluteTimeoutHours) ? "absolute"
            : null;
        var row = db.SignInSessions.Where(s => s.Id == id);
        if (reason is not null)
        {
            await row.ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct);
        }
        else if (now - session.LastSeenAt >= s_touchEvery)
        {
            await row.ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        }
        return reason;
    }

    /// <summary>Ends the one session named in <paramref name="principal"/>.</summary>
    public static Task EndAsync(FukushiMapDbContext db, ClaimsPrincipal principal, DateTimeOffset now, string reason, CancellationToken ct) =>
        principal.FindFirstValue(WelfareClaims.SessionId) is { } id
            ? db.SignInSessions.Where(s => s.Id == id && s.EndedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct)
            : Task.CompletedTask;

    /// <summary>Ends every open session of <paramref name="userId"/>.</summary>
    public static Task<int> EndAllAsync(FukushiMapDbContext db, string userId, DateTimeOffset now, string reason, CancellationToken ct) =>
        db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct);
}
