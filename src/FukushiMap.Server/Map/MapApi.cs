namespace FukushiMap.Server.Map;

/// <summary>Small JSON endpoints the map page needs beyond the OGC collections.</summary>
public static class MapApi
{
    public static IEndpointRouteBuilder MapMapApi(this IEndpointRouteBuilder app) => app;
}
