namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// Browser-side defences on every response (pages, static files, API answers and errors alike): a strict
/// Content-Security-Policy, so that even text from data that slipped into markup could not run script; no MIME sniffing;
/// no Referer leaving the site; no framing.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The background tiles (地理院タイル) are the only thing loaded from elsewhere.</summary>
    public const string TileOrigin = "https://cyberjapandata.gsi.go.jp";

    /// <summary>
    /// Scripts and styles only from our own files: no inline script, no <c>on…=</c> attribute, no <c>style=</c> attribute
    /// or <c>&lt;style&gt;</c> in markup (scripts may still set element.style through the CSSOM, as Leaflet does).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: " + TileOrigin + "; connect-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>Adds the headers to every response, including those written by the exception handler.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
