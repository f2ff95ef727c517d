using FukushiMap.Data;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FukushiMap.Analysis.Versions;

/// <summary>
/// The dataset versions as this process last read them. A running server keeps them current with <see cref="DataVersionListener"/>
/// (PostgreSQL LISTEN, and a read every <see cref="DataVersionListener.PollInterval"/> in case a notification is lost); a change
/// made in this process calls <see cref="RefreshAsync"/> itself so the next request already sees it.
/// </summary>
public sealed class DataVersions(IServiceScopeFactory scopes)
{
    /// <summary>Versions older than this are read again on use (when the listener cannot run, e.g. in a command or during an outage).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(4);

    private volatile DataVersionSet? _current;
    private long _readAt;

    /// <summary>The versions: as the listener last read them, or read now when that is older than <see cref="MaxAge"/>.</summary>
    public ValueTask<DataVersionSet> CurrentAsync(CancellationToken ct = default) =>
        _current is { } current && Environment.TickCount64 - Volatile.Read(ref _readAt) < MaxAge.TotalMilliseconds
            ? ValueTask.FromResult(current)
            : new ValueTask<DataVersionSet>(RefreshAsync(ct));

    /// <summary>Reads the versions now (after a change made in this process).</summary>
    public async Task<DataVersionSet> RefreshAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        return Set(await DataVersionReader.ReadAsync(db, ct));
    }

    internal DataVersionSet Set(DataVersionSet read)
    {
        Volatile.Write(ref _readAt, Environment.TickCount64);
        var current = _current;
        if (current is null || !current.SameAs(read))
        {
            _current = current = read;
        }
        return current;
    }
}

/// <summary>Follows the <see cref="DataVersionReader.Channel"/> notifications of the database on one dedicated connection.</summary>
public sealed class DataVersionListener(DataVersions versions, IServiceScopeFactory scopes, ILogger<DataVersionListener> log) : BackgroundService
{
    /// <summary>How often the versions are read even without a notification (a lost one is noticed within this time).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                NpgsqlConnection connection;
                using (var scope = scopes.CreateScope())
                {
                    // A clone keeps the password, which the context's connection string no longer shows.
                    var context = (NpgsqlConnection)scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>().Database.GetDbConnection();
                    connection = context.CloneWith(context.ConnectionString);
                }
                await using var _ = connection;
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {DataVersionReader.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (warned)
                {
                    log.LogInformation("データの変更の監視を再開しました。");
                    warned = false;
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Read after LISTEN, so no change between the two is missed; then on every notification or poll.
                    versions.Set(await DataVersionReader.ReadAsync(connection, stoppingToken));
                    await connection.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the server keeps serving (versions are re-read on use after DataVersions.MaxAge) and tries again.
                if (!warned)
                {
                    log.LogWarning("データの変更を監視できません（{Reason}）。再接続するまで、取り込みや拠点の変更が反映されるのが遅れることがあります。", e.Message);
                    warned = true;
                }
                await Task.Delay(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
