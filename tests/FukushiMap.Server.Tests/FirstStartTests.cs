using System.Net;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Server.Tests;

/// <summary>A first start is a normal day: it logs no error-level line.</summary>
public class FirstStartTests
{
    [Fact]
    public async Task TheServerStartsOnAnEmptyDatabaseWithoutLoggingAnError()
    {
        var connection = await TestDatabase.CreateEmptyAsync("first_start");
        var logs = new CapturedLogs();
        await using var app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = connection;
            builder.Configuration["FukushiMap:LoadReferenceData"] = "false";
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.AddProvider(logs);
        });

        await app.PrepareDatabaseAsync(TextWriter.Null);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(WelfareFixture.Address(app) + "/") };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/hub-types")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("collections/hubs/items")).StatusCode);
        await app.StopAsync();

        Assert.Empty(logs.AtLeast(LogLevel.Error));
        Assert.Contains(logs.Messages, m => m.Contains("地図を開く", StringComparison.Ordinal));
    }
}
