using FukushiMap.Analysis.Parameters;
using System.ComponentModel;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FukushiMap.Analysis.Evacuation;
using Count = FukushiMap.Analysis.Evacuation.AggregateSuppression.Count;

namespace FukushiMap.Server.WelfareMap;

/// <summary>Evacuation (個別避難計画) and planner aggregates.</summary>
public static class EvacuationApi
{
    public static RouteGroupBuilder MapEvacuation(this RouteGroupBuilder households)
    {
        households.MapGet("/evacuation", GetEvacuationAsync).WithName("GetEvacuation")
            .WithSummary("世帯ごとに最寄りの指定避難所まで歩いて何分か（高齢者の歩く速さ 60 m/分）と、○分を超える世帯");
        households.MapGet("/aggregates", GetAggregatesAsync).RequireAuthorization(WelfarePolicies.Planner).WithName("GetHouseholdAggregates")
            .WithSummary("区域ごとの件数（拠点・避難所から歩いて○分を超える世帯数。5 未満は秘匿）");
        return households;
    }

    public sealed record EvacuationRow(int HouseholdId, string Label, double Lon, double Lat, double? Minutes, double? Metres, int? ShelterId,
        string? ShelterName, bool Beyond, string? Reason);

    public sealed record EvacuationList(int DistrictId, double Pace, double Minutes, int Shelters, int Households, int BeyondCount,
        List<EvacuationRow> Items, string Notice, string Attribution);

    public sealed record EvacuationQuery(
        [property: Description("区域 id")] int? District,
        [property: Description("この分数を超える世帯を「遠い」とする")] [property: DefaultValue(10.0)] double? Minutes,
        [property: Description("歩く速さ（m/分）。高齢者 60")] [property: DefaultValue(60.0)] double? Pace);

