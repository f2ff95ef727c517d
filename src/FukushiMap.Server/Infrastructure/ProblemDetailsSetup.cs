using System.Globalization;
using FukushiMap.Core;
using FukushiMap.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// A domain error the API reports as RFC 9457 problem details. <see cref="Type"/> is a stable URI fragment;
/// <see cref="Detail"/> is written in Japanese for the person reading it.
/// </summary>
public class FukushiMapProblemException(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null)
    : FukushiMapError(KindOf(status), type, detail, extensions?.AsReadOnly())
{
    public int Status { get; } = status;
    public string Type => Code;
    public string Title { get; } = title;

    private static ErrorKind KindOf(int status) => status switch
    {
        404 => ErrorKind.NotFound,
        409 or 412 => ErrorKind.Conflict,
        413 or 422 => ErrorKind.TooLarge,
        503 => ErrorKind.Unavailable,
        _ => ErrorKind.Invalid,
    };

    public static FukushiMapProblemException BadRequest(string type, string detail, IDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status400BadRequest, type, "リクエストの内容に誤りがあります", detail, extensions);

    public static new FukushiMapProblemException NotFound(string type, string detail) =>
        new(StatusCodes.Status404NotFound, type, "見つかりません", detail);
}

internal static class ProblemDetailsSetup
{
    /// <summary>The base of every problem <c>type</c> URI.</summary>
    public const string TypeBase = "https://fukushimap.example/problems/";

    /// <summary>One place that turns errors into problem details, with Japanese titles.</summary>
    public static IServiceCollection AddFukushiMapProblemDetails(this IServiceCollection services)
    {
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var p = ctx.ProblemDetails;
            p.Title = p.Status switch
            {
                400 when p.Title is null or "Bad Request" or "One or more validation errors occurred." => "リクエストの内容に誤りがあります",
                404 when p.Title is null or "Not Found" => "見つかりません",
                405 => "この方法では使えません",
                409 when p.Title is null or "Conflict" => "ほかの変更と競合しました",
                413 => "ファイルが大きすぎます",
                422 when p.Title is null or "Unprocessable Entity" => "一度に処理できる量を超えています",
                503 when p.Title is null or "Service Unavailable" => "ただいま利用できません",
                500 => "サーバーでエラーが起きました",
                _ => p.Title,
            };
            p.Type ??= p.Status switch
            {
                404 => TypeBase + "not-found",
                500 => TypeBase + "internal",
                _ => p.Type,
            };
        });
    }

    /// <summary>Seconds a client should wait before trying again while the database is unavailable.</summary>
    public const int DatabaseRetryAfterSeconds = 10;

    /// <summary>503 with Retry-After: the database is down or restarting, which is neither the client's fault nor a bug.</summary>
    private static ProblemDetails DatabaseUnavailable(HttpContext context)
    {
        // Connections the server closed would otherwise wait in the pool to fail the requests after it returns.
        Npgsql.NpgsqlConnection.ClearAllPools();
        context.Response.Headers.RetryAfter = DatabaseRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = TypeBase + "database-unavailable",
            Title = "ただいま利用できません",
            Detail = "データベースに接続できません。しばらくしてからもう一度お試しください。",
        };
    }

    /// <summary>The HTTP status of each kind of domain error (the command line maps the same kinds to exit codes).</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooLarge => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            var problem = exception switch
            {
                FukushiMapProblemException e => new ProblemDetails { Status = e.Status, Type = TypeBase + e.Type, Title = e.Title, Detail = e.Detail },
                FukushiMapError e => new ProblemDetails { Status = StatusOf(e.Kind), Type = TypeBase + e.Code, Detail = e.Detail },
                BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Type = TypeBase + "bad-request", Detail = "リクエストを読み取れませんでした。" },
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
                _ when DatabaseOutage.IsUnavailable(exception) => DatabaseUnavailable(context),
                _ => new ProblemDetails { Status = 500, Type = TypeBase + "internal", Detail = "予期しないエラーが起きました。時間をおいてもう一度お試しください。" },
            };
            if (problem is null)
            {
                return true;
            }
            if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            {
                logger.LogWarning("Database unavailable on {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
            }
            else if (problem.Status >= 500)
            {
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            }
            if (exception is FukushiMapError fe)
            {
                foreach (var (k, v) in fe.Extensions)
                {
                    problem.Extensions[k] = v;
                }
            }
            context.Response.StatusCode = problem.Status ?? 500;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }
    }
}
