using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Commands;

[Collection(ServerCollection.Name)]
public class HubTypeCommandsTests(ServerFixture server)
{
    [Fact]
    public async Task APlannerAddsAHubTypeThatTheMapThenOffers()
    {
        var key = "test-" + Guid.NewGuid().ToString("N")[..8];
        var output = new StringWriter();
        try
        {
            using var host = TestCommandHost.For(server.Database);
            var exit = await HubTypeCommands.RunAsync(["add", "--key", key, "--name", $"地域食堂 {key}", "--parent", "kodomo-shokudo", "--shape", "star"],
                host.Services, output, CancellationToken.None);

            Assert.Equal(0, exit);
            var types = await server.Client.GetFromJsonAsync<JsonElement>("/api/hub-types");
            var added = types.EnumerateArray().Single(t => t.GetProperty("key").GetString() == key);
            Assert.Equal("star", added.GetProperty("shape").GetString());
        }
        finally
        {
            await using var db = server.Database.CreateContext();
            await db.HubTypes.Where(t => t.Key == key).ExecuteDeleteAsync();
        }
    }

    [Theory]
    [InlineData("BAD KEY", "#123456", "star")]
    [InlineData("ok-key", "red", "star")]
    [InlineData("ok-key", "#123456", "blob")]
    public async Task RejectsABadKeyColourOrShapeAndAddsNothing(string key, string color, string shape)
    {
        await using var db = server.Database.CreateContext();
        var before = await db.HubTypes.CountAsync();

        using var host = TestCommandHost.For(server.Database);
        await Assert.ThrowsAsync<CliException>(() => HubTypeCommands.RunAsync(
            ["add", "--key", key, "--name", "名前", "--color", color, "--shape", shape], host.Services, TextWriter.Null, CancellationToken.None));

        Assert.Equal(before, await db.HubTypes.CountAsync());
    }
}
