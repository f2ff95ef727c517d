using System.Globalization;
using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FukushiMap.Data.Network;

/// <summary>What a network must show before it may serve a municipality.</summary>
public sealed record NetworkCheckLimits
{
    /// <summary>The largest connected part must hold at least this share of the total edge length (0–1).</summary>
    public double MinLargestComponentShare { get; init; } = 0.8;

    /// <summary>A hub or population point "reaches" the network when an edge is within this many metres (the engine's snap limit).</summary>
    public double SnapMetres { get; init; } = 500;

    /// <summary>A share lower than the live network's by more than this (0–1) counts as worse and needs the planner's confirmation.</summary>
    public double ReachTolerance { get; init; } = 0.001;
}

/// <summary>How much of a municipality's hubs and people lie within <see cref="NetworkCheckLimits.SnapMetres"/> of a network.</summary>
public sealed record NetworkReach(int Hubs, int HubsReached, int Units, int UnitsReached, long People, long PeopleReached)
{
    public double? HubShare => Hubs == 0 ? null : (double)HubsReached / Hubs;
    public double? PeopleShare => People == 0 ? null : (double)PeopleReached / People;

    public string HubText => $"拠点 {HubsReached:N0} / {Hubs:N0} か所（{Percent(HubShare)}）";
    public string PeopleText => $"人口 {PeopleReached:N0} / {People:N0} 人（{Percent(PeopleShare)}、町丁・字 {UnitsReached:N0} / {Units:N0}）";

    internal static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
}

/// <summary>The figures of one network's checks, compared with the live network of the same municipality when there is one.</summary>
public sealed record NetworkCheck(
    RoadNetwork Network,
    string MunicipalityCode,
    NetworkCheckLimits Limits,
    int DanglingEdges,
    IReadOnlyList<long> MissingNodes,
    double TotalMetres,
    double LargestComponentMetres,
    int Components,
    NetworkReach Reach,
    RoadNetwork? Live,
    NetworkReach? LiveReach)
{
    public double LargestComponentShare => TotalMetres > 0 ? LargestComponentMetres / TotalMetres : 0;

    /// <summary>Failures no confirmation can override: edges to missing nodes, a network in pieces, no edges at all.</summary>
    public IReadOnlyList<string> StructuralFailures
    {
        get
        {
            var list = new List<string>();
            if (DanglingEdges > 0)
            {
                list.Add($"道路 {DanglingEdges:N0} 本が、ノード一覧にないノード（例: {string.Join(", ", MissingNodes)}）を始点・終点にしています（0 本であること）。");
            }
            if (TotalMetres <= 0)
            {
                list.Add("長さのある道路が一本もありません。");
            }
            else if (LargestComponentShare < Limits.MinLargestComponentShare)
            {
                list.Add($"最大の連結部分が総延長の {NetworkReach.Percent(LargestComponentShare)}（{Km(LargestComponentMetres)} / {Km(TotalMetres)}、" +
                    $"{Components:N0} 個に分かれています）しかありません（{NetworkReach.Percent(Limits.MinLargestComponentShare)} 以上であること）。");
            }
            return list;
        }
    }

    /// <summary>Where this network reaches fewer hubs or people than the live one (allowed only with the planner's confirmation).</summary>
    public IReadOnlyList<string> WorseReach
    {
        get
        {
            var list = new List<string>();
            if (LiveReach is null || Live is null)
            {
                return list;
            }
            var metres = Limits.SnapMetres.ToString("N0", CultureInfo.InvariantCulture);
            if (Worse(Reach.HubShare, LiveReach.HubShare))
            {
                list.Add($"道路から {metres} m 以内の拠点が減ります: {Reach.HubText}、今の「{Live.Name}」は {LiveReach.HubText}。");
            }
            if (Worse(Reach.PeopleShare, LiveReach.PeopleShare))
            {
                list.Add($"道路から {metres} m 以内に置ける人口が減ります: {Reach.PeopleText}、今の「{Live.Name}」は {LiveReach.PeopleText}。");
            }
            return list;
        }
    }

    /// <summary>The figures, one line each, for the planner.</summary>
    public IEnumerable<string> Figures()
    {
        yield return $"道路 {Network.EdgeCount:N0} 本・ノード {Network.NodeCount:N0} 個、総延長 {Km(TotalMetres)}、ノードのない道路 {DanglingEdges:N0} 本";
        yield return $"最大の連結部分 {Km(LargestComponentMetres)}（総延長の {NetworkReach.Percent(LargestComponentShare)}、連結部分 {Components:N0} 個）";
        yield return $"道路から {Limits.SnapMetres:N0} m 以内: {Reach.HubText}、{Reach.PeopleText}";
        if (Live is not null && LiveReach is not null)
        {
            yield return $"今の「{Live.Name}」: {LiveReach.HubText}、{LiveReach.PeopleText}";
        }
    }

    private bool Worse(double? candidate, double? live) => live is { } l && (candidate ?? 0) < l - Limits.ReachTolerance;

    private static string Km(double metres) => (metres / 1000).ToString("N1", CultureInfo.InvariantCulture) + " km";
}

