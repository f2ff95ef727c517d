using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Auth;

/// <summary>
/// The municipalities a 計画担当 works for: one user claim <see cref="Claim"/> per municipality code. A 管理者 works for every one.
/// What a planner changes for a city (its data, its planning rules) is allowed only for the cities they hold.
/// </summary>
public static class PlannerCities
{
    /// <summary>The user claim naming a municipality a 計画担当 holds.</summary>
    public const string Claim = "fm:municipality";

    /// <summary>Whether <paramref name="caller"/> may change what belongs to municipality <paramref name="code"/>.</summary>
    public static async Task<bool> HoldsAsync(WelfareCaller caller, FukushiMapDbContext db, string code, CancellationToken ct) =>
        caller.IsIn(WelfareRoles.Admin)
        || await db.UserClaims.AnyAsync(c => c.UserId == caller.UserId && c.ClaimType == Claim && c.ClaimValue == code, ct);

    /// <summary>The codes <paramref name="caller"/> holds; null for a 管理者 (every one).</summary>
    public static async Task<List<string>?> HeldAsync(WelfareCaller caller, FukushiMapDbContext db, CancellationToken ct) =>
        caller.IsIn(WelfareRoles.Admin) ? null
            : await db.UserClaims.Where(c => c.UserId == caller.UserId && c.ClaimType == Claim).Select(c => c.ClaimValue!).ToListAsync(ct);
}
