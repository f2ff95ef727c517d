using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Finder;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Siting;
using FukushiMap.Analysis.Versions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FukushiMap.Analysis;

/// <summary>What the host's options tell the analysis layer.</summary>
/// <param name="ReferenceDataPath">Where the reference data lies (read in place: the finder's address files).</param>
/// <param name="SolverLog">Write the exact siting solver's log (SCIP) to standard output.</param>
/// <param name="PreparedCityPath">Folder of the prepared cities (<see cref="PreparedCityStore"/>); null: built from PostGIS on each start.</param>
public sealed record AnalysisSettings(string? ReferenceDataPath, bool SolverLog = false, string? PreparedCityPath = null);

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>
    /// The analysis layer: dataset versions (followed by a listener while a host runs), the hub catalogue, prepared cities,
    /// coverage, siting, the finder's tables and the one geocoder (its files read in place from the settings' data path,
    /// warmed when a host starts). Hosts that never start (the command line) build what they use on first use.
    /// </summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, Func<IServiceProvider, AnalysisSettings> settings)
    {
        services.TryAddSingleton<DataVersions>();
        services.TryAddSingleton<HubCatalogue>();
        services.TryAddSingleton<PreparedCityStore>();
        services.TryAddSingleton<NetworkCatalog>();
        services.TryAddSingleton<CoverageService>();
        services.TryAddSingleton<PlanningRuleChecker>();
        services.TryAddSingleton<SitingService>();
        services.TryAddSingleton(settings);
        services.TryAddSingleton<GazetteerProvider>();
        services.TryAddSingleton<NearestHubsIndex>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, DataVersionListener>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, AnalysisWarmUp>());
        return services;
    }
}
