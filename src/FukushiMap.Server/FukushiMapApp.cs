using System.Text.Encodings.Web;
using System.Text.Unicode;
using FukushiMap.Data;
using FukushiMap.Data.Import;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Features;
using FukushiMap.Server.Finder;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Map;
using FukushiMap.Server.Network;
using FukushiMap.Server.Siting;
using FukushiMap.Server.Tiles;
using FukushiMap.Server.WelfareMap;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server;

/// <summary>Builds the web host: the table of contents of what the server offers.</summary>
public static class FukushiMapApp
{
    /// <summary>Creates the app. Tests pass <paramref name="configure"/> to point it at their own database and port.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddFukushiMapEnvironment();
        configure?.Invoke(builder);

        // What only the web host needs: where Kestrel listens, JSON and problem details for HTTP, OpenAPI, the cookie key ring.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(builder.Configuration[$"{FukushiMapOptions.Section}:Url"] ?? new FukushiMapOptions().Url);
        }
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Japanese stays readable in JSON; HTML-significant characters are still escaped.
            o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
            o.SerializerOptions.Converters.Add(new NetTopologySuite.IO.Converters.GeoJsonConverterFactory());
        });
        builder.Services.AddFukushiMapProblemDetails();
        builder.Services.AddFukushiMapDataProtection(builder.Configuration);
        builder.Services.AddOpenApi();
        builder.AddFukushiMapServices();

        var app = builder.Build();

        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAnswerCache();
        app.UseHeavyAnalysisLimits();

        app.MapWelfare();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapFeatures();
        app.MapMapApi();
        app.MapNetwork();
        app.MapFinder();
        app.MapCoverage();
        app.MapPlanningRules();
        app.MapSiting();
        app.MapTiles();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls)
            {
                app.Logger.LogInformation("地図を開く: {Url}/", url);
            }
        });
        return app;
    }

    /// <summary>
    /// The services and options the server and every command line command share: <see cref="FukushiMapOptions"/> bound from
    /// configuration (the front door's environment variables already mapped onto it by <see cref="FukushiMapEnvironment.AddFukushiMapEnvironment"/>),
    /// the database context, and each feature's services.
    /// </summary>
    public static IHostApplicationBuilder AddFukushiMapServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FukushiMapOptions>()
            .Bind(builder.Configuration.GetSection(FukushiMapOptions.Section))
            .PostConfigure(o => o.DataPath = string.IsNullOrWhiteSpace(o.DataPath) ? DataPaths.BesideRepository() : Path.GetFullPath(o.DataPath))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), FukushiMapOptions.MissingConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddDbContext<FukushiMapDbContext>((sp, options) =>
            FukushiMapDb.Configure(options, sp.GetRequiredService<IOptions<FukushiMapOptions>>().Value.ConnectionString));
        builder.Services.AddAnalysis(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FukushiMapOptions>>().Value;
            return new AnalysisSettings(options.DataPath, options.SolverLog,
                Path.Combine(string.IsNullOrWhiteSpace(options.StatePath) ? FukushiMapOptions.DefaultStatePath() : options.StatePath, "prepared"));
        });
        builder.Services.AddFeatures();
        builder.Services.AddWelfare(builder.Configuration);
        builder.Services.AddHeavyAnalysisLimits(builder.Configuration);
        builder.Services.AddAnswerCache();
        builder.Services.AddTiles();
        return builder;
    }

    /// <summary>Migrates the database and loads the reference data on first start, reporting each step.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, TextWriter output, CancellationToken ct = default)
    {
        var options = app.Services.GetRequiredService<IOptions<FukushiMapOptions>>().Value;
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var progress = new ConsoleProgress(output);
        await DatabaseSetup.PrepareAsync(db, options.LoadReferenceData ? options.DataPath : null, progress, ct);
    }
}
