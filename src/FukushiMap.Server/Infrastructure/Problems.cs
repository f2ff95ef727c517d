using FukushiMap.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// The one mapping from the domain error (<see cref="FukushiMapError"/>) to RFC 9457 problem details: status and Japanese title
/// by kind, <c>type</c> from the stable code. Handlers return <see cref="Result(FukushiMapError)"/> (or the shorthands) as a
/// typed result; errors thrown below them (parameter binding, the analysis layer, imports) reach the same mapping through the
/// exception handler. The command line maps the same kinds to exit codes (<c>CommandLine.ExitCodeOf</c>).
/// </summary>
public static class Problems
{
    /// <summary>The base of every problem <c>type</c> URI.</summary>
    public const string TypeBase = "https://fukushimap.example/problems/";

    public static string TypeOf(string code) => TypeBase + code;

    /// <summary>The HTTP status of each kind of domain error.</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.StaleVersion => StatusCodes.Status412PreconditionFailed,
        ErrorKind.TooLarge => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.VersionRequired => StatusCodes.Status428PreconditionRequired,
        ErrorKind.Throttled => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The Japanese title of each kind (a problem may name itself more closely with its own title).</summary>
    public static string TitleOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => "リクエストの内容に誤りがあります",
        ErrorKind.Unauthenticated => "ログインできません",
        ErrorKind.Forbidden => "この操作はできません",
        ErrorKind.NotFound => "見つかりません",
        ErrorKind.Conflict or ErrorKind.StaleVersion => "ほかの人が先に変更しました",
        ErrorKind.TooLarge => "一度に処理できる量を超えています",
        ErrorKind.VersionRequired => "版の指定が必要です",
        ErrorKind.Throttled => "しばらく待ってからお試しください",
        ErrorKind.Unavailable => "ただいま利用できません",
        _ => "サーバーでエラーが起きました",
    };

    /// <summary>The problem details of a domain error.</summary>
    public static ProblemDetails Of(FukushiMapError error)
    {
        var problem = new ProblemDetails
        {
            Status = StatusOf(error.Kind),
            Type = TypeOf(error.Code),
            Title = error.Title ?? TitleOf(error.Kind),
            Detail = error.Detail,
        };
        foreach (var (key, value) in error.Extensions)
        {
            problem.Extensions[key] = value;
        }
        return problem;
    }

    /// <summary>A domain error as a typed result for handlers that declare it.</summary>
    public static ProblemHttpResult Result(FukushiMapError error) => TypedResults.Problem(Of(error));

    public static ProblemHttpResult Result(ErrorKind kind, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        Result(new FukushiMapError(kind, code, detail, extensions));

    public static ProblemHttpResult Invalid(string code, string detail) => Result(ErrorKind.Invalid, code, detail);

    public static ProblemHttpResult Unauthenticated(string code, string detail) => Result(ErrorKind.Unauthenticated, code, detail);

    public static ProblemHttpResult Forbidden(string code, string detail) => Result(ErrorKind.Forbidden, code, detail);

    public static ProblemHttpResult NotFound(string code, string detail) => Result(ErrorKind.NotFound, code, detail);

    public static ProblemHttpResult VersionRequired(string code, string detail) => Result(ErrorKind.VersionRequired, code, detail);

    public static ProblemHttpResult StaleVersion(string code, string detail) => Result(ErrorKind.StaleVersion, code, detail);

    public static ProblemHttpResult Throttled(string code, string detail) => Result(ErrorKind.Throttled, code, detail);

    /// <summary>Writes a problem outside an endpoint (middleware, filters).</summary>
    public static async Task WriteAsync(HttpContext context, FukushiMapError error)
    {
        context.Response.StatusCode = StatusOf(error.Kind);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Of(error) });
    }
}
