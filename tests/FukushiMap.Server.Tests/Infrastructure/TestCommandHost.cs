using FukushiMap.Server.Commands;
using FukushiMap.Testing;
using Microsoft.Extensions.Hosting;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>The command line's own host (as <c>./fukushimap &lt;command&gt;</c> builds it), over a test database.</summary>
internal static class TestCommandHost
{
    public static IHost For(TestDatabase database) => For(database.ConnectionString, database.DataPath);

    public static IHost For(string connectionString, string? dataPath = null, Action<HostApplicationBuilder>? configure = null) =>
        CommandHost.Build(builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = connectionString;
            builder.Configuration["FukushiMap:DataPath"] = dataPath;
            configure?.Invoke(builder);
        });
}
