using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Infrastructure;

/// <summary>Limits on heavy analyses (section <c>FukushiMap:HeavyAnalyses</c>); see appsettings.json.</summary>
public sealed class HeavyAnalysisOptions
{
    public const string Section = FukushiMapOptions.Section + ":HeavyAnalyses";

    /// <summary>Heavy analyses computing at once; 0 = one fewer than the processor count (at least 1), so light requests keep a core.</summary>
    [Range(0, 256)]
    public int MaxRunning { get; set; }

    /// <summary>Heavy requests waiting for a turn, from all clients together; one more answers 503.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>Heavy requests one client (address) may have running or waiting; one more answers 429.</summary>
    [Range(1, 10_000)]
    public int PerClientLimit { get; set; } = 20;

    /// <summary>Retry-After (seconds) sent with 429 and 503.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>
    /// Work budget of one isochrone request in hub·km²: hubs searched one by one × (walking distance in km)². Per-hub isochrones
    /// search once per hub, each over an area growing with the square of the distance; more answers 422.
    /// </summary>
    [Range(1, 1e9)]
    public double MaxIsochroneWork { get; set; } = 2_500;

    public int Running => MaxRunning > 0 ? MaxRunning : Math.Max(1, Environment.ProcessorCount - 1);
}

/// <summary>
/// Heavy analyses (isochrones beyond a few hubs and short walks, coverage of a whole city, gaps, siting, evacuation) take a turn
/// before they compute: at most <see cref="HeavyAnalysisOptions.Running"/> at once, the others queued (bounded, per client too).
/// Light requests (finder, nearest hubs, OGC items, static files) never wait here, and the heavy ones hold at most that many
/// threads, so the thread pool always has room for them. Those threads run at a lower OS priority (nice 10 on Linux), so on a busy
/// machine the finder's threads get the CPU first. A client that goes away leaves the queue (its request is cancelled).
/// </summary>
public sealed class HeavyAnalysisGate : IDisposable
{
    /// <summary>The heavy endpoints, by method and route pattern: the one table that classifies them.</summary>
    private static readonly HashSet<(string Method, string Pattern)> s_heavy =
    [
        ("GET", "/api/isochrones"),
        ("GET", "/api/coverage"),
        ("GET", "/api/coverage/gaps"),
        ("GET", "/api/siting"),
        ("POST", "/api/siting/analyses"),
        ("POST", "/api/siting/scenarios"),
        ("GET", "/api/households/evacuation"),
        ("GET", "/api/households/aggregates"),
    ];

    /// <summary>An isochrone request for at most this many chosen hubs and walks of at most <see cref="LightIsochroneMinutes"/> is light.</summary>
    public const int LightIsochroneHubs = 3;
    public const double LightIsochroneMinutes = 20;

    private readonly HeavyAnalysisOptions _options;
    private readonly ConcurrencyLimiter _running;
    private readonly PartitionedRateLimiter<string> _perClient;
    private readonly HeavyScheduler _scheduler;

