using FukushiMap.Server.Auth;
using FukushiMap.Server.Hubs;
using FukushiMap.Server.Setup;

namespace FukushiMap.Server.WelfareMap;

/// <summary>The welfare map (福祉マップ) in two calls: services, and middleware + endpoints.</summary>
public static class WelfareSetup
{
    public static IServiceCollection AddWelfare(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddWelfareAuth(configuration);
        services.AddScoped<WelfareAudit>();
        services.AddSingleton<UploadStaging>();
        return services;
    }

    /// <summary>Authentication, authorization, no-store, rate limits, antiforgery; then the welfare endpoints.</summary>
    public static WebApplication MapWelfare(this WebApplication app)
    {
        app.UseWelfareAuth();
        app.MapAuth();
        app.MapHouseholds().MapMeeting().MapEvacuation();
        app.MapWelfareAdmin();
        app.MapHubAdmin();
        app.MapUploads();
        return app;
    }
}
