using FukushiMap.Server;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Infrastructure;

// ./fukushimap serve → this host; every other command (import, …) runs and exits.
if (args is [var command, ..] && command != "serve")
{
    return await CommandLine.RunAsync(args);
}

// The served host sends its own first request before it says it is ready (StartupWarmUp); test hosts do not.
var app = FukushiMapApp.Create(args.Skip(1).ToArray(), builder => builder.Services.AddHostedService<StartupWarmUp>());
await app.PrepareDatabaseAsync(Console.Out);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the test host.</summary>
public partial class Program;
