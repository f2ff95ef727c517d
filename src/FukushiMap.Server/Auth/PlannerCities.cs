using FukushiMap.Analysis.Parameters;
using FukushiMap.Core;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Auth;

/// <summary>
/// The municipalities a 計画担当 works for: one user claim <see cref="Claim"/> per municipality code. A 管理者 works for every one.
/// What a planner changes for a city (its data, its hubs, its planning rules) is allowed only for the cities they hold.
/// A 管理者 gives and takes cities on /welfare/admin.html or with <c>./fukushimap planner-cities</c>; both go through
/// <see cref="GrantAsync"/> and <see cref="RevokeAsync"/>.
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
        caller.IsIn(WelfareRoles.Admin) ? null : await HeldAsync(db, caller.UserId, ct);

    /// <summary>The codes user <paramref name="userId"/> holds, in code order.</summary>
    public static Task<List<string>> HeldAsync(FukushiMapDbContext db, string userId, CancellationToken ct) =>
        db.UserClaims.AsNoTracking().Where(c => c.UserId == userId && c.ClaimType == Claim).Select(c => c.ClaimValue!).Distinct().OrderBy(c => c).ToListAsync(ct);

    /// <summary>Every user's held codes, by user id.</summary>
    public static async Task<Dictionary<string, string[]>> HeldByUserAsync(FukushiMapDbContext db, CancellationToken ct) =>
        (await db.UserClaims.AsNoTracking().Where(c => c.ClaimType == Claim).Select(c => new { c.UserId, c.ClaimValue }).ToListAsync(ct))
            .GroupBy(c => c.UserId).ToDictionary(g => g.Key, g => g.Select(c => c.ClaimValue!).Distinct().Order(StringComparer.Ordinal).ToArray());

    /// <summary>
    /// Lets 計画担当 <paramref name="userId"/> change municipality <paramref name="code"/>'s data. The claim is added to
    /// <paramref name="db"/> unsaved (it commits with the caller's SaveChanges, e.g. together with its audit entry).
    /// False when the user already holds it. Throws <see cref="FukushiMapError"/> naming the fault in Japanese: an unknown
    /// user or municipality (not found), a user who is not a 計画担当 (invalid).
    /// </summary>
    public static async Task<bool> GrantAsync(FukushiMapDbContext db, string userId, string? code, CancellationToken ct)
    {
        var city = await CheckAsync(db, userId, code, ct);
        if (await db.UserClaims.AnyAsync(c => c.UserId == userId && c.ClaimType == Claim && c.ClaimValue == city, ct))
        {
            return false;
        }
        db.UserClaims.Add(new IdentityUserClaim<string> { UserId = userId, ClaimType = Claim, ClaimValue = city });
        return true;
    }

    /// <summary>
    /// Takes municipality <paramref name="code"/> from 計画担当 <paramref name="userId"/> (removal unsaved, as in
    /// <see cref="GrantAsync"/>). Throws not found when the user does not hold it.
    /// </summary>
    public static async Task RevokeAsync(FukushiMapDbContext db, string userId, string? code, CancellationToken ct)
    {
        var city = ParseCode(code);
        var userName = await UserNameAsync(db, userId, ct);
        var claims = await db.UserClaims.Where(c => c.UserId == userId && c.ClaimType == Claim && c.ClaimValue == city).ToListAsync(ct);
        if (claims.Count == 0)
        {
            throw FukushiMapError.NotFound("municipality-not-held", $"{userName} さんは市区町村 {city} を担当していません。");
        }
        db.UserClaims.RemoveRange(claims);
    }

    /// <summary>The user's account name, or not found.</summary>
    public static async Task<string> UserNameAsync(FukushiMapDbContext db, string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct)
        ?? throw FukushiMapError.NotFound("user-not-found", "そのアカウントは見つかりません。");

    private static string ParseCode(string? code) => string.IsNullOrWhiteSpace(code)
        ? throw FukushiMapError.Invalid("invalid-municipality", "市区町村コード（municipalityCode、5 桁の数字）を指定してください。")
        : Parse.Municipality(code.Trim());

    private static async Task<string> CheckAsync(FukushiMapDbContext db, string userId, string? code, CancellationToken ct)
    {
        var city = ParseCode(code);
        var userName = await UserNameAsync(db, userId, ct);
        var roles = await db.UserRoles.Where(ur => ur.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToListAsync(ct);
        if (!roles.Contains(WelfareRoles.Planner))
        {
            var what = roles.Contains(WelfareRoles.Admin)
                ? "管理者はもともとすべての市区町村を変えられます。"
                : $"市区町村を担当できるのは計画担当だけです（{userName} さんの役割: {(roles.Count == 0 ? "なし" : string.Join("・", roles))}）。";
            throw FukushiMapError.Invalid("not-a-planner", $"{userName} さんは計画担当ではありません。{what}");
        }
        if (!await db.Municipalities.AnyAsync(m => m.Code == city, ct))
        {
            throw FukushiMapError.NotFound("unknown-municipality", $"市区町村 {city} は読み込まれていません（読み込み済みの市区町村から選んでください）。");
        }
        return city;
    }
}
