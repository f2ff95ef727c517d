using System.ComponentModel;
using System.Globalization;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Server.Finder;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Network;

/// <summary>Walking isochrones and the nearest hubs by walking time.</summary>
public static class NetworkApi
{
    /// <summary>Server-side limits on what a client may ask.</summary>
    public const int MaxBands = 6;
    public const double MaxMinutes = 60;
    public const int MaxHubs = 500;
    public const int MaxNearest = 20;

    /// <summary>Route vertices closer than this to the simplified line are dropped (metres; invisible at street zoom).</summary>
    public const double RouteToleranceMetres = 0.5;

    public static IServiceCollection AddNetwork(this IServiceCollection services) => services.AddSingleton<NetworkCatalog>();

    public static IEndpointRouteBuilder MapNetwork(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("歩行ネットワーク").AllowAnonymous();
        api.MapGet("/isochrones", GetIsochronesAsync).WithName("GetIsochrones")
            .WithSummary("拠点から歩いて○分の範囲（等時間圏）を GeoJSON で返す");
        api.MapGet("/nearest-hubs", GetNearestHubsAsync).WithName("GetNearestHubs")
            .WithSummary("地点から歩いて近い順に拠点を返す（分・m・経路）");
        return app;
    }

    public sealed record IsochroneQuery(
        [property: Description("市区町村コード（JIS X 0402、5桁）")] [property: DefaultValue("35202")] string? Municipality,
        [property: Description("分（カンマ区切り、例: 5,10,15）")] [property: DefaultValue("10")] string? Minutes,
        [property: Description("歩く速さ（m/分）: 80 ふつう, 60 ゆっくり, 48 休み休み")] [property: DefaultValue(80.0)] double? Pace,
        [property: Description("拠点の種類のキー（カンマ区切り）。省略時はすべて")] [property: FromQuery(Name = "hub_types")] string? HubTypes,
        [property: Description("拠点 id（カンマ区切り）。省略時は種類で選んだすべて")] [property: FromQuery(Name = "hub_ids")] string? HubIds,
        [property: Description("dissolved（合わせる）, per-hub（拠点ごと）, nearest（最寄りで分ける）")] [property: DefaultValue("dissolved")] string? Grouping,
        [property: Description("道路から歩いて出られる幅（m）")] [property: DefaultValue(40.0)] [property: FromQuery(Name = "walk_off")] double? WalkOff);

    internal static async Task<Ok<IsochroneCollection>> GetIsochronesAsync([AsParameters] IsochroneQuery query, FukushiMapDbContext db,
        NetworkCatalog catalog, HeavyAnalysisGate gate, CancellationToken ct)
    {
        var municipality = MunicipalityCode(query.Municipality);
        var minutes = ParseMinutes(query.Minutes);
        var pace = Pace(query.Pace);
        var grouping = query.Grouping switch
        {
            null or "" or "dissolved" => IsochroneGrouping.Dissolved,
            "per-hub" => IsochroneGrouping.PerSource,
            "nearest" => IsochroneGrouping.NearestSource,
            _ => throw FukushiMapProblemException.BadRequest("invalid-grouping", "grouping は dissolved・per-hub・nearest のどれかです。"),
        };
        var walkOff = query.WalkOff ?? 40;
        if (!double.IsFinite(walkOff) || walkOff is < 0 or > 200)
        {
            throw FukushiMapProblemException.BadRequest("invalid-walk-off", "walk_off は 0〜200 m で指定してください。");
        }
        var city = await RequireNetworkAsync(catalog, municipality, ct);
        var hubs = await HubSources.LoadAsync(db, municipality, query.HubTypes, ParseIds(query.HubIds), ct);
        if (hubs.Count > MaxHubs)
        {
            throw FukushiMapProblemException.BadRequest("too-many-hubs", $"一度に扱える拠点は {MaxHubs} か所までです。");
        }
        var (onNetwork, offNetwork) = HubSources.Snap(city, hubs);
        // Per-hub areas search once per hub; the other groupings search all hubs together once.
        gate.CheckIsochroneBudget(grouping == IsochroneGrouping.PerSource ? onNetwork.Count : 1, pace.MinutesToMetres(minutes[^1]));

        var builder = Math.Abs(walkOff - city.Isochrones.Options.WalkOffMetres) < 1e-9
            ? city.Isochrones
            : new IsochroneBuilder(city.Graph, city.Isochrones.Options with { WalkOffMetres = walkOff });
        var features = new List<IsochroneFeature>();
        if (onNetwork.Count > 0)
        {
            var result = builder.Build(onNetwork.Select(h => h.Snap).ToList(), minutes, pace, grouping, ct);
            foreach (var iso in result.OrderByDescending(i => i.WalkMinutes))
            {
                var hub = iso.SourceIndex >= 0 ? onNetwork[iso.SourceIndex].Hub : null;
                features.Add(new IsochroneFeature(city.ToLonLat(ForDisplay(iso.Area)), new IsochroneProperties(
                    iso.WalkMinutes, Math.Round(iso.WalkMetres, 1), pace.SpeedMetresPerMinute, hub?.Id, hub?.Name)));
            }
        }
        return TypedResults.Ok(new IsochroneCollection(features, city.Loaded.Network.Name,
            offNetwork.Select(h => new OffNetworkHub(h.Hub.Id, h.Hub.Name, Math.Round(h.Snap.SnapMetres))).ToList(),
            "© OpenStreetMap contributors"));
    }

