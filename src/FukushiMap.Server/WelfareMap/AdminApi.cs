using FukushiMap.Analysis.Parameters;
using FukushiMap.Core;
using System.Text.Json.Serialization;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.WelfareMap;

/// <summary>
/// 管理者: accounts, roles, district grants (named, with an expiry), the municipalities each 計画担当 may set up
/// (<see cref="PlannerCities"/>) and the audit log.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapWelfareAdmin(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/welfare-admin").WithTags("福祉マップ（管理）").RequireAuthorization(WelfarePolicies.Admin);
        api.MapGet("/users", ListUsersAsync).WithName("ListUsers").WithSummary("アカウントと役割・担当区域");
        api.MapPost("/users", CreateUserAsync).WithName("CreateUser").WithSummary("アカウントを作る");
        api.MapPost("/grants", CreateGrantAsync).WithName("CreateGrant").WithSummary("区域の担当を付与する（名前と期限つき）");
        api.MapPost("/grants/{id:int}/revoke", RevokeGrantAsync).WithName("RevokeGrant").WithSummary("担当を取り消す（その人のセッションは終わる）");
        api.MapPost("/users/{id}/municipalities", GrantMunicipalityAsync).WithName("GrantPlannerMunicipality")
            .WithSummary("計画担当に市区町村を担当させる（その市区町村のデータ・拠点・目安を変えられるようになる）");
        api.MapDelete("/users/{id}/municipalities/{code}", RevokeMunicipalityAsync).WithName("RevokePlannerMunicipality")
            .WithSummary("計画担当から市区町村の担当を外す（次の操作から断られる）");
        api.MapGet("/districts", ListDistrictsAsync).WithName("ListGrantableDistricts").WithSummary("担当を付与できる区域");
        api.MapGet("/audit", ListAuditAsync).WithName("ListAudit").WithSummary("監査ログ（新しい順）");
        return app;
    }

    public sealed record GrantRow(int Id, int DistrictId, string DistrictName, string Name, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, bool Active);

    /// <param name="Municipalities">The municipality codes a 計画担当 holds (<see cref="PlannerCities"/>); empty for other roles.</param>
    public sealed record UserRow(string Id, string UserName, string DisplayName, string[] Roles, bool LockedOut, bool Demo, List<GrantRow> Grants,
        string[] Municipalities);

    internal static async Task<Ok<List<UserRow>>> ListUsersAsync(FukushiMapDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct);
        var grants = await db.DistrictGrants.AsNoTracking().Include(g => g.District).OrderBy(g => g.Id).ToListAsync(ct);
        var cities = await PlannerCities.HeldByUserAsync(db, ct);
        return TypedResults.Ok(users.Select(u => new UserRow(u.Id, u.UserName!, u.DisplayName,
            [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!)], u.LockoutEnd > now, u.IsDemo,
            grants.Where(g => g.UserId == u.Id).Select(g => new GrantRow(g.Id, g.DistrictId, g.District!.Name, g.Name, g.ExpiresAt, g.RevokedAt, g.IsActiveAt(now))).ToList(),
            cities.GetValueOrDefault(u.Id, [])))
            .ToList());
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record NewUser(string? UserName, string? DisplayName, string? Role, string? Password);

    internal static async Task<Results<Created<UserRow>, ProblemHttpResult>> CreateUserAsync(NewUser input, WelfareCaller caller,
        UserManager<WelfareUser> users, WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.UserName) || string.IsNullOrWhiteSpace(input.DisplayName) || input.DisplayName.Length > 100
            || input.Role is null || !WelfareRoles.All.Contains(input.Role) || string.IsNullOrEmpty(input.Password))
        {
            return Problems.Invalid("invalid-user", $"ユーザー名・表示名・役割（{string.Join("・", WelfareRoles.All)}）・パスワードを指定してください。");
        }
        var result = await WelfareAccounts.CreateAsync(users, input.UserName.Trim(), input.DisplayName.Trim(), input.Role, input.Password, clock.GetUtcNow(), demo: false);
        if (result.User is null)
        {
            return Problems.Invalid("invalid-user", string.Join(" ", result.Errors));
        }
        await audit.WriteAsync(caller, "create", "user", [], null, "success", ct: ct);
        var u = result.User;
        return TypedResults.Created($"/api/welfare-admin/users/{u.Id}", new UserRow(u.Id, u.UserName!, u.DisplayName, [input.Role], false, false, [], []));
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record NewGrant(string? UserId, int? DistrictId, string? Name, DateTimeOffset? ExpiresAt);

    internal static async Task<Results<Created<GrantRow>, ProblemHttpResult>> CreateGrantAsync(NewGrant input, WelfareCaller caller, FukushiMapDbContext db,
        WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (input.UserId is null || input.DistrictId is not { } districtId || string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200
            || input.ExpiresAt is not { } expires)
        {
            return Problems.Invalid("invalid-grant", "相手（userId）・区域（districtId）・担当の名前（name）・期限（expiresAt）を指定してください。");
        }
        if (expires <= now || expires > now.AddYears(3))
        {
            return Problems.Invalid("invalid-grant", "期限は今より後、3年以内にしてください（民生委員の任期は3年）。");
        }
        var district = await db.Districts.AsNoTracking().FirstOrDefaultAsync(d => d.Id == districtId, ct);
        if (district is null || !await db.Users.AnyAsync(u => u.Id == input.UserId, ct))
        {
            return Problems.NotFound("not-found", "その人または区域は見つかりません。");
        }
        var grant = new DistrictGrant { UserId = input.UserId, DistrictId = districtId, Name = input.Name.Trim(), GrantedAt = now, GrantedBy = caller.DisplayName, ExpiresAt = expires };
        db.DistrictGrants.Add(grant);
        audit.Add(db, caller, "create", "grant", [districtId], districtId, "success");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/welfare-admin/grants/{grant.Id}", new GrantRow(grant.Id, districtId, district.Name, grant.Name, expires, null, true));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeGrantAsync(int id, WelfareCaller caller, FukushiMapDbContext db,
        WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        var grant = await db.DistrictGrants.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (grant is null)
        {
            return Problems.NotFound("not-found", "その担当は見つかりません。");
        }
        var now = clock.GetUtcNow();
        grant.RevokedAt ??= now;
        audit.Add(db, caller, "revoke", "grant", [grant.DistrictId], grant.DistrictId, "success");
        await db.SaveChangesAsync(ct);
        // The person's sessions end on the server; they sign in again with the grants that remain.
        await SessionStore.EndAllAsync(db, grant.UserId, now, "grant", ct);
        return TypedResults.NoContent();
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record MunicipalityGrant(string? MunicipalityCode);

    /// <summary>The municipalities a 計画担当 holds after a change.</summary>
    public sealed record PlannerMunicipalities(string UserId, string UserName, string[] Municipalities);

    internal static async Task<Results<Ok<PlannerMunicipalities>, ProblemHttpResult>> GrantMunicipalityAsync(string id, MunicipalityGrant input,
        WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        try
        {
            if (await PlannerCities.GrantAsync(db, id, input.MunicipalityCode, ct))
            {
                audit.Add(db, caller, "grant-municipality", "planner-municipality", [], null, "success", await PurposeAsync(db, id, input.MunicipalityCode!, ct));
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.Ok(new PlannerMunicipalities(id, await PlannerCities.UserNameAsync(db, id, ct), [.. await PlannerCities.HeldAsync(db, id, ct)]));
        }
        catch (FukushiMapError e)
        {
            return Problems.Result(e);
        }
    }

    internal static async Task<Results<Ok<PlannerMunicipalities>, ProblemHttpResult>> RevokeMunicipalityAsync(string id, string code,
        WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        try
        {
            await PlannerCities.RevokeAsync(db, id, code, ct);
            audit.Add(db, caller, "revoke-municipality", "planner-municipality", [], null, "success", await PurposeAsync(db, id, code, ct));
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new PlannerMunicipalities(id, await PlannerCities.UserNameAsync(db, id, ct), [.. await PlannerCities.HeldAsync(db, id, ct)]));
        }
        catch (FukushiMapError e)
        {
            return Problems.Result(e);
        }
    }

    /// <summary>What the audit log keeps of a change of a planner's cities: the code and the account name (no personal values).</summary>
    private static async Task<string> PurposeAsync(FukushiMapDbContext db, string userId, string code, CancellationToken ct) =>
        $"{code.Trim()} {await PlannerCities.UserNameAsync(db, userId, ct)}";

    public sealed record DistrictRow(int Id, string Name, string LayerKey, string LayerKind);

    internal static async Task<Ok<List<DistrictRow>>> ListDistrictsAsync(string? municipality, FukushiMapDbContext db, CancellationToken ct)
    {
        var code = Parse.Municipality(municipality);
        var rows = await db.Districts.AsNoTracking().Where(d => d.MunicipalityCode == code).OrderBy(d => d.LayerId).ThenBy(d => d.Id)
            .Select(d => new DistrictRow(d.Id, d.Name, d.Layer!.Key, d.Layer.Kind)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    public sealed record AuditRow(long Id, DateTimeOffset At, string? UserName, string Action, string Resource, List<int> RecordIds, int? DistrictId,
        string Outcome, string? Purpose);

    internal static async Task<Ok<List<AuditRow>>> ListAuditAsync(int? limit, string? user, string? action, int? record, FukushiMapDbContext db, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 200, 1, 2000);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(user)) q = q.Where(a => a.UserName == user);
        if (!string.IsNullOrEmpty(action)) q = q.Where(a => a.Action == action);
        if (record is { } r) q = q.Where(a => a.RecordIds.Contains(r));
        var rows = await q.OrderByDescending(a => a.Id).Take(take)
            .Select(a => new AuditRow(a.Id, a.At, a.UserName, a.Action, a.Resource, a.RecordIds, a.DistrictId, a.Outcome, a.Purpose)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }
}

/// <summary>Creating accounts (admin API, CLI, tests): one role per person.</summary>
public static class WelfareAccounts
{
    public sealed record Created(WelfareUser? User, List<string> Errors);

    public static async Task<Created> CreateAsync(UserManager<WelfareUser> users, string userName, string displayName, string role, string password,
        DateTimeOffset now, bool demo)
    {
        var user = new WelfareUser { UserName = userName, DisplayName = displayName, IsDemo = demo, CreatedAt = now };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return new Created(null, result.Errors.Select(WelfareText.IdentityError).ToList());
        }
        var roleResult = await users.AddToRoleAsync(user, role);
        return roleResult.Succeeded ? new Created(user, []) : new Created(null, roleResult.Errors.Select(WelfareText.IdentityError).ToList());
    }

    /// <summary>Creates the five roles when missing.</summary>
    public static async Task EnsureRolesAsync(RoleManager<WelfareRole> roles)
    {
        foreach (var name in WelfareRoles.All)
        {
            if (!await roles.RoleExistsAsync(name))
            {
                await roles.CreateAsync(new WelfareRole(name));
            }
        }
    }

    /// <summary>A random passphrase-like password (20 letters and digits) that passes the policy.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}-{new string(chars, 10, 5)}-{new string(chars, 15, 5)}";
    }
}
