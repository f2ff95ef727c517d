using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Analysis;

/// <summary>
/// Public analysis answers are computed once per question and data version: identical requests share one computation, the
/// answer is sent compressed as the client accepts and revalidated by ETag, and a change in the data gives a new answer.
/// </summary>
[Collection(ServerCollection.Name)]
public class AnswerCacheTests(ServerFixture server)
{
    private HttpClient RawClient() =>
        new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? acceptEncoding = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null) request.Headers.AcceptEncoding.ParseAdd(acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        return await client.SendAsync(request);
    }

    private static async Task<byte[]> BodyAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Stream? decoder = response.Content.Headers.ContentEncoding.SingleOrDefault() switch
        {
            "gzip" => new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress),
            null => null,
            var other => throw new InvalidOperationException($"unexpected encoding {other}"),
        };
        if (decoder is null) return bytes;
        using var output = new MemoryStream();
        await using (decoder) await decoder.CopyToAsync(output);
        return output.ToArray();
    }

    [Fact]
    public async Task IdenticalRequestsShareOneComputationAndGetTheSameAnswerCompressedAsTheyAccept()
    {
        var cache = server.Services.GetRequiredService<AnswerCache>();
        // A question no other test asks, so this one computes it.
        var url = $"/api/coverage?municipality={Ube}&minutes=11.5&pace=73&format=geojson";
        using var client = RawClient();
        var before = cache.Computed;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GetAsync(client, url, "gzip")));

        Assert.Equal(1, cache.Computed - before);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("gzip", Assert.Single(r.Content.Headers.ContentEncoding)));
        var etag = responses[0].Headers.ETag?.Tag;
        Assert.NotNull(etag);
        Assert.All(responses, r => Assert.Equal(etag, r.Headers.ETag?.Tag));
        var bodies = await Task.WhenAll(responses.Select(BodyAsync));
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.True(responses[0].Content.Headers.ContentLength < bodies[0].Length / 2, "gzip should at least halve a GeoJSON answer");

        using var plain = await GetAsync(client, url);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(bodies[0], await BodyAsync(plain));
        Assert.Equal("application/geo+json", plain.Content.Headers.ContentType?.MediaType);
        using var brotli = await GetAsync(client, url, "gzip, deflate, br");
        Assert.Equal("br", Assert.Single(brotli.Content.Headers.ContentEncoding));
        Assert.Equal(bodies[0], await BodyAsync(brotli));

        using var revalidated = await GetAsync(client, url, "gzip", etag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, cache.Computed - before);
    }

    [Fact]
    public async Task RefusalsAreNotKept()
    {
        var cache = server.Services.GetRequiredService<AnswerCache>();
        using var client = RawClient();
        var url = $"/api/coverage?municipality={Ube}&minutes=-3";
        var before = cache.Computed;
        using var first = await GetAsync(client, url);
        using var second = await GetAsync(client, url);
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Null(second.Headers.ETag);
        Assert.Equal(2, cache.Computed - before);
    }

    [Fact]
    public async Task AChangeInTheDataGivesANewAnswerWithinSeconds()
    {
        var url = $"/api/coverage?municipality={Ube}&minutes=9.5&pace=80&format=csv";
        using var client = RawClient();
        async Task<(long Population, string? ETag)> AskAsync()
        {
            using var response = await GetAsync(client, url, "gzip");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var total = Assert.Single(ParseCsv(await BodyAsync(response), out _), r => r["district_code"] == "TOTAL");
            return (total.Long("population"), response.Headers.ETag?.Tag);
        }
        async Task<(long Population, string? ETag)> WaitForAsync(long population)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var answer = await AskAsync();
            while (answer.Population != population && waited.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(50);
                answer = await AskAsync();
            }
            Assert.Equal(population, answer.Population);
            return answer;
        }

        var before = await AskAsync();
        await using var db = server.Database.CreateContext();
        var unit = await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE population_units SET population = population + 7 WHERE id = {unit}");
        try
        {
            var after = await WaitForAsync(before.Population + 7);
            Assert.NotEqual(before.ETag, after.ETag);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"UPDATE population_units SET population = population - 7 WHERE id = {unit}");
            var restored = await WaitForAsync(before.Population);
            Assert.Equal(before.ETag, restored.ETag);
        }
    }

    [Fact]
    public async Task TheSameParametersInAnotherOrderShareOneAnswer()
    {
        var cache = server.Services.GetRequiredService<AnswerCache>();
        using var client = RawClient();
        var before = cache.Computed;
        using var first = await GetAsync(client, $"/api/coverage?municipality={Ube}&minutes=12.25&pace=71&format=csv", "gzip");
        using var second = await GetAsync(client, $"/api/coverage?format=csv&pace=71&minutes=12.25&municipality={Ube}", "gzip");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, cache.Computed - before);
        Assert.Equal(first.Headers.ETag?.Tag, second.Headers.ETag?.Tag);
        Assert.Equal(await BodyAsync(first), await BodyAsync(second));
    }

    [Theory]
    [InlineData("?b=2&a=1", "?a=1&b=2", true)]
    [InlineData("?a=1&&b=2&", "?b=2&a=1", true)]
    [InlineData("?t=x&t=y", "?t=y&t=x", false)]
    [InlineData("?a=1", "?a=2", false)]
    public void TheKeyIsThePathAndTheParametersInOneOrder(string one, string other, bool same)
    {
        static string Key(string query)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Path = "/api/coverage";
            context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
            return AnswerCache.KeyOf(context.Request);
        }
        Assert.Equal(same, Key(one) == Key(other));
        Assert.StartsWith("/api/coverage?", Key(one));
    }

    /// <summary>A request as the cache sees it, its body written to memory; <paramref name="aborted"/> is its client going away.</summary>
    private static Microsoft.AspNetCore.Http.DefaultHttpContext Request(string query, CancellationToken aborted)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestAborted = aborted };
        context.Request.Method = "GET";
        context.Request.Path = "/api/coverage";
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Written(Microsoft.AspNetCore.Http.HttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private static Microsoft.AspNetCore.Http.RequestDelegate Answers(string body) => async c =>
    {
        c.Response.StatusCode = 200;
        c.Response.ContentType = "application/json";
        await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, body);
    };

    [Fact]
    public async Task AnAnswerWhoseClientWentAwayIsNeverKeptAndTheNextRequestComputesItsOwn()
    {
        var cache = server.Services.GetRequiredService<AnswerCache>();
        var query = $"?municipality={Ube}&minutes=7.25&question={Guid.NewGuid():N}";
        var before = cache.Computed;

        // The producer writes part of its answer, then its client goes away (the framework would stop writing quietly).
        using var gone = new CancellationTokenSource();
        var producing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Request(query, gone.Token);
        var firstRun = cache.InvokeAsync(first, async c =>
        {
            c.Response.StatusCode = 200;
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, "{\"cut\":");
            producing.SetResult();
            await goOn.Task;
        });
        await producing.Task;
        // A request asking meanwhile waits for the producer's answer.
        var waiting = Request(query, CancellationToken.None);
        var waitingRun = cache.InvokeAsync(waiting, Answers("{\"whole\":\"waiting\"}"));
        await Task.Delay(100);
        Assert.False(waitingRun.IsCompleted);
        gone.Cancel();
        goOn.SetResult();
        await firstRun;
        await waitingRun;

        Assert.Equal("", Written(first));
        // The waiting request asked on its own and got a whole answer, not the cut one.
        Assert.Equal("{\"whole\":\"waiting\"}", Written(waiting));
        // Nothing was kept: the next request computes again.
        var next = Request(query, CancellationToken.None);
        await cache.InvokeAsync(next, Answers("{\"whole\":\"next\"}"));
        Assert.Equal("{\"whole\":\"next\"}", Written(next));
        Assert.Equal(2, cache.Computed - before);
        // That whole answer is kept and served from memory.
        var last = Request(query, CancellationToken.None);
        await cache.InvokeAsync(last, _ => throw new InvalidOperationException("a kept answer is not computed again"));
        Assert.Equal("{\"whole\":\"next\"}", Written(last));
        Assert.Equal(2, cache.Computed - before);
    }
}