    public sealed record NearestQuery(
        [property: Description("緯度")] double? Lat,
        [property: Description("経度")] double? Lon,
        [property: Description("歩く速さ（m/分）")] [property: DefaultValue(80.0)] double? Pace,
        [property: Description("件数（1〜20）")] [property: DefaultValue(5)] int? Limit,
        [property: Description("拠点の種類のキー（カンマ区切り）")] [property: FromQuery(Name = "hub_types")] string? HubTypes,
        [property: Description("最長の徒歩時間（分）")] [property: DefaultValue(60.0)] [property: FromQuery(Name = "max_minutes")] double? MaxMinutes,
        [property: Description("市区町村コード（省略時は地点から判定）")] string? Municipality,
        [property: Description("機能（カンマ区切り、どれかがあれば可。例: 相談,居場所）")] string? Functions,
        [property: Description("対象（カンマ区切り、どれかがあれば可。「誰でも」の拠点はどの対象にも入る）")] string? Targets,
        [property: Description("true なら今開いている拠点だけ（開館時間の情報がない拠点は入らない）")] [property: FromQuery(Name = "open_now")] bool? OpenNow,
        [property: Description("拠点 id（カンマ区切り）。その中から近い順に")] [property: FromQuery(Name = "hub_ids")] string? HubIds);

    internal static async Task<Ok<List<NearestHub>>> GetNearestHubsAsync([AsParameters] NearestQuery query, NearestHubsIndex index,
        NetworkCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        if (query.Lat is not { } lat || query.Lon is not { } lon || !double.IsFinite(lat) || !double.IsFinite(lon)
            || lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            throw FukushiMapProblemException.BadRequest("invalid-point", "lat（緯度）と lon（経度）を数値で指定してください。");
        }
        var pace = Pace(query.Pace);
        var limit = query.Limit ?? 5;
        if (limit is < 1 or > MaxNearest)
        {
            throw FukushiMapProblemException.BadRequest("invalid-limit", $"limit は 1〜{MaxNearest} で指定してください。");
        }
        var maxMinutes = query.MaxMinutes ?? 60;
        if (!double.IsFinite(maxMinutes) || maxMinutes <= 0 || maxMinutes > 120)
        {
            throw FukushiMapProblemException.BadRequest("invalid-minutes", "max_minutes は 1〜120 分で指定してください。");
        }
        var municipality = query.Municipality is { Length: > 0 } m ? MunicipalityCode(m) : await index.MunicipalityAtAsync(lon, lat, ct);
        var city = await RequireNetworkAsync(catalog, municipality, ct);
        var from = city.Snap(lon, lat);
        if (!from.IsOnNetwork)
        {
            throw FukushiMapProblemException.BadRequest("off-network",
                $"この地点は歩ける道から {from.SnapMetres:N0} m 以上離れています（上限 {city.Snapper.MaxSnapMetres:N0} m）。道の近くの地点を選んでください。");
        }
        var snapshot = await index.HubsAsync(municipality, city, ct);
        var localTime = HubFactsView.TokyoTime(clock.GetUtcNow());
        var selected = snapshot.Select(query.HubTypes, ParseIds(query.HubIds), ParseWords(query.Functions), ParseWords(query.Targets),
            query.OpenNow == true, localTime);
        if (selected.Count == 0)
        {
            return TypedResults.Ok(new List<NearestHub>());
        }
        var found = snapshot.Nearest(from, selected, limit, pace.MinutesToMetres(maxMinutes), ct);
        var list = found.Select(f =>
        {
            var hub = f.Hub.Hub;
            var facts = f.Hub.Facts;
            var route = f.Path.Count >= 2 ? new RouteLine(RouteSimplifier.ToLonLatFlat(f.Path, RouteToleranceMetres, snapshot.Data.Grid)) : null;
            return new NearestHub(hub.Id, hub.Name, f.Hub.TypeKey, f.Hub.TypeName, hub.Address,
                Math.Round(pace.MetresToMinutes(f.Metres), 1), Math.Round(f.Metres), route, hub.Location.X, hub.Location.Y)
            {
                Functions = facts.Functions,
                TargetGroups = facts.TargetGroups,
                OpeningHours = facts.OpeningHours,
                OpeningNote = facts.OpeningNote,
                OpenNow = f.Hub.OpenAt(localTime),
                Phone = facts.Phone,
                Steps = RouteDirections.For(f.Path, city.Loaded),
            };
        }).ToList();
        return TypedResults.Ok(list);
    }

