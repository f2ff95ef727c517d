using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>
/// Slows password guessing without locking anyone out: failed sign-ins are counted per typed user name (whether or not
/// the account exists, so the answer tells nothing) and per client address. After a few free failures each further try
/// must wait twice as long as the one before (1, 2, 4 … seconds), up to a cap — short per account
/// (<see cref="WelfareAuthOptions.AccountDelayCapSeconds"/>) so that nobody can keep a real user out for long, longer
/// per address (<see cref="WelfareAuthOptions.AddressDelayCapSeconds"/>). Counts are forgotten an hour after the last
/// failure; a successful sign-in clears the account's count (not the address's, so a guesser cannot reset it with an
/// account of their own).
/// </summary>
public sealed class LoginThrottle(TimeProvider clock, IOptions<WelfareAuthOptions> options)
{
    private static readonly TimeSpan s_forgetAfter = TimeSpan.FromHours(1);
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the caller must still wait before trying this user name from this address; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string userName, string address)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var wait = new[]
        {
            Wait(AccountKey(userName), o.FreeFailuresPerAccount, o.AccountDelayCapSeconds, now),
            Wait(AddressKey(address), o.FreeFailuresPerAddress, o.AddressDelayCapSeconds, now),
        }.Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string userName, string address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count > MaxEntries)
        {
            foreach (var (key, value) in _failures.Where(kv => now - kv.Value.Last > s_forgetAfter).ToList())
            {
                _failures.TryRemove(new KeyValuePair<string, (int, DateTimeOffset)>(key, value));
            }
        }
        foreach (var key in new[] { AccountKey(userName), AddressKey(address) })
        {
            _failures.AddOrUpdate(key, _ => (1, now), (_, v) => (now - v.Last > s_forgetAfter ? 1 : v.Failures + 1, now));
        }
    }

    public void Succeeded(string userName) => _failures.TryRemove(AccountKey(userName), out _);

    private TimeSpan Wait(string key, int free, int capSeconds, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var v) || v.Failures < free || now - v.Last > s_forgetAfter)
        {
            return TimeSpan.Zero;
        }
        var delay = TimeSpan.FromSeconds(Math.Min(capSeconds, Math.Pow(2, Math.Min(30, v.Failures - free))));
        return v.Last + delay - now;
    }

    private static string AccountKey(string userName) => "u:" + userName.Trim().ToUpperInvariant();

    private static string AddressKey(string address) => "a:" + address;
}
