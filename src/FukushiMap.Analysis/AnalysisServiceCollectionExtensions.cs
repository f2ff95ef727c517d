using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Versions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FukushiMap.Analysis;

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>The analysis layer's shared state: dataset versions (followed by a listener while a host runs) and the hub catalogue.</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services)
    {
        services.TryAddSingleton<DataVersions>();
        services.TryAddSingleton<HubCatalogue>();
        if (!services.Any(d => d.ImplementationType == typeof(DataVersionListener)))
        {
            services.AddHostedService<DataVersionListener>();
        }
        return services;
    }
}
