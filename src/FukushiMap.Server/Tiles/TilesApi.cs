using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FukushiMap.Server.Tiles;

/// <summary>The base map as vector tiles (<c>/tiles/base/{z}/{x}/{y}.pbf</c>) and its TileJSON, for the pages and for QGIS.</summary>
public static class TilesApi
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";

    /// <summary>Credits of what the base map draws (roads: OSM; 町丁: e-Stat; boundaries, shelters: 国土数値情報).</summary>
    public const string Attribution = "© OpenStreetMap contributors ｜ 政府統計の総合窓口(e-Stat) ｜ 国土数値情報（国土交通省）";

    public static IServiceCollection AddTiles(this IServiceCollection services)
    {
        services.AddSingleton<BaseMapTileCache>();
        services.AddScoped<BaseMapTiles>();
        return services;
    }

    public static IEndpointRouteBuilder MapTiles(this IEndpointRouteBuilder app)
    {
        var tiles = app.MapGroup("/tiles").WithTags("背景地図").AllowAnonymous();

        tiles.MapGet("/base/{z:int}/{x:int}/{y:int}.pbf", GetTileAsync)
            .WithName("GetBaseMapTile")
            .WithSummary("FukushiMap の道路地図（Mapbox Vector Tile 2.1。レイヤー roads, boundaries, places）")
            .Produces(StatusCodes.Status200OK, contentType: ContentType);

        tiles.MapGet("/base.json", GetTileJsonAsync)
            .WithName("GetBaseMapTileJson")
            .WithSummary("道路地図の TileJSON 3.0（範囲、ズーム、レイヤーと属性、出典）");

        return app;
    }

    internal static async Task<Results<FileContentHttpResult, NoContent, StatusCodeHttpResult, NotFound>> GetTileAsync(
        [Description("ズーム（0〜15）")] int z, int x, int y, HttpContext http, BaseMapTiles tiles, CancellationToken ct)
    {
        if (z < BaseMapTiles.MinZoom || z > BaseMapTiles.MaxZoom || x < 0 || y < 0 || x >= 1 << z || y >= 1 << z)
        {
            return TypedResults.NotFound();
        }
        var tile = await tiles.GetAsync(z, x, y, ct);
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = EntityTagHeaderValue.Parse(tile.ETag);
        // Short: a hub edited on another page shows after a minute at most, and revalidation is a cheap 304.
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromSeconds(60) };
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(e => e.Tag == tile.ETag || e.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        // Nothing here: 204, which QGIS, GDAL and the page's plug-in all read as an empty tile.
        return tile.Body.Length == 0 ? TypedResults.NoContent() : TypedResults.File(tile.Body, ContentType);
    }

    internal static async Task<Ok<TileJson>> GetTileJsonAsync(HttpContext http, BaseMapTiles tiles, CancellationToken ct)
    {
        var b = await tiles.BoundsAsync(ct) ?? [122.9, 24.0, 146.0, 45.6];
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return TypedResults.Ok(new TileJson(
            TileJsonVersion: "3.0.0",
            Name: "FukushiMap 道路地図",
            Description: "歩行ネットワークの道路（名前・種別）、市区町村と区域の境界、町丁・字、拠点、避難所の名前",
            Attribution: Attribution,
            Scheme: "xyz",
            Tiles: [$"{root}/tiles/base/{{z}}/{{x}}/{{y}}.pbf"],
            MinZoom: BaseMapTiles.MinZoom,
            MaxZoom: BaseMapTiles.MaxZoom,
            Bounds: b,
            Center: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 13],
            VectorLayers:
            [
                new("roads", "歩行ネットワークの道（highway は最も主な種別。z8 以下は国道・主要道路、z9–10 は県道・tertiary まで、z11 は unclassified まで、z12 は生活道路まで、z13 以上はすべて。z10 以下は同じ種別・名前の道を一本の線につなぐ）", BaseMapTiles.MinZoom, BaseMapTiles.MaxZoom,
                    new() { ["name"] = "String", ["highway"] = "String" }),
                new("boundaries", "市区町村の境界（kind = municipality）と区域（kind = 区域の種類、layer = 区域レイヤー名、z10 以上）", BaseMapTiles.MinZoom, BaseMapTiles.MaxZoom,
                    new() { ["name"] = "String", ["kind"] = "String", ["layer"] = "String" }),
                new("places", "名前の位置：municipality, district, chome（町丁・字）, hub（拠点）, shelter（避難所）", BaseMapTiles.MinZoom, BaseMapTiles.MaxZoom,
                    new() { ["name"] = "String", ["kind"] = "String", ["rank"] = "Number" }),
            ]));
    }

    /// <summary>TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec).</summary>
    public sealed record TileJson(
        [property: System.Text.Json.Serialization.JsonPropertyName("tilejson")] string TileJsonVersion,
        string Name, string Description, string Attribution, string Scheme, string[] Tiles,
        [property: System.Text.Json.Serialization.JsonPropertyName("minzoom")] int MinZoom,
        [property: System.Text.Json.Serialization.JsonPropertyName("maxzoom")] int MaxZoom,
        double[] Bounds, double[] Center,
        [property: System.Text.Json.Serialization.JsonPropertyName("vector_layers")] VectorLayer[] VectorLayers);

    public sealed record VectorLayer(
        string Id, string Description,
        [property: System.Text.Json.Serialization.JsonPropertyName("minzoom")] int MinZoom,
        [property: System.Text.Json.Serialization.JsonPropertyName("maxzoom")] int MaxZoom,
        Dictionary<string, string> Fields);
}
