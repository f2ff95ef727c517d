namespace FukushiMap.Core;

/// <summary>What kind of fault a <see cref="FukushiMapError"/> is; the web host and the command line each map it once.</summary>
public enum ErrorKind
{
    /// <summary>The request or the file is wrong (HTTP 400, exit code 2).</summary>
    Invalid,

    /// <summary>What was asked for does not exist (HTTP 404, exit code 3).</summary>
    NotFound,

    /// <summary>It conflicts with the current state, e.g. an edit made meanwhile (HTTP 409/412, exit code 4).</summary>
    Conflict,

    /// <summary>Too much was asked for at once (HTTP 422, exit code 5).</summary>
    TooLarge,

    /// <summary>A needed part is missing or not ready, e.g. no walking network for the city (HTTP 503, exit code 6).</summary>
    Unavailable,

    /// <summary>The caller must sign in first, or the sign-in failed (HTTP 401).</summary>
    Unauthenticated,

    /// <summary>The caller's role may not do this (HTTP 403).</summary>
    Forbidden,

    /// <summary>An edit must name the version it was made on (HTTP 428).</summary>
    VersionRequired,

    /// <summary>The edit was made on a version someone else has changed since (HTTP 412).</summary>
    StaleVersion,

    /// <summary>Too many tries or requests in a short time; wait and try again (HTTP 429).</summary>
    Throttled,
}

/// <summary>
/// A domain error: a stable <see cref="Code"/> (the problem type's last segment, e.g. <c>unknown-hub-type</c>) and a
/// <see cref="Detail"/> in Japanese that names the real fault for the person who made it. Thrown by the analysis layer and by
/// imports and by request validation; the server turns it into RFC 9457 problem details (one mapping, <c>Problems</c> in the web
/// host) and the command line into a message and an exit code. <see cref="Title"/> names the problem when its kind's title is
/// too general (e.g. 「住所が見つかりません」).
/// </summary>
public class FukushiMapError(ErrorKind kind, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null, string? title = null)
    : Exception(detail)
{
    public ErrorKind Kind { get; } = kind;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    public string? Title { get; } = title;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static FukushiMapError Invalid(string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(ErrorKind.Invalid, code, detail, extensions);

    public static FukushiMapError NotFound(string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null, string? title = null) =>
        new(ErrorKind.NotFound, code, detail, extensions, title);
}
