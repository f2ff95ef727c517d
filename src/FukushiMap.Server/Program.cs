using FukushiMap.Server;
using FukushiMap.Server.Commands;

// ./fukushimap serve → this host; every other command (import, …) runs and exits.
if (args is [var command, ..] && command != "serve")
{
    return await CommandLine.RunAsync(args);
}

var app = FukushiMapApp.Create(args.Skip(1).ToArray());
await app.PrepareDatabaseAsync(Console.Out);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the test host.</summary>
public partial class Program;
