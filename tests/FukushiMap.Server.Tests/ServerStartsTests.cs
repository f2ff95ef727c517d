using System.Net;
using FukushiMap.Server.Tests.Infrastructure;

namespace FukushiMap.Server.Tests;

[Collection(ServerCollection.Name)]
public class ServerStartsTests(ServerFixture server)
{
    [Fact]
    public async Task ServesTheMapPageAtTheRoot()
    {
        var response = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownApiPathAnswersProblemDetails()
    {
        var response = await server.Client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
