using FukushiMap.Data.Welfare;

namespace FukushiMap.Server.Auth;

/// <summary>Authorization policy names. Every endpoint names one of these or is explicitly anonymous.</summary>
public static class WelfarePolicies
{
    /// <summary>Any of the five welfare roles; object-level checks (district grants) follow in the handler.</summary>
    public const string Welfare = "welfare";

    /// <summary>計画担当 or 管理者: hub management, aggregates.</summary>
    public const string Planner = "planner";

    /// <summary>管理者: users, grants, audit log.</summary>
    public const string Admin = "admin";

    /// <summary>Signed in at all (own session, password change).</summary>
    public const string SignedIn = "signed-in";

    internal static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions o)
    {
        o.AddPolicy(Welfare, p => p.RequireAuthenticatedUser().RequireRole(WelfareRoles.All));
        o.AddPolicy(Planner, p => p.RequireAuthenticatedUser().RequireRole(WelfareRoles.Planner, WelfareRoles.Admin));
        o.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(WelfareRoles.Admin));
        o.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        // Deny by default: see WelfareAuth.DenyUndecidedAsync (a FallbackPolicy would also turn unknown paths' 404 into 401).
    }
}
