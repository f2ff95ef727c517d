using System.Collections.Concurrent;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>
/// <c>serve</c>'s warm-up (<see cref="StartupWarmUp"/>): the server answers its own first requests before it says it is ready,
/// and after a restart also one short coverage of the city prepared before — never the question a user will ask.
/// </summary>
public class StartupWarmUpTests
{
    private const string Ube = "35202";

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://+:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://*:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://[::]:5080", "http://[::1]:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    public void AWildcardAddressIsAskedOnLoopback(string listening, string asked) =>
        Assert.Equal(asked, StartupWarmUp.LoopbackAddress([listening])?.ToString());

    [Fact]
    public void AnHttpsOnlyServerIsNotWarmed() => Assert.Null(StartupWarmUp.LoopbackAddress(["https://127.0.0.1:5443"]));

    [Fact]
    public async Task TheServerAnswersItsOwnFirstRequestsBeforeItSaysItIsReadyAndAfterARestartWarmsThePreparedCity()
    {
        var database = await TestDatabase.GetAsync("server", withReferenceData: true);
        var state = Directory.CreateTempSubdirectory("fukushimap-warmup-").FullName;
        try
        {
            // First start, empty state folder: only the hub types. A coverage question then prepares 宇部市 on disk.
            var first = await StartAsync(database, state);
            await using (first.Server)
            {
                Assert.Equal([StartupWarmUp.HubTypesPath], first.Seen.Where(s => !s.AfterStarted).Select(s => s.Path).ToList());
                Assert.Contains(first.Logs.Messages, m => m.Contains("起動の中で済ませました: 200、", StringComparison.Ordinal));
                var asked = await first.Server.Client.GetAsync($"api/coverage?municipality={Ube}&minutes=10&pace=80&format=geojson");
                Assert.Equal(200, (int)asked.StatusCode);
            }

            // Second start: the prepared city is read and one 1-minute coverage of it is answered before the server is ready.
            var second = await StartAsync(database, state);
            await using (second.Server)
            {
                Assert.Equal([StartupWarmUp.HubTypesPath, StartupWarmUp.CoveragePath(Ube)],
                    second.Seen.Where(s => !s.AfterStarted).Select(s => s.Path).ToList());
                Assert.Contains(second.Logs.Messages, m => m.Contains("起動の中で済ませました: 200・200、", StringComparison.Ordinal));
                Assert.Contains(second.Logs.Messages, m => m.Contains($"準備済みの歩行ネットワーク {Ube} を", StringComparison.Ordinal));
                Assert.DoesNotContain(second.Seen, s => s.Path.Contains("minutes=10", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<(RunningServer Server, ConcurrentQueue<(string Path, bool AfterStarted)> Seen, CapturedLogs Logs)> StartAsync(
        TestDatabase database, string state)
    {
        var seen = new ConcurrentQueue<(string Path, bool AfterStarted)>();
        var logs = new CapturedLogs();
        var server = await RunningServer.StartAsync(database, builder =>
        {
            builder.Configuration["FukushiMap:StatePath"] = state;
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IStartupFilter>(new Recorder(seen));
            builder.Services.AddHostedService<StartupWarmUp>();
        });
        return (server, seen, logs);
    }

    /// <summary>Every request the server is asked: its path and query, and whether the host had said it started when it came.</summary>
    private sealed class Recorder(ConcurrentQueue<(string Path, bool AfterStarted)> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var lifetime = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
            app.Use((HttpContext context, RequestDelegate n) =>
            {
                seen.Enqueue((context.Request.Path + context.Request.QueryString, lifetime.ApplicationStarted.IsCancellationRequested));
                return n(context);
            });
            next(app);
        };
    }
}
