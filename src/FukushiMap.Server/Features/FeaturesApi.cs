using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace FukushiMap.Server.Features;

/// <summary>
/// OGC API – Features Part 1 (core, geojson, oas30) over every public layer: municipalities, hubs, districts,
/// population units and shelters. Handlers validate the request and ask <see cref="FeatureCatalog"/>, which holds all SQL.
/// </summary>
public static class FeaturesApi
{
    private const string Tag = "OGC API – Features";

    /// <summary>Where the OpenAPI document is served (FukushiMapApp maps /openapi/{documentName}.json).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddScoped<FeatureCatalog>();
        // oas30: OGC Part 1 and GDAL's OAPIF driver read an OpenAPI 3.0 document (.NET 10 would emit 3.1).
        services.Configure<OpenApiOptions>("v1", o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "福祉マップ API";
                document.Info.Description = "相談・交流拠点、区域、町丁・字別人口、避難所を OGC API – Features（GeoJSON）で提供します。";
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(OpenApiItemsParameters.TransformAsync);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapFeatures(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("").WithTags(Tag).AllowAnonymous();

        // "/" is both the map (browsers) and the landing page (API clients): an endpoint here takes precedence over
        // UseDefaultFiles/UseStaticFiles, which skip requests that matched an endpoint.
        ogc.MapGet("/", GetLandingPage)
            .WithName("getLandingPage")
            .WithSummary("ランディングページ（JSON）または地図（HTML）")
            .WithDescription("Accept: application/json または ?f=json でランディングページを返します。ブラウザーには地図のページを返します。")
            .Produces<LandingPage>(StatusCodes.Status200OK, OgcMediaTypes.Json, OgcMediaTypes.Html)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        ogc.MapMethods("/", [HttpMethods.Head], GetLandingPage).ExcludeFromDescription();

        ogc.MapGet("/conformance", GetConformance)
            .WithName("getConformanceDeclaration")
            .WithSummary("適合クラスの一覧")
            .Produces<ConformanceDeclaration>(StatusCodes.Status200OK, OgcMediaTypes.Json)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        ogc.MapGet("/collections", GetCollectionsAsync)
            .WithName("getCollections")
            .WithSummary("コレクション（地物レイヤー）の一覧")
            .Produces<CollectionList>(StatusCodes.Status200OK, OgcMediaTypes.Json)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        ogc.MapGet("/collections/{collectionId}", GetCollectionAsync)
            .WithName("describeCollection")
            .WithSummary("コレクションの説明（範囲、出典、絞り込みに使える属性）")
            .Produces<CollectionDocument>(StatusCodes.Status200OK, OgcMediaTypes.Json)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        ogc.MapGet("/collections/{collectionId}/items", GetItemsAsync)
            .WithName("getFeatures")
            .WithSummary("コレクションの地物（GeoJSON、ページ送りあり）")
            .WithDescription("bbox、limit、offset と属性の一致（municipality_code ほか各コレクションの queryables）で絞り込みます。")
            .Produces<FeatureCollectionShape>(StatusCodes.Status200OK, OgcMediaTypes.GeoJson)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        ogc.MapGet("/collections/{collectionId}/items/{featureId}", GetFeatureAsync)
            .WithName("getFeature")
            .WithSummary("1件の地物（GeoJSON）")
            .Produces<FeatureShape>(StatusCodes.Status200OK, OgcMediaTypes.GeoJson)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static IResult GetLandingPage(HttpContext http, IWebHostEnvironment environment)
    {
        http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        if (!ContentNegotiation.PrefersJson(http.Request))
        {
            var index = environment.WebRootFileProvider.GetFileInfo("index.html");
            if (!index.Exists)
            {
                throw FukushiMapError.NotFound("not-found", "地図のページ（index.html）が見つかりません。");
            }
            var etag = new EntityTagHeaderValue($"\"{index.LastModified.UtcTicks:x}{index.Length:x}\"");
            return TypedResults.Stream(index.CreateReadStream(), "text/html; charset=utf-8", lastModified: index.LastModified, entityTag: etag);
        }
        RejectUnknownParameters(http.Request.Query);
        var b = BaseUrl(http.Request);
        return TypedResults.Json(new LandingPage(
            "福祉マップ OGC API – Features",
            "誰でも立ち寄れる相談・交流拠点と、区域・町丁・字別人口・避難所を GeoJSON で提供します。データごとの出典は各コレクションと地物の attribution を表示してください。",
            [
                new($"{b}/?f=json", "self", OgcMediaTypes.Json, "このページ"),
                new($"{b}/", "alternate", OgcMediaTypes.Html, "地図"),
                new($"{b}{OpenApiPath}", "service-desc", OgcMediaTypes.OpenApi30, "API の定義（OpenAPI 3.0）"),
                new($"{b}/conformance", "conformance", OgcMediaTypes.Json, "適合クラス"),
                new($"{b}/collections", "data", OgcMediaTypes.Json, "コレクションの一覧"),
            ]), contentType: OgcMediaTypes.Json);
    }

    private static JsonHttpResult<ConformanceDeclaration> GetConformance(HttpRequest request)
    {
        RejectUnknownParameters(request.Query);
        return TypedResults.Json(new ConformanceDeclaration([OgcUris.Core, OgcUris.GeoJson, OgcUris.Oas30]), contentType: OgcMediaTypes.Json);
    }

    private static async Task<JsonHttpResult<CollectionList>> GetCollectionsAsync(HttpRequest request, FeatureCatalog catalog, CancellationToken ct)
    {
        RejectUnknownParameters(request.Query);
        var b = BaseUrl(request);
        var summaries = await catalog.SummariseAsync(FeatureCatalog.Collections, ct);
        var documents = FeatureCatalog.Collections.Zip(summaries, (c, s) => Describe(b, c, s)).ToList();
        return TypedResults.Json(new CollectionList([new($"{b}/collections", "self", OgcMediaTypes.Json, "コレクションの一覧")], documents),
            contentType: OgcMediaTypes.Json);
    }

    private static async Task<JsonHttpResult<CollectionDocument>> GetCollectionAsync(
        string collectionId, HttpRequest request, FeatureCatalog catalog, CancellationToken ct)
    {
        var collection = FindCollection(collectionId);
        RejectUnknownParameters(request.Query);
        var summaries = await catalog.SummariseAsync([collection], ct);
        return TypedResults.Json(Describe(BaseUrl(request), collection, summaries[0]), contentType: OgcMediaTypes.Json);
    }

    private static async Task<FeatureCollectionResult> GetItemsAsync(
        string collectionId,
        [AsParameters] ItemsParameters documented, // for the OpenAPI document; the query is validated by ItemsRequest.Parse
        HttpRequest request,
        FeatureCatalog catalog,
        CancellationToken ct)
    {
        _ = documented;
        var collection = FindCollection(collectionId);
        var items = ItemsRequest.Parse(collection, request.Query);
        var matched = await catalog.CountAsync(collection, items.Filter, ct);

        var b = BaseUrl(request);
        var itemsUrl = $"{b}/collections/{collection.Id}/items";
        var links = new List<OgcLink>
        {
            new(itemsUrl + request.QueryString, "self", OgcMediaTypes.GeoJson, "このページ"),
            new($"{b}/collections/{collection.Id}", "collection", OgcMediaTypes.Json, collection.Title),
        };
        if (items.Offset + items.Limit < matched)
        {
            links.Add(new(itemsUrl + PageQuery(request.Query, items.Limit, items.Offset + items.Limit), "next", OgcMediaTypes.GeoJson, "次のページ"));
        }
        if (items.Offset > 0)
        {
            links.Add(new(itemsUrl + PageQuery(request.Query, items.Limit, Math.Max(0, items.Offset - items.Limit)), "prev", OgcMediaTypes.GeoJson, "前のページ"));
        }
        return new FeatureCollectionResult(catalog, collection, items, matched, links);
    }

    private static async Task<FeatureResult> GetFeatureAsync(
        string collectionId, string featureId, HttpRequest request, FeatureCatalog catalog, CancellationToken ct)
    {
        var collection = FindCollection(collectionId);
        RejectUnknownParameters(request.Query);
        var row = await catalog.FindAsync(collection, featureId, ct)
            ?? throw FukushiMapError.NotFound("feature-not-found",
                $"コレクション「{collection.Id}」に ID「{featureId}」の地物はありません。");
        var b = BaseUrl(request);
        return new FeatureResult(row,
        [
            new($"{b}/collections/{collection.Id}/items/{Uri.EscapeDataString(featureId)}", "self", OgcMediaTypes.GeoJson, "この地物"),
            new($"{b}/collections/{collection.Id}", "collection", OgcMediaTypes.Json, collection.Title),
        ]);
    }

    private static CollectionDocument Describe(string b, FeatureCollectionDefinition c, CollectionSummary summary) => new(
        c.Id,
        c.Title,
        c.Description,
        [
            new($"{b}/collections/{c.Id}", "self", OgcMediaTypes.Json, c.Title),
            new($"{b}/collections/{c.Id}/items", "items", OgcMediaTypes.GeoJson, c.Title + "（GeoJSON）"),
        ],
        summary.Bbox is { } bbox ? new CollectionExtent(new SpatialExtent([bbox], OgcUris.Crs84)) : null,
        "feature",
        [OgcUris.Crs84],
        OgcUris.Jgd2011,
        summary.Attributions.Count > 0 ? string.Join(" / ", summary.Attributions) : null,
        c.Queryables.Select(q => q.Name).ToList());

    private static FeatureCollectionDefinition FindCollection(string collectionId) =>
        FeatureCatalog.Find(collectionId) ?? throw FukushiMapError.NotFound("collection-not-found",
            $"コレクション「{collectionId}」はありません。使えるのは {string.Join(", ", FeatureCatalog.Collections.Select(c => c.Id))} です。");

    /// <summary>Scheme, host and path base of this request: links are absolute, as OGC clients expect.</summary>
    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>The request's query with limit and offset set: every other parameter (filters, bbox) is kept.</summary>
    private static string PageQuery(IQueryCollection query, int limit, long offset)
    {
        var builder = new QueryBuilder();
        foreach (var (key, values) in query)
        {
            if (key is not ("limit" or "offset"))
            {
                builder.Add(key, values.ToArray()!);
            }
        }
        builder.Add("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.Add("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return builder.ToQueryString().Value!;
    }

    /// <summary>Metadata endpoints take only <c>f=json</c>.</summary>
    private static void RejectUnknownParameters(IQueryCollection query)
    {
        foreach (var key in query.Keys)
        {
            if (key != "f")
            {
                throw FukushiMapError.Invalid("invalid-parameter",
                    $"パラメーター「{key}」はここでは使えません。使えるのは f（json）だけです。",
                    new Dictionary<string, object?> { ["parameter"] = key });
            }
        }
        ItemsRequest.ParseFormat(query);
    }
}

/// <summary>Chooses between the map page and the landing page JSON at "/".</summary>
internal static class ContentNegotiation
{
    /// <summary>
    /// True for <c>?f=json</c>, or when the Accept header names JSON with a higher quality than HTML
    /// (GDAL and OGC clients send <c>Accept: application/json</c>; browsers send text/html first; <c>*/*</c> gets the map).
    /// </summary>
    public static bool PrefersJson(HttpRequest request)
    {
        if (request.Query.TryGetValue("f", out var f))
        {
            return f.ToString().ToLowerInvariant() switch
            {
                "json" => true,
                "html" => false,
                _ => throw FukushiMapError.Invalid("invalid-parameter",
                    $"形式「{f}」には対応していません。f=json（ランディングページ）か f=html（地図）を指定してください。",
                    new Dictionary<string, object?> { ["parameter"] = "f" }),
            };
        }
        double json = 0, html = 0;
        foreach (var media in request.GetTypedHeaders().Accept)
        {
            var quality = media.Quality ?? 1;
            var type = media.MediaType.Value?.ToLowerInvariant();
            if (type is OgcMediaTypes.Json or OgcMediaTypes.GeoJson)
            {
                json = Math.Max(json, quality);
            }
            else if (type is OgcMediaTypes.Html or "application/xhtml+xml")
            {
                html = Math.Max(html, quality);
            }
        }
        return json > 0 && json > html;
    }
}
