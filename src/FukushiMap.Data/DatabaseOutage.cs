using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace FukushiMap.Data;

/// <summary>
/// Recognises "the database is not there" (down, restarting, refusing connections, a pooled connection the server
/// has closed) as opposed to a fault in a query, so that callers can say 503 and try again rather than 500.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>
    /// SQLSTATEs that mean the server or the database is (temporarily) unavailable: admin_shutdown, crash_shutdown,
    /// cannot_connect_now, the connection_exception class, too_many_connections.
    /// </summary>
    private static readonly string[] UnavailableStates = ["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"];

    /// <summary>True when <paramref name="exception"/> or an exception it wraps (EF, retry limit) means the database is unavailable.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        var fromNpgsql = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p when UnavailableStates.Contains(p.SqlState)
                    // "database … is not currently accepting connections" (ALLOW_CONNECTIONS false) is raised while connecting.
                    || p is { SqlState: PostgresErrorCodes.ObjectNotInPrerequisiteState, Routine: "CheckMyDatabase" }:
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException:
                    fromNpgsql = true;
                    break;
                // A connection refused or broken under Npgsql (but not a command timeout: a slow query is not an outage,
                // and not a file error elsewhere in the request).
                case SocketException or IOException when fromNpgsql:
                    return true;
            }
        }
        return false;
    }
}

/// <summary>
/// Retries an operation that failed because the database was unavailable — typically the first command on a pooled
/// connection the server closed while it was down — but only outside a transaction the caller opened itself.
/// EF's retrying strategy refuses user-initiated transactions outright; here such code keeps working (wrap it in
/// <c>db.Database.CreateExecutionStrategy().ExecuteAsync</c> to have it retried as a whole, as the importer does).
/// </summary>
internal sealed class DatabaseRetryStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, MaxRetries, TimeSpan.FromSeconds(1), errorCodesToAdd: null)
{
    // The first retry is immediate (a dead pooled connection); the others wait up to a second, so a request during an
    // outage still answers 503 within a few seconds.
    private const int MaxRetries = 3;

    private bool InUserTransaction => Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;

    protected override void OnFirstExecution()
    {
        if (!InUserTransaction)
        {
            base.OnFirstExecution();
        }
    }

    protected override bool ShouldRetryOn(Exception? exception)
    {
        if (InUserTransaction || !DatabaseOutage.IsUnavailable(exception))
        {
            return false;
        }
        // Connections the server closed stay in the pool until used; drop them all rather than meet them one by one.
        NpgsqlConnection.ClearAllPools();
        return true;
    }
}
