using FukushiMap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>The real server over a test database on a free loopback port (reference data already loaded by the database helper).</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public WebApplication App { get; }

    /// <summary>Base address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the server on <paramref name="database"/>; <paramref name="configure"/> adds a test's own settings.</summary>
    public static async Task<RunningServer> StartAsync(TestDatabase database, Action<WebApplicationBuilder>? configure = null)
    {
        var app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = database.ConnectionString;
            builder.Configuration["FukushiMap:DataPath"] = database.DataPath;
            builder.Configuration["FukushiMap:LoadReferenceData"] = "false";
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new RunningServer(app, addresses.Addresses.First().TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