    private static List<string> ParseWords(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(20)];

    /// <summary>Tolerance (m) to which isochrone outlines are straightened for the map: within the walk-off convention's own roughness.</summary>
    public const double DisplaySimplifyMetres = 3;

    /// <summary>
    /// The engine traces areas on a 5 m raster, so outlines are staircases with many vertices; straightening them by a few metres
    /// makes responses several times smaller without a visible change.
    /// </summary>
    private static Geometry ForDisplay(Geometry plane) =>
        NetTopologySuite.Simplify.DouglasPeuckerSimplifier.Simplify(plane, DisplaySimplifyMetres);

    internal static string MunicipalityCode(string? code)
    {
        code = string.IsNullOrEmpty(code) ? "35202" : code;
        if (code.Length != 5 || !code.All(char.IsAsciiDigit))
        {
            throw FukushiMapProblemException.BadRequest("invalid-municipality", $"市区町村コードは5桁の数字です（「{code}」）。");
        }
        return code;
    }

    internal static WalkingPace Pace(double? pace)
    {
        var p = pace ?? 80;
        if (!double.IsFinite(p) || p is < 20 or > 150)
        {
            throw FukushiMapProblemException.BadRequest("invalid-pace", "pace（歩く速さ）は 20〜150 m/分 で指定してください（ふつう 80、ゆっくり 60、休み休み 48）。");
        }
        return new WalkingPace(p);
    }

    private static List<double> ParseMinutes(string? text)
    {
        var parts = (string.IsNullOrWhiteSpace(text) ? "10" : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<double>();
        foreach (var p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || !double.IsFinite(m) || m <= 0 || m > MaxMinutes)
            {
                throw FukushiMapProblemException.BadRequest("invalid-minutes", $"minutes は 0 より大きく {MaxMinutes:N0} 分以下の数をカンマで区切って指定してください（「{p}」）。");
            }
            list.Add(m);
        }
        if (list.Count > MaxBands)
        {
            throw FukushiMapProblemException.BadRequest("invalid-minutes", $"minutes は {MaxBands} 個までです。");
        }
        return list.Distinct().Order().ToList();
    }

    private static List<int>? ParseIds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var ids = new List<int>();
        foreach (var p in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw FukushiMapProblemException.BadRequest("invalid-hub-ids", $"hub_ids は整数をカンマで区切って指定してください（「{p}」）。");
            }
            ids.Add(id);
        }
        return ids.Count > MaxHubs
            ? throw FukushiMapProblemException.BadRequest("too-many-hubs", $"一度に扱える拠点は {MaxHubs} か所までです。")
            : ids;
    }

    private static async Task<CityNetwork> RequireNetworkAsync(NetworkCatalog catalog, string municipality, CancellationToken ct) =>
        await catalog.GetAsync(municipality, ct)
        ?? throw FukushiMapProblemException.NotFound("no-network", $"市区町村 {municipality} の歩行ネットワークがまだ取り込まれていません（./fukushimap import network）。");
}

public sealed record IsochroneProperties(double Minutes, double Metres, double Pace, int? HubId, string? HubName);

public sealed record IsochroneFeature(Geometry Geometry, IsochroneProperties Properties)
{
    public string Type => "Feature";
}

public sealed record OffNetworkHub(int Id, string Name, double SnapMetres);

public sealed record IsochroneCollection(List<IsochroneFeature> Features, string Network, List<OffNetworkHub> OffNetworkHubs, string Attribution)
{
    public string Type => "FeatureCollection";
}

/// <summary>A route as a GeoJSON LineString, [lon, lat] in JGD2011 degrees (held interleaved, written as positions).</summary>
public sealed record RouteLine([property: System.Text.Json.Serialization.JsonConverter(typeof(CoordinatesJsonConverter))] double[] Coordinates)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Type => "LineString";
}

public sealed record NearestHub(int Id, string Name, string Type, string TypeName, string? Address, double Minutes, double Metres,
    RouteLine? Route, double Lon, double Lat)
{
    /// <summary>What is offered (相談, 居場所 …).</summary>
    public string[] Functions { get; init; } = [];

    /// <summary>Who it is for (誰でも, 高齢者 …).</summary>
    public string[] TargetGroups { get; init; } = [];

    /// <summary>Weekly opening periods (Asia/Tokyo); empty when unknown.</summary>
    public OpeningPeriodView[] OpeningHours { get; init; } = [];

    public string? OpeningNote { get; init; }

    /// <summary>Open at the time of the request; null when the hub has no opening hours.</summary>
    public bool? OpenNow { get; init; }

    public string? Phone { get; init; }

    /// <summary>The route as written steps (depart, a step per change of street, arrive); see <see cref="RouteDirections"/>.</summary>
    public List<RouteStep> Steps { get; init; } = [];
}
