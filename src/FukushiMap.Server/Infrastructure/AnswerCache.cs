using System.IO.Compression;
using System.Security.Cryptography;
using FukushiMap.Data.Versions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FukushiMap.Server.Infrastructure;

/// <summary>One public analysis answer as the endpoint wrote it, with its compressed forms made once on first demand.</summary>
public sealed class Answer
{
    private readonly Lazy<byte[]> _gzip;
    private readonly Lazy<byte[]> _brotli;

    public Answer(byte[] body, IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        Body = body;
        Headers = [.. headers];
        ETag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12))}\"";
        // Compressed once per answer and sent many times, so the smaller body wins over the faster compression: under load the
        // bytes on the wire are the limit (a 宇部市 coverage GeoJSON of 623 KB is 222 KB at Fastest, about 150 KB at Optimal).
        _gzip = new(() => Compress(body, s => new GZipStream(s, CompressionLevel.Optimal)));
        _brotli = new(() => Compress(body, s => new BrotliStream(s, CompressionLevel.Optimal)));
    }

    public byte[] Body { get; }
    public string ETag { get; }
    public IReadOnlyList<KeyValuePair<string, StringValues>> Headers { get; }
    public byte[] Gzip => _gzip.Value;
    public byte[] Brotli => _brotli.Value;

    /// <summary>Bytes kept for this answer (what the cache's memory bound counts).</summary>
    public long Weight => Body.Length + (_gzip.IsValueCreated ? _gzip.Value.Length : 0) + (_brotli.IsValueCreated ? _brotli.Value.Length : 0);

    private static byte[] Compress(byte[] body, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        using (var stream = compressor(output))
        {
            stream.Write(body);
        }
        return output.ToArray();
    }
}

/// <summary>
/// Public analysis answers (coverage, gaps, layers, isochrones) computed once per question and data version: the first request for
/// a URL computes it, identical requests meanwhile wait for that answer instead of computing again, and later ones are served
/// from memory — compressed once (Brotli or gzip, as the client accepts) and with an ETag, so browsers and QGIS revalidate with
/// 304. Kept under the analysis layer's one cache policy (<see cref="VersionedCache{TKey,TValue}"/>): an import, an activation or a
/// hub edit anywhere changes the data versions and so the answers; memory is bounded. Only 200 answers are kept; refusals (429,
/// 503) and errors never are. Sits before the heavy-analysis gate, so a kept answer never waits for a computing slot.
/// </summary>
public sealed class AnswerCache(DataVersions versions)
{
    /// <summary>Paths whose GET answers depend only on the URL and the public datasets (never on who asks).</summary>
    public static readonly string[] Paths = ["/api/coverage", "/api/coverage/gaps", "/api/coverage/layers", "/api/isochrones"];

    public const long MaxBytes = 256L * 1024 * 1024;

    private readonly VersionedCache<string, Answer?> _answers = new VersionedCache<string, Answer?>(versions, 1024, DataVersionReader.Tables)
        .WithWeight(a => a?.Weight ?? 0, MaxBytes);

    private long _computed;

    /// <summary>How many answers this process has computed (the rest were served from memory or shared).</summary>
    public long Computed => Interlocked.Read(ref _computed);

    public static bool Applies(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && Paths.Any(p => context.Request.Path.Equals(p, StringComparison.Ordinal));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var key = KeyOf(context.Request);
        TaskCompletionSource<Answer?>? producer = null;
        var answer = await _answers.GetOrProduceAsync(key, p => producer = p, context.RequestAborted);
        if (producer is null)
        {
            if (await answer.WaitAsync(context.RequestAborted) is { } kept)
            {
                await WriteAsync(context, kept);
            }
            else
            {
                // The request computed meanwhile got an answer that is not kept (a refusal, an error): ask on our own.
                await next(context);
            }
            return;
        }

        Interlocked.Increment(ref _computed);
        // The endpoint writes into memory (nothing reaches the client yet); the real body feature is put back afterwards.
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var captured = new MemoryStream();
        var capture = new StreamResponseBodyFeature(captured);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(context);
            // Whatever the endpoint left in the body writer reaches the captured bytes.
            await capture.CompleteAsync();
        }
        catch
        {
            _answers.Forget(key, answer);
            producer.TrySetResult(null);
            throw;
        }
        finally
        {
            context.Features.Set(original);
        }
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the framework stops writing quietly, so what was captured may be cut short. Never kept;
            // requests waiting for it ask on their own.
            _answers.Forget(key, answer);
            producer.TrySetResult(null);
            return;
        }
        // Only a whole 200 answer is kept (a body shorter than the length the endpoint declared is not whole).
        if (context.Response.StatusCode != StatusCodes.Status200OK || context.Response.ContentLength is { } declared && declared != captured.Length)
        {
            _answers.Forget(key, answer);
            producer.TrySetResult(null);
            captured.Position = 0;
            await captured.CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }
        var made = new Answer(captured.ToArray(), context.Response.Headers
            .Where(h => h.Key is not ("Content-Length" or "Date" or "Server" or "Transfer-Encoding")));
        producer.TrySetResult(made);
        await WriteAsync(context, made);
    }

    /// <summary>
    /// The question a request asks: its path and query parameters in a canonical order (by name, ordinal; a repeated name keeps
    /// the order of its values), so <c>?a=1&amp;b=2</c> and <c>?b=2&amp;a=1</c> share one answer. Empty parameters are dropped.
    /// </summary>
    public static string KeyOf(HttpRequest request)
    {
        var query = request.QueryString.Value;
        if (string.IsNullOrEmpty(query) || query == "?") return request.Path.Value ?? "";
        var parameters = query.AsSpan(1).ToString().Split('&', StringSplitOptions.RemoveEmptyEntries);
        // A stable sort by name only: values of a repeated name stay in the order they were given.
        var ordered = parameters.Select((p, i) => (Name: p.Split('=', 2)[0], Parameter: p, Index: i))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Index).Select(p => p.Parameter);
        return $"{request.Path.Value}?{string.Join('&', ordered)}";
    }

    /// <summary>Writes a kept answer: 304 when the client has it (If-None-Match), else the body in the best encoding it accepts.</summary>
    private static async Task WriteAsync(HttpContext context, Answer answer)
    {
        var response = context.Response;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }
        response.Headers.ETag = answer.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        // Revalidate every time (the data may change at any moment), cheaply with the ETag.
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == answer.ETag || t.Trim() == "*")))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentLength = 0;
            return;
        }
        var accepts = context.Request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = Accepts(accepts, "br") ? (answer.Brotli, "br") : Accepts(accepts, "gzip") ? (answer.Gzip, "gzip") : (answer.Body, null);
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static bool Accepts(string acceptEncoding, string coding) =>
        acceptEncoding.Split(',').Select(p => p.Split(';')).Any(p => p[0].Trim().Equals(coding, StringComparison.OrdinalIgnoreCase)
            && !(p.Length > 1 && p[1].Trim() is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"));
}

public static class AnswerCacheSetup
{
    public static IServiceCollection AddAnswerCache(this IServiceCollection services) => services.AddSingleton<AnswerCache>();

    /// <summary>Before the heavy-analysis gate: a kept answer is served without waiting for a computing slot.</summary>
    public static IApplicationBuilder UseAnswerCache(this WebApplication app)
    {
        var cache = app.Services.GetRequiredService<AnswerCache>();
        return app.Use((context, next) => AnswerCache.Applies(context) ? cache.InvokeAsync(context, next) : next(context));
    }
}
