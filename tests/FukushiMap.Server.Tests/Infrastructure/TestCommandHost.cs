using FukushiMap.Server.Commands;
using FukushiMap.Testing;
using Microsoft.Extensions.Hosting;

namespace FukushiMap.Server.Tests.Infrastructure;

/// <summary>The command line's own host (as <c>./fukushimap &lt;command&gt;</c> builds it), over a test database.</summary>
internal static class TestCommandHost
{
    public static IHost For(TestDatabase database) => CommandHost.Build(new Dictionary<string, string?>
    {
        ["FukushiMap:ConnectionString"] = database.ConnectionString,
        ["FukushiMap:DataPath"] = database.DataPath,
    });
}