public enum ActivationOutcome
{
    /// <summary>The network is now live.</summary>
    Activated,

    /// <summary>It was live already; nothing changed.</summary>
    AlreadyLive,

    /// <summary>It fails a structural check; it cannot be made live.</summary>
    Refused,

    /// <summary>It reaches fewer hubs or people than the live one; only <c>--confirm</c> makes it live.</summary>
    NeedsConfirmation,

    /// <summary>Imported while another network is live: left as it was (activate it explicitly).</summary>
    NotActivated,
}

/// <summary>The result of an activation: what happened, the figures, and a Japanese message for the planner.</summary>
public sealed record ActivationResult(ActivationOutcome Outcome, string Message, NetworkCheck? Check)
{
    public bool IsLive => Outcome is ActivationOutcome.Activated or ActivationOutcome.AlreadyLive;
}

/// <summary>
/// Makes a network the live one of a municipality, after checking it: every edge's nodes exist, the largest connected part holds
/// most of the length, and it reaches the municipality's hubs and people no worse than the live network (or the planner confirms).
/// The live choice is a row of <c>active_networks</c>; a running server notices a change by its <c>activated_at</c>.
/// </summary>
public static class NetworkActivation
{
    /// <summary>The live network of <paramref name="municipalityCode"/>, or null when it has none.</summary>
    public static Task<ActiveNetwork?> LiveAsync(FukushiMapDbContext db, string municipalityCode, CancellationToken ct = default) =>
        db.ActiveNetworks.AsNoTracking().Include(a => a.Network).ThenInclude(n => n!.Dataset)
            .SingleOrDefaultAsync(a => a.MunicipalityCode == municipalityCode, ct);

    /// <summary>Checks network <paramref name="name"/> and makes it live for <paramref name="municipalityCode"/> when it passes.</summary>
    public static async Task<ActivationResult> ActivateAsync(FukushiMapDbContext db, string name, string municipalityCode, bool confirm,
        NetworkCheckLimits? limits = null, CancellationToken ct = default)
    {
        var network = await db.RoadNetworks.AsNoTracking().SingleOrDefaultAsync(n => n.Name == name, ct)
            ?? throw new KeyNotFoundException($"ネットワーク「{name}」はありません（./fukushimap network list で一覧を見られます）。");
        return await ActivateAsync(db, network, municipalityCode, confirm, onlyWhenNoneLive: false, limits, ct);
    }

    /// <summary>
    /// After an import: makes <paramref name="network"/> live when its municipality has no live network and it passes the checks;
    /// otherwise leaves the live one as it is and says how to activate the new one.
    /// </summary>
    public static async Task<ActivationResult?> ActivateIfNoneLiveAsync(FukushiMapDbContext db, RoadNetwork network,
        NetworkCheckLimits? limits = null, CancellationToken ct = default) =>
        network.MunicipalityCode is { } code ? await ActivateAsync(db, network, code, confirm: false, onlyWhenNoneLive: true, limits, ct) : null;

