using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Seed;

/// <summary>
/// The hub types of the seed cases (包括的な支援体制の整備に向けた取組事例). Idempotent: adds what is missing by key,
/// never overwrites a planner's edits.
/// </summary>
public static class HubTypeSeed
{
    /// <summary>(key, name, parent key, partners, colour, shape, description)</summary>
    internal static readonly (string Key, string Name, string? Parent, string[] Partners, string Color, string Shape, string Description)[] Types =
    [
        ("nagomi", "なごみの家", null, [], "#d62728", "circle", "江戸川区の地域の相談・交流拠点"),
        ("engawa", "地域の縁側", null, [], "#ff7f0e", "square", "藤沢市の誰もが気軽に立ち寄れる居場所"),
        ("engawa-basic", "地域の縁側（基本型）", "engawa", [], "#ff7f0e", "square", "地域の縁側の基本型"),
        ("engawa-core", "地域の縁側（基幹型）", "engawa", [], "#e6550d", "square", "地域の縁側の基幹型"),
        ("engawa-specific", "地域の縁側（特定型）", "engawa", [], "#fdae6b", "square", "地域の縁側の特定型"),
        ("machizukuri", "まちづくりセンター", null, ["まちづくりセンター", "あんしんすこやかセンター", "社会福祉協議会"], "#2ca02c", "diamond", "世田谷区の三者が一体で相談を受ける拠点"),
        ("kaigo-yobo", "介護予防拠点・地域交流施設", null, [], "#9467bd", "triangle", "大牟田市の小学校区ごとの拠点"),
        ("nandemo-soudan", "福祉なんでも相談窓口", null, [], "#8c564b", "star", "宇部市・豊中市の断らない相談窓口"),
        ("volunteer-center", "地区ボランティアセンター", null, [], "#e377c2", "triangle", "地区のボランティア活動の拠点"),
        ("houkatsu", "地域包括支援センター", null, [], "#7f7f7f", "diamond", "高齢者の総合相談窓口"),
        ("ibasho", "居場所・サロン", null, [], "#bcbd22", "circle", "地区の居場所・ふれあいサロン"),
        ("kodomo-shokudo", "子ども食堂", null, [], "#17becf", "star", "子どもと地域の食堂"),
        ("fureai-center", "ふれあいセンター", null, [], "#1f77b4", "circle", "宇部市の校区ごとの地域活動拠点"),
        // 地区の拠点: each city's own district community hubs (公民館・コミュニティセンター・市民センター …), one type per city.
        ("chiku-kyoten", "地区の拠点", null, [], "#3c6e47", "hexagon", "市の地区ごとの拠点（公民館・コミュニティセンター・市民センターなど）"),
        ("chiku-yamagata", "地区の拠点（山形市：地区公民館・コミュニティセンター）", "chiku-kyoten", [], "#3c6e47", "hexagon",
            "山形市の地区ごとの地区公民館とコミュニティセンター"),
        ("chiku-fujisawa", "地区の拠点（藤沢市：市民センター・公民館）", "chiku-kyoten", [], "#3c6e47", "hexagon",
            "藤沢市の 13 地区の市民センターと公民館"),
        ("chiku-omuta", "地区の拠点（大牟田市：地区公民館・校区コミュニティセンター）", "chiku-kyoten", [], "#3c6e47", "hexagon",
            "大牟田市の地区公民館・校区コミュニティセンター・総合福祉センター"),
        ("chiku-fukutsu", "地区の拠点（福津市：郷づくり交流センター・公民館）", "chiku-kyoten", [], "#3c6e47", "hexagon",
            "福津市の郷づくり交流センター・コミュニティセンター・公民館"),
    ];

    /// <summary>Adds the built-in hub types that are missing.</summary>
    public static async Task EnsureAsync(FukushiMapDbContext db, CancellationToken ct = default)
    {
        if (await AllPresentAsync(db, ct))
        {
            return;
        }
        var existing = await db.HubTypes.ToDictionaryAsync(t => t.Key, ct);
        foreach (var t in Types)
        {
            if (existing.ContainsKey(t.Key))
            {
                continue;
            }
            var type = new HubType
            {
                Key = t.Key,
                Name = t.Name,
                Partners = [.. t.Partners],
                Color = t.Color,
                Shape = t.Shape,
                Description = t.Description,
                BuiltIn = true,
                Parent = t.Parent is null ? null : existing[t.Parent],
            };
            db.HubTypes.Add(type);
            existing[t.Key] = type;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Whether every built-in key is there, by one plain command. That is the usual answer, and every command line command
    /// asks it before its work: a plain command spares one that starts for a list from building EF's model for this check.
    /// </summary>
    private static async Task<bool> AllPresentAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var count = db.Database.GetDbConnection().CreateCommand();
            count.CommandText = "SELECT count(*) FROM hub_types WHERE key = ANY(@keys)";
            count.Parameters.Add(new Npgsql.NpgsqlParameter("keys", Types.Select(t => t.Key).ToArray()));
            return Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == Types.Length;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
