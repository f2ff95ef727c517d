using System.Globalization;
using System.Security.Claims;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>Adds the display name and the grants in force to the session's claims.</summary>
public sealed class WelfareClaimsFactory(UserManager<WelfareUser> users, RoleManager<WelfareRole> roles, IOptions<IdentityOptions> options,
    FukushiMapDbContext db, TimeProvider clock)
    : UserClaimsPrincipalFactory<WelfareUser, WelfareRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(WelfareUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var now = clock.GetUtcNow();
        var grants = await db.DistrictGrants.AsNoTracking()
            .Where(g => g.UserId == user.Id && g.RevokedAt == null && g.ExpiresAt > now)
            .Select(g => g.Id).ToListAsync();
        identity.AddClaim(new Claim(WelfareClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(WelfareClaims.Grants, string.Join(',', grants.Order())));
        return identity;
    }
}

/// <summary>
/// Runs on every request that carries a session cookie: the session ends when its server-side record is ended, idle or
/// too old (<see cref="SessionStore"/>), when its absolute lifetime is over, when the user's security stamp changed
/// (password, roles), or when any grant it started with has ended or was revoked.
/// </summary>
internal static class WelfareSession
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var options = services.GetRequiredService<IOptions<WelfareAuthOptions>>().Value;
        var identityOptions = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var principal = context.Principal;
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var authTimeText = principal?.FindFirstValue(WelfareClaims.AuthTime);
        if (userId is null || !long.TryParse(authTimeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var authTime)
            || now - DateTimeOffset.FromUnixTimeSeconds(authTime) > TimeSpan.FromHours(options.AbsoluteTimeoutHours))
        {
            await RejectAsync(context);
            return;
        }
        var db = services.GetRequiredService<FukushiMapDbContext>();
        if (await SessionStore.CheckAsync(db, principal!, userId, now, options, context.HttpContext.RequestAborted) is not null)
        {
            await RejectAsync(context);
            return;
        }
        var stamp = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (stamp is null || stamp != principal!.FindFirstValue(identityOptions.ClaimsIdentity.SecurityStampClaimType))
        {
            await SessionStore.EndAsync(db, principal!, now, "stamp", CancellationToken.None);
            await RejectAsync(context);
            return;
        }
        var grantIds = (principal!.FindFirstValue(WelfareClaims.Grants) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .ToList();
        if (grantIds.Count > 0)
        {
            var stillActive = await db.DistrictGrants.AsNoTracking()
                .CountAsync(g => grantIds.Contains(g.Id) && g.UserId == userId && g.RevokedAt == null && g.ExpiresAt > now, context.HttpContext.RequestAborted);
            if (stillActive != grantIds.Count)
            {
                await SessionStore.EndAsync(db, principal!, now, "grant", CancellationToken.None);
                await RejectAsync(context);
            }
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
