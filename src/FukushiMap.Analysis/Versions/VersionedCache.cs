using System.Collections.Concurrent;
using FukushiMap.Data.Versions;

namespace FukushiMap.Analysis.Versions;

/// <summary>
/// The one cache policy of the analysis layer. Why: a prepared city, a hub catalogue or a siting instance costs from milliseconds to
/// seconds to build from PostGIS, and every request needs one, so each is built once and shared read-only — but only while the
/// dataset tables it was built from are unchanged. So:
/// <list type="bullet">
/// <item>a value is kept with the version stamp of the tables it depends on (<see cref="DataVersionSet.Stamp"/>); when any of them
/// changes — an import, an activation or a hub edit in any process — the next request builds a new value;</item>
/// <item>concurrent requests for the same key share one build; a failed or cancelled build is not kept;</item>
/// <item>at most <c>capacity</c> values (and, when a weight is given, at most <c>maxWeight</c> of it, e.g. bytes) are kept, the least
/// recently used dropped first, so memory stays bounded.</item>
/// </list>
/// </summary>
public sealed class VersionedCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly DataVersions _versions;
    private readonly int _capacity;
    private readonly string[] _dependsOn;
    private Func<TValue, long>? _weight;
    private long _maxWeight = long.MaxValue;
    private long _clock;

    /// <param name="versions">The process's dataset versions.</param>
    /// <param name="capacity">How many values are kept at most.</param>
    /// <param name="dependsOn">The dataset tables (<see cref="DataTables"/>) the values are built from.</param>
    public VersionedCache(DataVersions versions, int capacity, params string[] dependsOn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _versions = versions;
        _capacity = capacity;
        _dependsOn = dependsOn;
    }

    public int Count => _entries.Count;

    /// <summary>Also bounds the sum of <paramref name="weight"/> over the kept values (the newest value is always kept).</summary>
    public VersionedCache<TKey, TValue> WithWeight(Func<TValue, long> weight, long maxWeight)
    {
        (_weight, _maxWeight) = (weight, maxWeight);
        return this;
    }

    /// <summary>The value of <paramref name="key"/> for the current data, built by <paramref name="build"/> when there is none.</summary>
    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> build, CancellationToken ct = default)
    {
        var stamp = (await _versions.CurrentAsync(ct)).Stamp(_dependsOn);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, k => new Entry(stamp, k, build));
            if (entry.Stamp < stamp)
            {
                // Built from older data: replace it (unless another request already did) and look again.
                _entries.TryUpdate(key, new Entry(stamp, key, build), entry);
                continue;
            }
            entry.LastUsed = Interlocked.Increment(ref _clock);
            if (_entries.Count > _capacity)
            {
                Trim();
            }
            var task = entry.Value;
            try
            {
                var value = task.IsCompletedSuccessfully ? task.Result : await task.WaitAsync(ct);
                if (_weight is not null)
                {
                    TrimWeight(entry);
                }
                return value;
            }
            catch when (task.IsFaulted || task.IsCanceled)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
                if (task.IsCanceled && !ct.IsCancellationRequested)
                {
                    // The request that started the build gave up; this one still wants the value.
                    continue;
                }
                throw;
            }
        }
    }

    /// <summary>
    /// For a value the caller makes itself (e.g. an HTTP answer its own request computes): the value's task for the current
    /// data and, when there was none, the <paramref name="producer"/> the caller must complete — requests asking meanwhile wait
    /// for that one. Completing with a value it does not want kept: call <see cref="Forget"/>.
    /// </summary>
    public async Task<Task<TValue>> GetOrProduceAsync(TKey key, Action<TaskCompletionSource<TValue>> producer, CancellationToken ct = default)
    {
        var stamp = (await _versions.CurrentAsync(ct)).Stamp(_dependsOn);
        var source = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ours = new Entry(stamp, key, _ => source.Task);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, ours);
            if (entry.Stamp < stamp)
            {
                _entries.TryUpdate(key, ours, entry);
                continue;
            }
            entry.LastUsed = Interlocked.Increment(ref _clock);
            if (_entries.Count > _capacity)
            {
                Trim();
            }
            if (ReferenceEquals(entry, ours))
            {
                producer(source);
                if (_weight is not null)
                {
                    _ = source.Task.ContinueWith(_ => TrimWeight(ours), TaskScheduler.Default);
                }
            }
            return entry.Value;
        }
    }

    /// <summary>Drops <paramref name="key"/>'s value if it is still the one <paramref name="value"/> came from.</summary>
    public void Forget(TKey key, Task<TValue> value)
    {
        if (_entries.TryGetValue(key, out var entry) && ReferenceEquals(entry.Value, value))
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
        }
    }

    private void Trim()
    {
        foreach (var old in _entries.OrderBy(e => e.Value.LastUsed).Take(Math.Max(0, _entries.Count - _capacity)).ToList())
        {
            _entries.TryRemove(old);
        }
    }

    private void TrimWeight(Entry newest)
    {
        var kept = _entries.Where(e => e.Value.Value.IsCompletedSuccessfully).OrderByDescending(e => e.Value.LastUsed).ToList();
        long total = 0;
        foreach (var e in kept)
        {
            total += _weight!(e.Value.Value.Result);
            if (total > _maxWeight && !ReferenceEquals(e.Value, newest))
            {
                _entries.TryRemove(e);
            }
        }
    }

    private sealed class Entry(long stamp, TKey key, Func<TKey, Task<TValue>> build)
    {
        private readonly Lazy<Task<TValue>> _value = new(() => Build(build, key));
        public long Stamp { get; } = stamp;
        public Task<TValue> Value => _value.Value;
        public long LastUsed;

        // Async, so that a build throwing before its first await still gives a faulted task (never a cached Lazy exception).
        private static async Task<TValue> Build(Func<TKey, Task<TValue>> build, TKey key) => await build(key);
    }
}
