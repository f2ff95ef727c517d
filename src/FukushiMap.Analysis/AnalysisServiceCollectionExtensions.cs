using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Finder;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Siting;
using FukushiMap.Analysis.Versions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FukushiMap.Analysis;

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>
    /// The analysis layer: dataset versions (followed by a listener while a host runs), the hub catalogue, prepared cities,
    /// coverage, siting, the finder's tables and the one geocoder (read from <paramref name="referenceDataPath"/> in place,
    /// warmed when a host starts). Hosts that never start (the command line) build what they use on first use.
    /// </summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, Func<IServiceProvider, string?> referenceDataPath)
    {
        services.TryAddSingleton<DataVersions>();
        services.TryAddSingleton<HubCatalogue>();
        services.TryAddSingleton<NetworkCatalog>();
        services.TryAddSingleton<CoverageService>();
        services.TryAddSingleton<SitingService>();
        services.TryAddSingleton(sp => new ReferenceDataLocation(referenceDataPath(sp)));
        services.TryAddSingleton<GazetteerProvider>();
        services.TryAddSingleton<NearestHubsIndex>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, DataVersionListener>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, GazetteerWarmUp>());
        return services;
    }
}
