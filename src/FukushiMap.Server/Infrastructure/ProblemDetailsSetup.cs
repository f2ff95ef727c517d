using System.Globalization;
using FukushiMap.Core;
using FukushiMap.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FukushiMap.Server.Infrastructure;

internal static class ProblemDetailsSetup
{
    /// <summary>One place that turns errors into problem details, with Japanese titles.</summary>
    public static IServiceCollection AddFukushiMapProblemDetails(this IServiceCollection services)
    {
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var p = ctx.ProblemDetails;
            // Problems the framework writes itself (binding, 404 routes, 405, 413) get the same Japanese titles as ours.
            p.Title = p.Status switch
            {
                405 => "この方法では使えません",
                413 => "ファイルが大きすぎます",
                _ when p.Title is null or "Bad Request" or "One or more validation errors occurred." or "Not Found" or "Conflict"
                    or "Unprocessable Entity" or "Service Unavailable" or "An error occurred while processing your request."
                    => Enum.GetValues<ErrorKind>().Where(k => Problems.StatusOf(k) == p.Status).Select(Problems.TitleOf)
                        .DefaultIfEmpty(p.Status >= 500 ? "サーバーでエラーが起きました" : p.Title).First(),
                _ => p.Title,
            };
            p.Type ??= p.Status switch
            {
                404 => Problems.TypeOf("not-found"),
                >= 500 => Problems.TypeOf("internal"),
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
            Type = Problems.TypeOf("database-unavailable"),
            Title = "ただいま利用できません",
            Detail = "データベースに接続できません。しばらくしてからもう一度お試しください。",
        };
    }

    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            var problem = exception switch
            {
                FukushiMapError e => Problems.Of(e),
                BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Type = Problems.TypeOf("bad-request"), Detail = "リクエストを読み取れませんでした。" },
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
                _ when DatabaseOutage.IsUnavailable(exception) => DatabaseUnavailable(context),
                _ => new ProblemDetails { Status = 500, Type = Problems.TypeOf("internal"), Detail = "予期しないエラーが起きました。時間をおいてもう一度お試しください。" },
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
            context.Response.StatusCode = problem.Status ?? 500;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }
    }
}
