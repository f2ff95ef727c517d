using FukushiMap.Analysis.Parameters;
using System.ComponentModel;
using System.Globalization;
using FukushiMap.Analysis;
using FukushiMap.Analysis.Hubs;
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
    /// <summary>Route vertices closer than this to the simplified line are dropped (metres; invisible at street zoom).</summary>
    public const double RouteToleranceMetres = 0.5;


    public static IEndpointRouteBuilder MapNetwork(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("歩行ネットワーク").AllowAnonymous();
        api.MapGet("/isochrones", GetIsochronesAsync).WithName("GetIsochrones")
            .WithSummary("拠点から歩いて○分の範囲（等時間圏）を GeoJSON で返す");
        api.MapGet("/nearest-hubs", GetNearestHubsAsync).WithName("GetNearestHubs")
            .WithSummary("地点から歩いて近い順に拠点を返す（分・m・経路）");
        return app;
    }

    public sealed record IsochroneQuery
    {
        [Description("市区町村コード（JIS X 0402、5桁）")] [DefaultValue("35202")]
        public string? Municipality { get; init; }

        [Description("分（カンマ区切り、例: 5,10,15）")] [DefaultValue("10")]
        public string? Minutes { get; init; }

        [Description("歩く速さ（m/分）: 80 ふつう, 60 ゆっくり, 48 休み休み")] [DefaultValue(80.0)]
        public double? Pace { get; init; }

        [Description("拠点の種類のキー（カンマ区切り）。省略時はすべて")] [FromQuery(Name = "hub_types")]
        public string? HubTypes { get; init; }

        [Description("拠点 id（カンマ区切り）。省略時は種類で選んだすべて")] [FromQuery(Name = "hub_ids")]
        public string? HubIds { get; init; }

        [Description("dissolved（合わせる）, per-hub（拠点ごと）, nearest（最寄りで分ける）")] [DefaultValue("dissolved")]
        public string? Grouping { get; init; }

        [Description("道路から歩いて出られる幅（m）")] [DefaultValue(40.0)] [FromQuery(Name = "walk_off")]
        public double? WalkOff { get; init; }
    }

    internal static async Task<Ok<IsochroneCollection>> GetIsochronesAsync([AsParameters] IsochroneQuery query, HubCatalogue hubCatalogue,
        NetworkCatalog catalog, HeavyAnalysisGate gate, CancellationToken ct)
    {
        var municipality = Parse.Municipality(query.Municipality);
        var minutes = Parse.MinutesList(query.Minutes);
        var pace = Parse.Pace(query.Pace);
        var grouping = query.Grouping switch
        {
            null or "" or "dissolved" => IsochroneGrouping.Dissolved,
            "per-hub" => IsochroneGrouping.PerSource,
            "nearest" => IsochroneGrouping.NearestSource,
            _ => throw FukushiMapError.Invalid("invalid-grouping", "grouping は dissolved・per-hub・nearest のどれかです。"),
        };
        var walkOff = query.WalkOff ?? 40;
        if (!double.IsFinite(walkOff) || walkOff is < 0 or > 200)
        {
            throw FukushiMapError.Invalid("invalid-walk-off", "walk_off は 0〜200 m で指定してください。");
        }
        var city = await RequireCityAsync(catalog, municipality, ct);
        var hubs = await HubSources.LoadAsync(hubCatalogue, municipality, query.HubTypes, Parse.Ids(query.HubIds), ct);
        if (hubs.Count > Limits.MaxHubs)
        {
            throw FukushiMapError.Invalid("too-many-hubs", $"一度に扱える拠点は {Limits.MaxHubs} か所までです。");
        }
        if (city.IsStraightLine)
        {
            // No network data in the city: discs of minutes × pace round every hub, labelled as straight-line distance.
            var projector = city.Loaded.Projector;
            var points = hubs.Select(h => { var (x, y) = projector.ToPlane(h.Lon, h.Lat); return new Coordinate(x, y); }).ToList();
            var discs = StraightLineIsochrones.Build(points, minutes, pace, grouping, projector.PlaneFactory, ct);
            return TypedResults.Ok(new IsochroneCollection([.. discs.OrderByDescending(i => i.WalkMinutes).Select(iso =>
            {
                var hub = iso.SourceIndex >= 0 ? hubs[iso.SourceIndex] : null;
                return new IsochroneFeature(city.ToLonLat(iso.Area), new IsochroneProperties(iso.WalkMinutes, Math.Round(iso.WalkMetres, 1),
                    pace.SpeedMetresPerMinute, hub?.Id, hub?.Name) { Distance = DistanceKinds.StraightLine, DistanceLabel = DistanceKinds.StraightLineLabel });
            })], city.Loaded.Network.Name, [], null) { Distance = DistanceKinds.StraightLine, DistanceLabel = DistanceKinds.StraightLineLabel });
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
            offNetwork.Select(h => new OffNetworkHub(h.Hub.Id, h.Hub.Name, double.IsFinite(h.Snap.SnapMetres) ? Math.Round(h.Snap.SnapMetres) : null)).ToList(),
            "© OpenStreetMap contributors"));
    }

    public sealed record NearestQuery
    {
        [Description("緯度")]
        public double? Lat { get; init; }

        [Description("経度")]
        public double? Lon { get; init; }

        [Description("歩く速さ（m/分）")] [DefaultValue(80.0)]
        public double? Pace { get; init; }

        [Description("件数（1〜20）")] [DefaultValue(5)]
        public int? Limit { get; init; }

        [Description("拠点の種類のキー（カンマ区切り）")] [FromQuery(Name = "hub_types")]
        public string? HubTypes { get; init; }

        [Description("最長の徒歩時間（分）")] [DefaultValue(60.0)] [FromQuery(Name = "max_minutes")]
        public double? MaxMinutes { get; init; }

        [Description("市区町村コード（省略時は地点から判定）")]
        public string? Municipality { get; init; }

        [Description("機能（カンマ区切り、どれかがあれば可。例: 相談,居場所）")]
        public string? Functions { get; init; }

        [Description("対象（カンマ区切り、どれかがあれば可。「誰でも」の拠点はどの対象にも入る）")]
        public string? Targets { get; init; }

        [Description("true なら今開いている拠点だけ（開館時間の情報がない拠点は入らない）")] [FromQuery(Name = "open_now")]
        public bool? OpenNow { get; init; }

        [Description("拠点 id（カンマ区切り）。その中から近い順に")] [FromQuery(Name = "hub_ids")]
        public string? HubIds { get; init; }
    }

    internal static async Task<Ok<List<NearestHub>>> GetNearestHubsAsync([AsParameters] NearestQuery query, NearestHubsIndex index,
        NetworkCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var (lon, lat) = Parse.Point(query.Lon, query.Lat);
        var pace = Parse.Pace(query.Pace);
        var limit = query.Limit ?? 5;
        if (limit is < 1 or > Limits.MaxNearest)
        {
            throw FukushiMapError.Invalid("invalid-limit", $"limit は 1〜{Limits.MaxNearest} で指定してください。");
        }
        var maxMinutes = Parse.Minutes(query.MaxMinutes, fallback: 60, max: Limits.MaxNearestMinutes, name: "max_minutes");
        var municipality = query.Municipality is { Length: > 0 } m ? Parse.Municipality(m) : await index.MunicipalityAtAsync(lon, lat, ct);
        // Where there is no network data (a city without a network, or a point beyond every street of it) the answer is by straight line.
        var city = await RequireCityAsync(catalog, municipality, ct);
        var from = city.Snap(lon, lat);
        var snapshot = await index.HubsAsync(municipality, city, ct);
        var localTime = HubFactsView.TokyoTime(clock.GetUtcNow());
        var selected = snapshot.Select(query.HubTypes, Parse.Ids(query.HubIds), Parse.Words(query.Functions), Parse.Words(query.Targets),
            query.OpenNow == true, localTime, includeOffNetwork: !from.IsOnNetwork);
        if (selected.Count == 0)
        {
            return TypedResults.Ok(new List<NearestHub>());
        }
        var maxMetres = pace.MinutesToMetres(maxMinutes);
        NearestHub Answer(SnappedHub found, double metres, RouteLine? route) => new(found.Hub.Id, found.Hub.Name, found.TypeKey, found.TypeName,
            found.Hub.Address, Math.Round(pace.MetresToMinutes(metres), 1), Math.Round(metres), route, found.Hub.Location.X, found.Hub.Location.Y)
        {
            Functions = found.Facts.Functions,
            TargetGroups = found.Facts.TargetGroups,
            OpeningHours = found.Facts.OpeningHours,
            OpeningNote = found.Facts.OpeningNote,
            OpenNow = found.OpenAt(localTime),
            Phone = found.Facts.Phone,
        };
        if (!from.IsOnNetwork)
        {
            return TypedResults.Ok(snapshot.NearestStraightLine(lon, lat, selected, limit, maxMetres)
                .Select(f => Answer(f.Hub, f.Metres, null) with { Distance = DistanceKinds.StraightLine, DistanceLabel = DistanceKinds.StraightLineLabel })
                .ToList());
        }
        var list = snapshot.Nearest(from, selected, limit, maxMetres, ct).Select(f => Answer(f.Hub, f.Metres,
                f.Path.Count >= 2 ? new RouteLine(RouteSimplifier.ToLonLatFlat(f.Path, RouteToleranceMetres, snapshot.Data.Grid)) : null)
            with { Steps = RouteDirections.For(f.Path, city.Loaded) }).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Tolerance (m) to which isochrone outlines are straightened for the map: within the walk-off convention's own roughness.</summary>
    public const double DisplaySimplifyMetres = 3;

    /// <summary>
    /// The engine traces areas on a 5 m raster, so outlines are staircases with many vertices; straightening them by a few metres
    /// makes responses several times smaller without a visible change.
    /// </summary>
    private static Geometry ForDisplay(Geometry plane) =>
        NetTopologySuite.Simplify.DouglasPeuckerSimplifier.Simplify(plane, DisplaySimplifyMetres);

    /// <summary>The city's live network, or its straight-line stand-in; an unknown municipality is a 404.</summary>
    private static async Task<CityNetwork> RequireCityAsync(NetworkCatalog catalog, string municipality, CancellationToken ct) =>
        await catalog.GetOrStraightLineAsync(municipality, ct)
        ?? throw FukushiMapError.NotFound("unknown-municipality", $"市区町村コード {municipality} の市区町村は取り込まれていません。");
}

