using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Network;

[Collection(ServerCollection.Name)]
public class HeavyAnalysisTests(ServerFixture server)
{
    // Each heavy request asks a different question (identical ones would share one computation, see AnswerCacheTests).
    private static string Heavy(int i) => $"/api/isochrones?municipality=35202&minutes=60&pace={150 - i}&grouping=per-hub";

    [Fact]
    public async Task TheTwentyFirstHeavyRequestFromOneClientGets429WithRetryAfterWhileTheFinderStillAnswers()
    {
        var gate = server.Services.GetRequiredService<HeavyAnalysisGate>();
        var limit = gate.Options.PerClientLimit;
        Assert.Equal(20, limit);
        await using var db = server.Database.CreateContext();
        var point = await db.PopulationUnits.Where(u => u.MunicipalityCode == "35202" && u.Name == "則貞２丁目").Select(u => u.Point).SingleAsync();

        using var heavyClient = new HttpClient { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using var cancel = new CancellationTokenSource();
        var inFlight = Enumerable.Range(0, limit).Select(i => heavyClient.GetAsync(Heavy(i), cancel.Token)).ToList();
        try
        {
            // Wait until the server holds all twenty (one computing, the rest waiting for their turn).
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (gate.Running + gate.Queued < limit && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }
            Assert.Equal(limit, gate.Running + gate.Queued);

            using var refused = await server.Client.GetAsync(Heavy(limit));
            var finder = await server.Client.GetAsync($"/api/nearest-hubs?lat={point.Y}&lon={point.X}&pace=60&limit=3");

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith("/too-many-analyses", problem.GetProperty("type").GetString());
            Assert.Contains("20 件まで", problem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.OK, finder.StatusCode);
        }
        finally
        {
            // Clients that go away leave the queue and stop the computation.
            await cancel.CancelAsync();
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        var drained = System.Diagnostics.Stopwatch.StartNew();
        while (gate.Running + gate.Queued > 0 && drained.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, gate.Running + gate.Queued);
    }
}
