using System.ComponentModel.DataAnnotations;

namespace FukushiMap.Server.Auth;

/// <summary>
/// Sign-in and session settings of the welfare map (section <c>FukushiMap:Welfare</c>). Defaults follow NIST SP 800-63B
/// (length over composition, a blocklist of common/breached passwords, throttling rather than lockout) and keep sessions short.
/// </summary>
public sealed class WelfareAuthOptions
{
    public const string Section = "FukushiMap:Welfare";

    /// <summary>A session ends after this many minutes without a request (sliding).</summary>
    [Range(1, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>A session ends this many hours after sign-in, however active.</summary>
    [Range(1, 72)]
    public int AbsoluteTimeoutHours { get; set; } = 8;

    /// <summary>Failed sign-ins per typed user name before each further try must wait (no lockout).</summary>
    [Range(1, 1000)]
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>Longest wait between tries for one user name: short, so nobody can keep a real user out for long.</summary>
    [Range(1, 3600)]
    public int AccountDelayCapSeconds { get; set; } = 60;

    /// <summary>Failed sign-ins per client address (any user names) before each further try must wait.</summary>
    [Range(1, 1_000_000)]
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>Longest wait between tries from one client address.</summary>
    [Range(1, 24 * 3600)]
    public int AddressDelayCapSeconds { get; set; } = 15 * 60;

    /// <summary>Login attempts allowed per client address per minute (sliding window); more answer 429.</summary>
    [Range(1, 100_000)]
    public int LoginPermitsPerMinute { get; set; } = 10;

    /// <summary>Minimum password length (NIST 800-63B: at least 8; we ask 12). No composition rules.</summary>
    [Range(8, 64)]
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Maximum password length (NIST: allow at least 64).</summary>
    [Range(64, 1024)]
    public int MaxPasswordLength { get; set; } = 128;

    /// <summary>
    /// Allow sign-in over plain http from a non-loopback client. Off: outside development the server must sit behind
    /// HTTPS, which makes the session cookie Secure. Loopback http (127.0.0.1, ::1) always works for local use.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// The one district layer (key) planner aggregates are counted on, in every municipality: one fixed set of disjoint
    /// areas, so counts cannot be differenced across layers (see <c>Analysis/Evacuation/AggregateSuppression</c>).
    /// </summary>
    [Required]
    public string AggregateLayer { get; set; } = FukushiMap.Data.Welfare.DemoWelfareData.ChikuLayerKey;
}
