using FukushiMap.Server.Infrastructure;
using Microsoft.Extensions.Logging.Console;

namespace FukushiMap.Server.Commands;

/// <summary>
/// The host of the command line: the server's configuration sources (appsettings.json, environment, the front door's
/// variables) and its service registration (<see cref="FukushiMapApp.AddFukushiMapServices"/>), built but never started,
/// so no Kestrel and no background services. Commands resolve what they need from <see cref="IHost.Services"/>.
/// </summary>
public static class CommandHost
{
    /// <summary>Builds the host. Tests pass <paramref name="configure"/> to point it at their own database, as with <see cref="FukushiMapApp.Create"/>.</summary>
    public static IHost Build(Action<HostApplicationBuilder>? configure = null)
    {
        var configuration = new ConfigurationManager();
        // A command runs for seconds: no file watchers on appsettings.json.
        configuration["hostBuilder:reloadConfigOnChange"] = "false";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = configuration,
        });
        builder.Configuration.AddFukushiMapEnvironment();
        // stdout carries a command's answer (CSV, JSON); log lines go to stderr, and only warnings and errors.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        configure?.Invoke(builder);
        builder.AddFukushiMapServices();
        return builder.Build();
    }
}