    public HeavyAnalysisGate(IOptions<HeavyAnalysisOptions> options)
    {
        _options = options.Value;
        _running = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.Running,
            QueueLimit = _options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(client,
            _ => new ConcurrencyLimiterOptions { PermitLimit = _options.PerClientLimit, QueueLimit = 0 }));
        _scheduler = new HeavyScheduler(_options.Running);
    }

    public HeavyAnalysisOptions Options => _options;

    /// <summary>Heavy analyses computing now (for tests and the bench).</summary>
    public long Running => _options.Running - (_running.GetStatistics()?.CurrentAvailablePermits ?? 0);

    /// <summary>Heavy analyses waiting for a turn now.</summary>
    public long Queued => _running.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Whether the request is a heavy analysis (after routing).</summary>
    public static bool IsHeavy(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return false;
        }
        var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
        if (!s_heavy.Contains((context.Request.Method, pattern)))
        {
            return false;
        }
        if (pattern == "/api/isochrones")
        {
            // The walking range of one or two chosen hubs is what the map page asks for: keep it light.
            var ids = context.Request.Query["hub_ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            var minutes = context.Request.Query["minutes"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            return !(ids.Length is > 0 and <= LightIsochroneHubs
                && minutes.All(m => double.TryParse(m, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v <= LightIsochroneMinutes));
        }
        return true;
    }

    /// <summary>Runs a heavy request when its turn comes, or answers 429 (this client has too many) or 503 (the server is full).</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var clientLease = _perClient.AttemptAcquire(client);
        if (!clientLease.IsAcquired)
        {
            await RefuseAsync(context, ErrorKind.Throttled, "too-many-analyses", "重い解析が多すぎます",
                $"このアドレスから同時に受け付ける重い解析（等時間圏・人口カバー・空白地域・配置・避難）は {_options.PerClientLimit} 件までです。" +
                $"前の解析が終わってから、{_options.RetryAfterSeconds} 秒ほどおいてもう一度お試しください。", _options.PerClientLimit);
            return;
        }
        using var turn = await _running.AcquireAsync(1, context.RequestAborted);
        if (!turn.IsAcquired)
        {
            await RefuseAsync(context, ErrorKind.Unavailable, "server-busy", "サーバーが混み合っています",
                $"重い解析（等時間圏・人口カバー・空白地域・配置・避難）の順番待ちがいっぱいです（同時に計算 {_options.Running} 件、待ち {_options.QueueLimit} 件まで）。" +
                $"{_options.RetryAfterSeconds} 秒ほどおいてもう一度お試しください。近くの拠点さがしはこのまま使えます。", _options.QueueLimit);
            return;
        }
        // The handler and its own continuations run on the heavy threads (await keeps the current TaskScheduler).
        await Task.Factory.StartNew(() => next(context), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
    }

    /// <summary>The 422 for an isochrone request over the work budget.</summary>
    public void CheckIsochroneBudget(int hubsSearchedOneByOne, double walkMetres)
    {
        var work = hubsSearchedOneByOne * Math.Pow(walkMetres / 1000, 2);
        if (work > _options.MaxIsochroneWork)
        {
            throw new FukushiMapError(ErrorKind.TooLarge, "over-budget",
                $"この等時間圏は計算量の上限を超えます（拠点 {hubsSearchedOneByOne:N0} か所 × 歩く距離 {walkMetres / 1000:N1} km の 2 乗 = {work:N0}、" +
                $"上限 {_options.MaxIsochroneWork:N0} 拠点・km²）。拠点を絞るか、分・歩く速さを小さくするか、grouping=dissolved を使ってください。",
                new Dictionary<string, object?> { ["work"] = Math.Round(work), ["limit"] = _options.MaxIsochroneWork });
        }
    }

    private async Task RefuseAsync(HttpContext context, ErrorKind kind, string code, string title, string detail, int limit)
    {
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, new FukushiMapError(kind, code, detail,
            new Dictionary<string, object?> { ["limit"] = limit, ["retryAfterSeconds"] = _options.RetryAfterSeconds }, title));
    }

    public void Dispose()
    {
        _running.Dispose();
        _perClient.Dispose();
        _scheduler.Dispose();
    }

    /// <summary>A fixed set of background threads at a lower OS priority, for heavy analyses only.</summary>
    private sealed class HeavyScheduler : TaskScheduler, IDisposable
    {
        private const int Niceness = 10;
        private readonly BlockingCollection<Task> _tasks = [];
        private readonly int _threads;

        public HeavyScheduler(int threads)
        {
            _threads = threads;
            for (var i = 0; i < threads; i++)
            {
                new Thread(Run) { IsBackground = true, Name = $"heavy-analysis-{i}" }.Start();
            }
        }

        public override int MaximumConcurrencyLevel => _threads;

        protected override void QueueTask(Task task) => _tasks.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            Thread.CurrentThread.Name?.StartsWith("heavy-analysis-", StringComparison.Ordinal) == true && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

        public void Dispose() => _tasks.CompleteAdding();

        private void Run()
        {
            if (OperatingSystem.IsLinux())
            {
                try
                {
                    // Raising one's own niceness needs no privilege; on failure the thread simply keeps the normal priority.
                    _ = SetPriority(0, GetThreadId(), Niceness);
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                }
            }
            foreach (var task in _tasks.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }

        [DllImport("libc", EntryPoint = "setpriority")]
        private static extern int SetPriority(int which, int who, int priority);

        [DllImport("libc", EntryPoint = "gettid")]
        private static extern int GetThreadId();
    }
}

public static class HeavyAnalysisSetup
{
    public static IServiceCollection AddHeavyAnalysisLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HeavyAnalysisOptions>().Bind(configuration.GetSection(HeavyAnalysisOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<HeavyAnalysisGate>();
    }

    /// <summary>Puts heavy analyses under the gate; everything else passes straight through.</summary>
    public static IApplicationBuilder UseHeavyAnalysisLimits(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<HeavyAnalysisGate>();
        return app.Use((context, next) => HeavyAnalysisGate.IsHeavy(context) ? gate.InvokeAsync(context, next) : next(context));
    }
}
