using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Analysis.Finder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Analysis;

/// <summary>
/// Reads, as a host starts, what the first questions need, one after the other on one background task (the second core, beside
/// the web server's own start, so the two do not crowd a 2-core machine): the prepared cities already on disk (those used before
/// the restart) with their open hubs, then the address table. Nothing is built from PostGIS for a city without a file: it is
/// prepared on first use as before. A request that needs what is being read waits for the same read; a failure is only logged
/// (the first use reads again and reports what is wrong).
/// </summary>
internal sealed class AnalysisWarmUp(PreparedCityStore store, CoverageService coverage, GazetteerProvider gazetteer,
    IHostApplicationLifetime lifetime, ILogger<AnalysisWarmUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var ct = lifetime.ApplicationStopping;
        try
        {
            if (store.Enabled)
            {
                foreach (var code in await store.PreparedCitiesAsync())
                {
                    await coverage.GetCityAsync(code, ct);
                    await coverage.Hubs.GetAsync(code, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "準備済みの市区町村データを起動時に読めませんでした（最初の解析で読み直します）");
        }
        try
        {
            await gazetteer.GetAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "住所の表を読み込めませんでした（次の住所検索で読み直します）");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