public sealed record IsochroneProperties(double Minutes, double Metres, double Pace, int? HubId, string? HubName)
{
    /// <summary><c>walking</c> or <c>straight-line</c> (a disc: the city has no network data).</summary>
    public string Distance { get; init; } = DistanceKinds.Walking;
    public string DistanceLabel { get; init; } = DistanceKinds.WalkingLabel;
}

public sealed record IsochroneFeature(Geometry Geometry, IsochroneProperties Properties)
{
    public string Type => "Feature";
}

public sealed record OffNetworkHub(int Id, string Name, double? SnapMetres);

public sealed record IsochroneCollection(List<IsochroneFeature> Features, string Network, List<OffNetworkHub> OffNetworkHubs, string? Attribution)
{
    public string Type => "FeatureCollection";

    /// <summary><c>walking</c>, or <c>straight-line</c> when the city has no network data.</summary>
    public string Distance { get; init; } = DistanceKinds.Walking;
    public string DistanceLabel { get; init; } = DistanceKinds.WalkingLabel;
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

    /// <summary><c>walking</c> (along the network) or <c>straight-line</c> (no network data where the search starts: no route).</summary>
    public string Distance { get; init; } = DistanceKinds.Walking;

    /// <summary>How the distance was measured, as every screen and print shows it.</summary>
    public string DistanceLabel { get; init; } = DistanceKinds.WalkingLabel;
}

/// <summary>How a distance was measured, as the API states it next to every figure.</summary>
public static class DistanceKinds
{
    public const string Walking = "walking";
    public const string StraightLine = "straight-line";
    public const string WalkingLabel = FukushiMap.Analysis.Cities.CityNetwork.WalkingLabel;
    public const string StraightLineLabel = FukushiMap.Analysis.Cities.CityNetwork.StraightLineLabel;
}
