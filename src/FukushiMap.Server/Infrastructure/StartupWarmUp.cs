using System.Diagnostics;
using FukushiMap.Analysis.Cities;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// <c>serve</c> sends its first requests itself, once the web server listens and before the server says it is ready
/// (「地図を開く」), as a hosting service's warm-up paths do: the first request sets up routing's matcher, the sign-in cookie
/// handler, the first database queries and JSON writing, and the first analysis compiles the analysis code (together about a
/// second on a 2-core machine), which would otherwise be the wait of the first person to open the map. It asks for the hub types
/// (the map's first question) and, when a city was prepared before the restart, one 1-minute coverage of that city in GeoJSON:
/// a question of its own, so no answer a user asks is computed ahead or cached by it. A request that comes meanwhile is served
/// as usual; a failed warm-up changes nothing but a line in the log.
/// </summary>
internal sealed class StartupWarmUp(IServer server, PreparedCityStore prepared, ILogger<StartupWarmUp> log) : IHostedLifecycleService
{
    /// <summary>The first request: light, public, and through the whole pipeline (routing, authentication, EF, JSON).</summary>
    public const string HubTypesPath = "/api/hub-types";

    /// <summary>The analysis it warms, for a prepared city: a 1-minute walk, as GeoJSON.</summary>
    public static string CoveragePath(string municipalityCode) => $"/api/coverage?municipality={municipalityCode}&minutes=1&format=geojson";

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (LoopbackAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses) is not { } address)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            List<string> paths = [HubTypesPath];
            if (prepared.Enabled && (await prepared.PreparedCitiesAsync()) is [var city, ..])
            {
                paths.Add(CoveragePath(city));
            }
            var statuses = new List<int>();
            foreach (var path in paths)
            {
                using var response = await client.GetAsync(path, cancellationToken);
                statuses.Add((int)response.StatusCode);
            }
            log.LogInformation("最初の問い（{Paths}）を起動の中で済ませました: {Statuses}、{Ms:N0} ms",
                string.Join("、", paths), string.Join("・", statuses), clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (the request, the prepared cities' folder, the database behind it), the server starts as before.
            log.LogInformation("起動の中で最初の問いを送れませんでした（{Reason}）。最初の利用者の問いで準備します。", e.Message);
        }
    }

    /// <summary>The first plain-HTTP address the server listens on, as a loopback URL (a wildcard host becomes 127.0.0.1 / ::1).</summary>
    internal static Uri? LoopbackAddress(IEnumerable<string>? addresses)
    {
        foreach (var address in addresses ?? [])
        {
            // Kestrel's wildcard forms (http://+:5080, http://*:5080) are not URIs; their host is replaced first.
            var text = address.Replace("://+:", "://0.0.0.0:").Replace("://*:", "://0.0.0.0:");
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp) continue;
            var host = uri.Host switch
            {
                "0.0.0.0" => "127.0.0.1",
                "[::]" => "[::1]",
                var h => h,
            };
            return new UriBuilder(uri) { Host = host.Trim('[', ']') }.Uri;
        }
        return null;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