    internal static async Task<Results<Ok<EvacuationList>, ProblemHttpResult>> GetEvacuationAsync([AsParameters] EvacuationQuery query,
        WelfareCaller caller, FukushiMapDbContext db, NetworkCatalog catalog, WelfareAudit audit, CancellationToken ct)
    {
        if (query.District is not { } d || !caller.HasDistrict(d))
        {
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        var pace = Parse.Pace(query.Pace ?? WalkingPace.Elderly.SpeedMetresPerMinute);
        var minutes = query.Minutes ?? 10;
        if (!double.IsFinite(minutes) || minutes is <= 0 or > Limits.MaxEvacuationMinutes)
        {
            return Problems.Invalid("invalid-minutes", $"minutes は 1〜{Limits.MaxEvacuationMinutes:N0} 分で指定してください。");
        }
        var municipality = await db.Districts.Where(x => x.Id == d).Select(x => x.MunicipalityCode).FirstAsync(ct);
        var city = await catalog.GetAsync(municipality, ct);
        if (city is null)
        {
            return Problems.NotFound("no-network", "この市区町村の歩行ネットワークがまだ取り込まれていません。");
        }
        var shelters = await EvacuationReach.DesignatedSheltersAsync(db, municipality, ct);
        var households = await HouseholdsApi.Visible(db, caller, includeInactive: false).AsNoTracking().Where(h => h.DistrictId == d)
            .OrderBy(h => h.Id).Select(h => new { h.Id, h.Label, h.Location.X, h.Location.Y }).ToListAsync(ct);
        // Search far enough to name the nearest shelter even for the far ones (2 h at the pace).
        var reaches = EvacuationReach.Nearest(city, shelters.Select(s => (s.Lon, s.Lat)), households.Select(h => (h.X, h.Y)), pace.MinutesToMetres(Limits.MaxEvacuationMinutes), ct);
        var rows = households.Zip(reaches, (h, r) =>
        {
            if (!r.OnNetwork)
            {
                return new EvacuationRow(h.Id, h.Label, h.X, h.Y, null, null, null, null, true, "歩ける道から離れています（ネットワークの範囲外）");
            }
            if (r is not { Metres: { } metres, Source: { } source })
            {
                return new EvacuationRow(h.Id, h.Label, h.X, h.Y, null, null, null, null, true, "2時間以内に歩いて行ける指定避難所がありません");
            }
            var m = pace.MetresToMinutes(metres);
            var s = shelters[source];
            return new EvacuationRow(h.Id, h.Label, h.X, h.Y, Math.Round(m, 1), Math.Round(metres), s.Id, s.Name, m > minutes, null);
        }).OrderByDescending(r => r.Minutes ?? double.MaxValue).ToList();
        await audit.WriteAsync(caller, "evacuation", "household", rows.Select(r => r.HouseholdId), d, "success", ct: ct);
        return TypedResults.Ok(new EvacuationList(d, pace.SpeedMetresPerMinute, minutes, shelters.Count, rows.Count, rows.Count(r => r.Beyond), rows,
            HouseholdShapes.FictitiousNotice, "歩行ネットワーク © OpenStreetMap contributors／指定避難所: 国土地理院"));
    }

    /// <summary>Counts per district. Beyond = on the walking network but not within the minutes; off-network households are counted apart.</summary>
    public sealed record AggregateRow(int DistrictId, string DistrictName, Count Households, Count BeyondHubs, Count BeyondShelters, Count OffNetwork);

    public sealed record Aggregates(string Layer, string LayerName, double Pace, double Minutes, int SuppressBelow, List<AggregateRow> Districts,
        string Notice, string Rule, IReadOnlyList<int> MinutesMenu);

    public sealed record AggregateQuery
    {
        [Description("区域レイヤーのキー（市区町村の地区レイヤーだけ。例: demo-chiku）")]
        public string? Layer { get; init; }

        [Description("市区町村コード")] [DefaultValue("35202")]
        public string? Municipality { get; init; }

        [Description("この分数を超える世帯を数える（5, 10, 15, 20, 30 のどれか）")] [DefaultValue(10)]
        public int? Minutes { get; init; }

        [Description("歩く速さ（m/分）。60 だけ")] [DefaultValue(60.0)]
        public double? Pace { get; init; }
    }

    /// <summary>The rule, in the words shown on the planner page.</summary>
    public const string SuppressionRule =
        "5 世帯未満の数は出しません。ほかの数から差し引いて隠した数が分からないよう、差し引くと 1〜4 になる数や、隠した数が 0 と"
        + "分かってしまう数も出しません（どちらも秘匿）。集計は地区（一つの区域の分け方）ごとだけで、市全体の合計やほかの区域の分け方"
        + "では出しません。分は 5・10・15・20・30 分、歩く速さは 60 m/分 に決めてあり、どの組み合わせで何度集計しても、隠した数は"
        + "差し引きで分かりません";

    internal static async Task<Results<Ok<Aggregates>, ProblemHttpResult>> GetAggregatesAsync([AsParameters] AggregateQuery query, WelfareCaller caller,
        FukushiMapDbContext db, NetworkCatalog catalog, HubCatalogue hubCatalogue, WelfareAudit audit, IOptions<WelfareAuthOptions> options,
        CancellationToken ct)
    {
        var municipality = Parse.Municipality(query.Municipality);
        var minutes = query.Minutes ?? 10;
        var menuIndex = AggregateSuppression.MinutesMenu.ToList().IndexOf(minutes);
        if (menuIndex < 0)
        {
            return Problems.Invalid("invalid-minutes", $"minutes は {string.Join("・", AggregateSuppression.MinutesMenu)} 分のどれかです（秘匿を保つため、集計の分は決めてあります）。");
        }
        if (query.Pace is { } p && p != AggregateSuppression.PaceMetresPerMinute)
        {
            return Problems.Invalid("invalid-pace", $"集計の歩く速さは {AggregateSuppression.PaceMetresPerMinute} m/分（高齢者）だけです（秘匿を保つため決めてあります）。");
        }
        var layerKey = options.Value.AggregateLayer;
        if (!string.IsNullOrEmpty(query.Layer) && query.Layer != layerKey)
        {
            return Problems.Invalid("invalid-layer",
                $"集計は地区レイヤー「{layerKey}」だけで行います。区域の分け方を変えて差し引くと秘匿した数が分かってしまうためです。");
        }
        var layer = await db.DistrictLayers.AsNoTracking().FirstOrDefaultAsync(l => l.MunicipalityCode == municipality && l.Key == layerKey, ct);
        if (layer is null)
        {
            return Problems.NotFound("not-found", $"この市区町村には集計用の地区レイヤー「{layerKey}」がありません。");
        }
        var city = await catalog.GetAsync(municipality, ct);
        if (city is null)
        {
            return Problems.NotFound("no-network", "この市区町村の歩行ネットワークがまだ取り込まれていません。");
        }
        var districts = await db.Districts.AsNoTracking().Where(x => x.LayerId == layer.Id).OrderBy(x => x.Id).Select(x => new { x.Id, x.Name }).ToListAsync(ct);
        // Each active household counted in the district of this layer that covers it (PostGIS does the point-in-polygon;
        // on a shared edge, always the lowest id, so repeated questions count it in the same place).
        var households = await db.Households.AsNoTracking()
            .Where(h => h.MunicipalityCode == municipality && h.Status == HouseholdStatuses.Active)
            .Select(h => new
            {
                h.Location.X,
                h.Location.Y,
                DistrictId = db.Districts.Where(x => x.LayerId == layer.Id && x.Geometry.Covers(h.Location)).OrderBy(x => x.Id).Select(x => (int?)x.Id).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var hubs = await HubSources.LoadAsync(hubCatalogue, municipality, null, null, ct);
        var shelters = await EvacuationReach.DesignatedSheltersAsync(db, municipality, ct);
        var pace = new WalkingPace(AggregateSuppression.PaceMetresPerMinute);
        // The whole menu is decided together, so every answer comes from the same published table.
        var bounds = AggregateSuppression.MinutesMenu.Select(m => pace.MinutesToMetres(m)).ToList();
        var points = households.Select(h => (h.X, h.Y)).ToList();
        var toHubs = EvacuationReach.Nearest(city, hubs.Select(h => (h.Lon, h.Lat)), points, bounds[^1], ct);
        var toShelters = EvacuationReach.Nearest(city, shelters.Select(s => (s.Lon, s.Lat)), points, bounds[^1], ct);
        var rows = districts.Select(x =>
        {
            var inside = Enumerable.Range(0, households.Count).Where(i => households[i].DistrictId == x.Id).ToList();
            var published = AggregateSuppression.Decide(inside.Count, inside.Count(i => !toHubs[i].OnNetwork),
                EvacuationReach.BeyondEach(inside.Select(i => toHubs[i]), bounds), EvacuationReach.BeyondEach(inside.Select(i => toShelters[i]), bounds));
            return new AggregateRow(x.Id, x.Name, published.Households, published.BeyondHubs[menuIndex], published.BeyondShelters[menuIndex], published.OffNetwork);
        }).ToList();
        await audit.WriteAsync(caller, "aggregate", "household", [], null, "success", ct: ct);
        return TypedResults.Ok(new Aggregates(layer.Key, layer.Name, pace.SpeedMetresPerMinute, minutes, AggregateSuppression.Threshold, rows,
            $"{HouseholdShapes.FictitiousNotice}。{AggregateSuppression.Threshold} 未満の件数などは秘匿しています。", SuppressionRule, AggregateSuppression.MinutesMenu));
    }
}
