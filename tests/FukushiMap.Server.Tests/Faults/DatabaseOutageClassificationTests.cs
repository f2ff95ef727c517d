using System.Net.Sockets;
using FukushiMap.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace FukushiMap.Server.Tests.Faults;

public class DatabaseOutageClassificationTests
{
    private static PostgresException Postgres(string state, string? routine = null) =>
        new("message", "FATAL", "FATAL", state, routine: routine);

    public static TheoryData<string, Exception, bool> Cases => new()
    {
        { "admin_shutdown (the backend was terminated)", Postgres("57P01"), true },
        { "cannot_connect_now (starting up)", Postgres("57P03"), true },
        { "database not accepting connections", Postgres("55000", "CheckMyDatabase"), true },
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "connection cut", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), true },
        { "wrapped by EF", new DbUpdateException("save", new NpgsqlException("Failed to connect", new SocketException())), true },
        { "after EF's retries", new RetryLimitExceededException("retries", Postgres("57P01")), true },
        { "a query fault", Postgres("42P01"), false },
        { "another 55000", Postgres("55000", "heap_lock"), false },
        { "a command timeout", new NpgsqlException("Timeout", new TimeoutException()), false },
        { "a file error outside Npgsql", new IOException("disk"), false },
        { "a bug", new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnlyAnUnavailableDatabaseCountsAsAnOutage(string situation, Exception exception, bool outage) =>
        Assert.True(DatabaseOutage.IsUnavailable(exception) == outage, situation);
}
