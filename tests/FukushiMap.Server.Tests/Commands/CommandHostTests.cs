using FukushiMap.Server.Commands;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Tests.Commands;

/// <summary>The command line and the server are one host: the same options, the environment read in one place.</summary>
public class CommandHostTests
{
    [Fact]
    public async Task TheCommandLineAndTheServerReadTheSameOptions()
    {
        using var cli = CommandHost.Build();
        await using var server = FukushiMapApp.Create([]);

        var fromCli = cli.Services.GetRequiredService<IOptions<FukushiMapOptions>>().Value;
        var fromServer = server.Services.GetRequiredService<IOptions<FukushiMapOptions>>().Value;

        Assert.Equal((fromServer.ConnectionString, fromServer.DataPath, fromServer.StatePath, fromServer.Url, fromServer.LoadReferenceData),
            (fromCli.ConnectionString, fromCli.DataPath, fromCli.StatePath, fromCli.Url, fromCli.LoadReferenceData));
        // ./fukushimap test exports the front door's variables, as it does for every command.
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_DB") is { Length: > 0 } db)
        {
            Assert.Equal(db, fromCli.ConnectionString);
        }
        if (Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA") is { Length: > 0 } data)
        {
            Assert.Equal(Path.GetFullPath(data), fromCli.DataPath);
        }
    }

    [Fact]
    public void TheFrontDoorsVariablesOverrideAppSettingsAndAreOverriddenByExplicitSettings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // appsettings.json, then FukushiMap__Key variables
                ["FukushiMap:ConnectionString"] = "appsettings",
                ["FukushiMap:DataPath"] = "/appsettings/data",
                ["FukushiMap:StatePath"] = "/appsettings/state",
            })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FukushiMap:StatePath"] = "/FukushiMap__StatePath" })
            .AddFukushiMapEnvironment(new Dictionary<string, string?>
            {
                ["FUKUSHIMAP_DB"] = "Host=front-door",
                ["FUKUSHIMAP_STATE"] = "/front-door/state",
                ["FUKUSHIMAP_DATA"] = "", // set but empty: no override
            })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FukushiMap:StatePath"] = "/test/state" }) // a test's own setting
            .Build();

        var options = new FukushiMapOptions();
        configuration.GetSection(FukushiMapOptions.Section).Bind(options);

        Assert.Equal(("Host=front-door", "/appsettings/data", "/test/state"), (options.ConnectionString, options.DataPath, options.StatePath));
    }

    [Fact]
    public void EveryFrontDoorVariableNamesAnOption()
    {
        var names = typeof(FukushiMapOptions).GetProperties().Select(p => $"{FukushiMapOptions.Section}:{p.Name}").ToHashSet();

        Assert.Equal(["FUKUSHIMAP_DATA", "FUKUSHIMAP_DB", "FUKUSHIMAP_SCIP_LOG", "FUKUSHIMAP_STATE"], FukushiMapEnvironment.Variables.Select(e => e.Variable).Order());
        Assert.All(FukushiMapEnvironment.Variables, e => Assert.Contains(e.Key, names));
    }

    [Fact]
    public async Task ACommandOnAnEmptyDatabaseMigratesItAndLogsNoError()
    {
        var connection = await TestDatabase.CreateEmptyAsync("cli_empty");
        var logs = new CapturedLogs();
        using var host = TestCommandHost.For(connection, configure: b => b.Logging.AddProvider(logs));
        var output = new StringWriter();

        Assert.Equal(0, await HubTypeCommands.RunAsync(["list"], host.Services, output, CancellationToken.None));

        Assert.Contains("fureai-center\tふれあいセンター", output.ToString());
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task WithoutADatabaseACommandSaysWhatIsMissing()
    {
        using var host = CommandHost.Build(b => b.Configuration["FukushiMap:ConnectionString"] = "");

        Assert.Equal(2, await CommandLine.RunAsync(["hub-types", "list"], host.Services, CancellationToken.None));
    }
}