    private static async Task<ActivationResult> ActivateAsync(FukushiMapDbContext db, RoadNetwork network, string municipalityCode, bool confirm,
        bool onlyWhenNoneLive, NetworkCheckLimits? limits, CancellationToken ct)
    {
        limits ??= new NetworkCheckLimits();
        var place = await PlaceNameAsync(db, municipalityCode, ct);
        if (network.MunicipalityCode != municipalityCode)
        {
            return new ActivationResult(ActivationOutcome.Refused,
                $"ネットワーク「{network.Name}」は{(network.MunicipalityCode is null ? "市区町村を指定せずに" : $"市区町村 {network.MunicipalityCode} として")}取り込まれているため、" +
                $"{place}では使えません（--municipality {municipalityCode} を付けて取り込み直してください）。", null);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One activation per municipality at a time, so two planners cannot both compare against the same live network.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('active_networks:' || {0}))", [municipalityCode], ct);
        var live = await db.ActiveNetworks.AsNoTracking().Include(a => a.Network)
            .SingleOrDefaultAsync(a => a.MunicipalityCode == municipalityCode, ct);
        if (live?.NetworkId == network.Id)
        {
            return new ActivationResult(ActivationOutcome.AlreadyLive,
                $"ネットワーク「{network.Name}」はすでに{place}で使用中です（{live.ActivatedAt.ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} から）。", null);
        }
        if (onlyWhenNoneLive && live is not null)
        {
            return new ActivationResult(ActivationOutcome.NotActivated,
                $"{place}では今のネットワーク「{live.Network!.Name}」を使い続けます。「{network.Name}」に切り替えるには:\n" +
                $"  ./fukushimap network activate --name {network.Name} --municipality {municipalityCode}", null);
        }

        var check = await CheckAsync(db, network, municipalityCode, live?.Network, limits, ct);
        var keeps = live is null
            ? $"{place}には使用中のネットワークがありません。"
            : $"{place}では今のネットワーク「{live.Network!.Name}」を使い続けます。";
        var figures = string.Join("\n", check.Figures().Select(f => "  " + f));
        if (check.StructuralFailures is { Count: > 0 } failures)
        {
            return new ActivationResult(ActivationOutcome.Refused,
                $"ネットワーク「{network.Name}」は検査に通らないため、{place}の使用中のネットワークにできません:\n" +
                string.Join("\n", failures.Select(f => "  ✗ " + f)) + $"\n{keeps}\n検査の数値:\n{figures}", check);
        }
        if (check.WorseReach is { Count: > 0 } worse && !confirm)
        {
            return new ActivationResult(ActivationOutcome.NeedsConfirmation,
                $"ネットワーク「{network.Name}」は今のネットワークより届く範囲が狭いため、切り替えませんでした:\n" +
                string.Join("\n", worse.Select(f => "  ✗ " + f)) + $"\n{keeps}\n" +
                $"それでも切り替えるときは --confirm を付けてください:\n  ./fukushimap network activate --name {network.Name} --municipality {municipalityCode} --confirm\n" +
                $"検査の数値:\n{figures}", check);
        }

        var now = DateTimeOffset.UtcNow;
        var note = string.Join("\n", check.Figures()) + (check.WorseReach.Count > 0 ? "\n届く範囲が狭くなることを確認のうえ切り替え（--confirm）" : "");
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO active_networks (municipality_code, network_id, activated_at, checks) VALUES ({0}, {1}, {2}, {3})
            ON CONFLICT (municipality_code) DO UPDATE SET network_id = EXCLUDED.network_id, activated_at = EXCLUDED.activated_at, checks = EXCLUDED.checks
            """, [municipalityCode, network.Id, now, note], ct);
        await tx.CommitAsync(ct);
        return new ActivationResult(ActivationOutcome.Activated,
            $"ネットワーク「{network.Name}」を{place}の使用中のネットワークにしました" +
            (live is null ? "。" : $"（これまでは「{live.Network!.Name}」）。") + (check.WorseReach.Count > 0 ? "届く範囲が狭くなることは確認済み（--confirm）です。" : "") +
            $"\n検査の数値:\n{figures}", check);
    }

    /// <summary>Runs every check on <paramref name="network"/> and measures <paramref name="live"/>'s reach for comparison.</summary>
    public static async Task<NetworkCheck> CheckAsync(FukushiMapDbContext db, RoadNetwork network, string municipalityCode, RoadNetwork? live,
        NetworkCheckLimits limits, CancellationToken ct = default)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        // Edges whose source or target is not among the network's nodes (a graph built from them would have loose ends).
        var missing = new List<long>();
        int dangling;
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT e.source, s.id IS NULL, e.target, t.id IS NULL
            FROM network_edges e
            LEFT JOIN network_nodes s ON s.network_id = e.network_id AND s.id = e.source
            LEFT JOIN network_nodes t ON t.network_id = e.network_id AND t.id = e.target
            WHERE e.network_id = @n AND (s.id IS NULL OR t.id IS NULL)
            """, conn))
        {
            cmd.Parameters.AddWithValue("n", network.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            dangling = 0;
            while (await r.ReadAsync(ct))
            {
                dangling++;
                foreach (var k in new[] { 0, 2 })
                {
                    if (r.GetBoolean(k + 1) && missing.Count < 5 && !missing.Contains(r.GetInt64(k)))
                    {
                        missing.Add(r.GetInt64(k));
                    }
                }
            }
        }

        // Connected parts by union–find over the edges (direction ignored: a walker can always turn back), weighed by length.
        var parent = new Dictionary<long, long>();
        long Find(long x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                var gp = parent.GetValueOrDefault(p, p);
                parent[x] = gp;
                x = gp;
            }
            return x;
        }
        var edges = new List<(long Source, long Target, double Metres)>();
        await using (var cmd = new NpgsqlCommand("SELECT source, target, length_m FROM network_edges WHERE network_id = @n", conn))
        {
            cmd.Parameters.AddWithValue("n", network.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (s, t) = (r.GetInt64(0), r.GetInt64(1));
                edges.Add((s, t, r.GetDouble(2)));
                parent.TryAdd(s, s);
                parent.TryAdd(t, t);
                var (rs, rt) = (Find(s), Find(t));
                if (rs != rt)
                {
                    parent[rs] = rt;
                }
            }
        }
        var byComponent = new Dictionary<long, double>();
        foreach (var (s, _, metres) in edges)
        {
            var root = Find(s);
            byComponent[root] = byComponent.GetValueOrDefault(root) + Math.Max(0, metres);
        }
        var total = byComponent.Values.Sum();
        var largest = byComponent.Count == 0 ? 0 : byComponent.Values.Max();

        var reach = await ReachAsync(conn, network.Id, municipalityCode, limits.SnapMetres, ct);
        var liveReach = live is null ? null : await ReachAsync(conn, live.Id, municipalityCode, limits.SnapMetres, ct);
        return new NetworkCheck(network, municipalityCode, limits, dangling, missing, total, largest, byComponent.Count, reach, live, liveReach);
    }

    private static async Task<NetworkReach> ReachAsync(NpgsqlConnection conn, int networkId, string municipalityCode, double metres, CancellationToken ct)
    {
        // The bbox test (&&) uses the edges' GiST index; 1° of latitude is ~111 km, so metres/50,000 degrees covers the
        // distance in longitude too up to about 60° N. The exact test is on the ellipsoid (geography).
        const string Near =
            """
            EXISTS (SELECT 1 FROM network_edges e WHERE e.network_id = @n AND e.geom && ST_Expand({0}, @deg)
                    AND ST_DWithin(e.geom::geography, {0}::geography, @m))
            """;
        var sql = $"""
            SELECT (SELECT count(*)::int FROM hubs h WHERE h.municipality_code = @c AND h.retired_at IS NULL),
                   (SELECT count(*)::int FROM hubs h WHERE h.municipality_code = @c AND h.retired_at IS NULL AND {string.Format(Near, "h.location")}),
                   count(*)::int, (count(*) FILTER (WHERE near))::int,
                   coalesce(sum(population), 0)::bigint, coalesce(sum(population) FILTER (WHERE near), 0)::bigint
            FROM (SELECT p.population, {string.Format(Near, "p.point")} AS near FROM population_units p WHERE p.municipality_code = @c) u
            """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("n", networkId);
        cmd.Parameters.AddWithValue("c", municipalityCode);
        cmd.Parameters.AddWithValue("m", metres);
        cmd.Parameters.AddWithValue("deg", metres / 50_000);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new NetworkReach(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4), r.GetInt64(5));
    }

    private static async Task<string> PlaceNameAsync(FukushiMapDbContext db, string code, CancellationToken ct)
    {
        var name = await db.Municipalities.Where(m => m.Code == code).Select(m => m.Name).SingleOrDefaultAsync(ct);
        return name is null ? $"市区町村 {code}" : $"{name}（{code}）";
    }
}
