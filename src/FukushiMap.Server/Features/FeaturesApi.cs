namespace FukushiMap.Server.Features;

/// <summary>OGC API – Features Part 1 over every public layer.</summary>
public static class FeaturesApi
{
    public static IServiceCollection AddFeatures(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapFeatures(this IEndpointRouteBuilder app) => app;
}
