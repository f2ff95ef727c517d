using System.Net;
using System.Threading.RateLimiting;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>Marks an anonymous endpoint that still changes state (sign-in): it needs an antiforgery token.</summary>
public sealed class RequiresAntiforgeryMetadata;

/// <summary>Marks an anonymous endpoint whose answer must not be cached (own session).</summary>
public sealed class NoStoreMetadata;

/// <summary>
/// Accounts and sessions: ASP.NET Core Identity on the project's PostgreSQL, a cookie session (HttpOnly, SameSite=Strict,
/// Secure whenever the request is HTTPS; idle and absolute timeouts, held on the server), login throttling, a login rate limit, antiforgery on every
/// state change and <c>Cache-Control: no-store</c> on every restricted answer.
/// </summary>
public static class WelfareAuth
{
    public const string LoginRateLimit = "login";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string SessionCookie = "fukushimap.session";
    public const string CsrfCookie = "fukushimap.csrf";

    public static IServiceCollection AddWelfareAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddWelfareIdentity(configuration).AddSignInManager().AddClaimsPrincipalFactory<WelfareClaimsFactory>();
        AddSession(services);
        return services;
    }

    /// <summary>Identity (users, roles, password rules, lockout) without the web session: the CLI uses this too.</summary>
    public static IdentityBuilder AddWelfareIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WelfareAuthOptions>().Bind(configuration.GetSection(WelfareAuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var identity = services.AddIdentityCore<WelfareUser>()
            .AddRoles<WelfareRole>()
            .AddEntityFrameworkStores<FukushiMapDbContext>()
            .AddPasswordValidator<CommonPasswordValidator>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<WelfareAuthOptions>>((o, w) =>
        {
            // NIST 800-63B: length, not composition.
            o.Password.RequiredLength = w.Value.MinPasswordLength;
            o.Password.RequireDigit = false;
            o.Password.RequireLowercase = false;
            o.Password.RequireUppercase = false;
            o.Password.RequireNonAlphanumeric = false;
            o.Password.RequiredUniqueChars = 1;
            // No lockout after failures (five requests would lock anyone out): LoginThrottle slows guessing instead.
            // An administrator's lock (LockoutEnd) still holds, and answers like a wrong password.
            o.Lockout.AllowedForNewUsers = true;
            o.User.RequireUniqueEmail = false;
        });
        return identity;
    }

    private static void AddSession(IServiceCollection services)
    {
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<WelfareAuthOptions>>((o, w) =>
        {
            o.Cookie.Name = SessionCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over HTTPS; plain http only for loopback development (see AllowInsecureHttp).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(w.Value.IdleTimeoutMinutes);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = c =>
            {
                c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToAccessDenied = c =>
            {
                c.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnValidatePrincipal = WelfareSession.ValidateAsync;
        });
        services.AddSingleton<LoginThrottle>();
        services.AddAuthorization(WelfarePolicies.Add);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = CsrfCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<WelfareAuthOptions>>().Value.LoginPermitsPerMinute;
                return RateLimitPartition.GetSlidingWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new SlidingWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0 });
            });
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await WriteProblemAsync(context.HttpContext, ErrorKind.Throttled, "too-many-logins", "ログインの試行が多すぎます",
                    "短い時間にログインを何度も試しました。1分ほど待ってからもう一度お試しください。");
            };
        });

    }

    /// <summary>Authentication, authorization, no-store, the login rate limit and antiforgery, in that order.</summary>
    public static WebApplication UseWelfareAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(NoStoreAsync);
        app.UseAuthorization();
        app.Use(DenyUndecidedAsync);
        app.UseRateLimiter();
        app.Use(AntiforgeryAsync);
        return app;
    }

    /// <summary>True when the endpoint is restricted (not explicitly anonymous).</summary>
    public static bool IsRestricted(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;

    private static Task NoStoreAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is { } endpoint && (IsRestricted(endpoint) || endpoint.Metadata.GetMetadata<NoStoreMetadata>() is not null))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.Pragma = "no-cache";
                return Task.CompletedTask;
            });
        }
        return next(context);
    }

    /// <summary>
    /// Deny by default: an endpoint that states neither a policy nor AllowAnonymous is served to signed-in users only.
    /// (Requests that match no endpoint fall through to 404 as before.)
    /// </summary>
    private static async Task DenyUndecidedAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is { } endpoint && IsRestricted(endpoint)
            && !endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() && context.User.Identity?.IsAuthenticated != true)
        {
            await WriteProblemAsync(context, ErrorKind.Unauthenticated, "unauthorized", "ログインが必要です",
                "この操作にはログインが必要です。");
            return;
        }
        await next(context);
    }

    private static async Task AntiforgeryAsync(HttpContext context, RequestDelegate next)
    {
        var method = context.Request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
            && context.GetEndpoint() is { } endpoint
            && (IsRestricted(endpoint) || endpoint.Metadata.GetMetadata<RequiresAntiforgeryMetadata>() is not null))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await WriteProblemAsync(context, ErrorKind.Invalid, "antiforgery", null,
                    "画面の有効期限が切れたか、別のサイトからの送信です。ページを読み込み直してからもう一度操作してください。");
                return;
            }
        }
        await next(context);
    }

    internal static Task WriteProblemAsync(HttpContext context, ErrorKind kind, string code, string? title, string detail) =>
        Problems.WriteAsync(context, new FukushiMapError(kind, code, detail, title: title));

    /// <summary>Plain http is accepted from loopback clients only (unless configured otherwise).</summary>
    internal static bool IsTransportAcceptable(HttpContext context, WelfareAuthOptions options) =>
        context.Request.IsHttps || options.AllowInsecureHttp
        || (context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip));
}
