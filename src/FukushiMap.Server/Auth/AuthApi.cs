using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.WelfareMap;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>Sign-in, sign-out, the own session (with the antiforgery token) and password change.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("ログイン");
        auth.MapGet("/session", GetSessionAsync).AllowAnonymous().WithMetadata(new NoStoreMetadata())
            .WithName("GetSession").WithSummary("自分のセッション（ログイン中か、役割、担当区域）と、変更操作に付ける antiforgery トークン");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().WithMetadata(new RequiresAntiforgeryMetadata(), new NoStoreMetadata())
            .RequireRateLimiting(WelfareAuth.LoginRateLimit)
            .WithName("Login").WithSummary("ユーザー名とパスワードでログインする（失敗が続くと待ち時間が倍々に延びる。ロックはしない）");
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization(WelfarePolicies.SignedIn)
            .WithName("Logout").WithSummary("ログアウトする");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization(WelfarePolicies.SignedIn)
            .WithName("ChangePassword").WithSummary("自分のパスワードを変える（ほかのセッションは終わる）");
        return app;
    }

    public sealed record GrantView(int GrantId, int DistrictId, string DistrictName, string LayerKind, string Name, DateTimeOffset ExpiresAt);

    public sealed record Permissions(bool Read, bool Create, bool Update, bool Delete, bool Export, bool Review, bool SeesRegister,
        bool SeesSensitive, bool SetConsent, bool ManageHubs, bool Aggregates, bool Admin);

    public sealed record SessionView(bool SignedIn, string? UserName, string? DisplayName, string[] Roles, GrantView[] Grants,
        Permissions? Permissions, string CsrfToken, string CsrfHeader)
    {
        /// <summary>The municipality codes whose data, hubs and rules the caller may change (<see cref="PlannerCities"/>); null for a 管理者 (every one).</summary>
        public string[]? Municipalities { get; init; } = [];
    }

    internal static async Task<Ok<SessionView>> GetSessionAsync(HttpContext context, IAntiforgery antiforgery, FukushiMapDbContext db, CancellationToken ct)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var caller = await WelfareCaller.BindAsync(context);
        if (caller is null)
        {
            return TypedResults.Ok(new SessionView(false, null, null, [], [], null, tokens.RequestToken!, WelfareAuth.CsrfHeader));
        }
        var ids = caller.Grants.Select(g => g.DistrictId).ToList();
        var districts = await db.Districts.AsNoTracking().Where(d => ids.Contains(d.Id))
            .Select(d => new { d.Id, d.Name, Kind = d.Layer!.Kind }).ToDictionaryAsync(d => d.Id, ct);
        var grants = caller.Grants.Where(g => districts.ContainsKey(g.DistrictId))
            .Select(g => new GrantView(g.GrantId, g.DistrictId, districts[g.DistrictId].Name, districts[g.DistrictId].Kind, g.Name, g.ExpiresAt))
            .ToArray();
        var planner = caller.IsIn(WelfareRoles.Planner) || caller.IsIn(WelfareRoles.Admin);
        var permissions = new Permissions(caller.CanRead, caller.CanCreate, caller.CanUpdate, caller.CanDelete, caller.CanExport, caller.CanReview,
            caller.SeesRegister, caller.SeesSensitive, caller.CanSetConsent, planner, planner, caller.IsIn(WelfareRoles.Admin));
        var cities = planner ? await PlannerCities.HeldAsync(caller, db, ct) : [];
        return TypedResults.Ok(new SessionView(true, caller.UserName, caller.DisplayName, [.. caller.Roles.Order()], grants, permissions,
            tokens.RequestToken!, WelfareAuth.CsrfHeader) { Municipalities = cities?.ToArray() });
    }

    private static readonly WelfareUser s_timingUser = new() { DisplayName = "-", UserName = "-" };
    private static readonly Lazy<string> s_timingHash = new(() => new PasswordHasher<WelfareUser>().HashPassword(s_timingUser, Guid.NewGuid().ToString()));

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record LoginRequest(string? UserName, string? Password);

    internal static async Task<Results<NoContent, ProblemHttpResult>> LoginAsync(LoginRequest request, HttpContext context,
        SignInManager<WelfareUser> signIn, FukushiMapDbContext db, WelfareAudit audit, LoginThrottle throttle, IOptions<WelfareAuthOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (!WelfareAuth.IsTransportAcceptable(context, options.Value))
        {
            return Problems.Invalid("https-required", "HTTPS で接続してからログインしてください。");
        }
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            return Problems.Invalid("invalid-login", "ユーザー名とパスワードを入力してください。");
        }
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.RetryAfter(request.UserName, address) is { } wait)
        {
            // Keyed on the typed name, existing or not: the same answer for every name.
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await audit.WriteAsync((string?)null, null, "login", "user", [], null, "throttled", ct);
            return Problems.Throttled("login-throttled", $"ログインの失敗が続いたため、少し待っていただいています。{seconds} 秒ほど待ってからもう一度お試しください。");
        }
        var user = await signIn.UserManager.FindByNameAsync(request.UserName.Trim());
        // One answer for an unknown name, a wrong password and a locked account, after the same hashing work.
        var result = user is null ? null : await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: false);
        if (user is null || result!.IsLockedOut)
        {
            signIn.UserManager.PasswordHasher.VerifyHashedPassword(s_timingUser, s_timingHash.Value, request.Password);
        }
        if (user is null || !result!.Succeeded)
        {
            throttle.Failed(request.UserName, address);
            await audit.WriteAsync(user?.Id, user?.UserName, "login", "user", [], null, result?.IsLockedOut == true ? "locked" : "failed", ct);
            return Problems.Unauthenticated("login-failed", "ユーザー名またはパスワードが違います。");
        }
        throttle.Succeeded(request.UserName);
        var now = clock.GetUtcNow();
        var sessionId = await SessionStore.OpenAsync(db, user.Id, now, ct);
        await signIn.SignInWithClaimsAsync(user, new Microsoft.AspNetCore.Authentication.AuthenticationProperties { IsPersistent = false },
            [new Claim(WelfareClaims.AuthTime, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), new Claim(WelfareClaims.SessionId, sessionId)]);
        await audit.WriteAsync(user.Id, user.UserName, "login", "user", [], null, "success", ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> LogoutAsync(WelfareCaller caller, HttpContext context, SignInManager<WelfareUser> signIn, FukushiMapDbContext db,
        WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        // Ends this session on the server: a copy of the cookie taken earlier is refused from now on.
        await SessionStore.EndAsync(db, context.User, clock.GetUtcNow(), "logout", ct);
        await signIn.SignOutAsync();
        await audit.WriteAsync(caller.UserId, caller.UserName, "logout", "user", [], null, "success", ct);
        return TypedResults.NoContent();
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    internal static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(PasswordChange request, WelfareCaller caller,
        UserManager<WelfareUser> users, SignInManager<WelfareUser> signIn, FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(caller.UserId);
        if (user is null || string.IsNullOrEmpty(request.CurrentPassword) || string.IsNullOrEmpty(request.NewPassword))
        {
            return Problems.Invalid("invalid-password", "今のパスワードと新しいパスワードを入力してください。");
        }
        var result = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (!result.Succeeded)
        {
            return Problems.Invalid("invalid-password", string.Join(" ", result.Errors.Select(e => WelfareText.IdentityError(e))));
        }
        // Every session of the person ends on the server (the security stamp changed too); this one signs in afresh.
        await SessionStore.EndAllAsync(db, user.Id, clock.GetUtcNow(), "password", ct);
        await signIn.SignOutAsync();
        await audit.WriteAsync(caller.UserId, caller.UserName, "password", "user", [], null, "success", ct);
        return TypedResults.NoContent();
    }
}
