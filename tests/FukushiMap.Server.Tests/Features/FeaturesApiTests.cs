using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.Features;

[Collection(ServerCollection.Name)]
public class FeaturesApiTests(ServerFixture server)
{
    private static readonly string[] s_collectionIds = ["municipalities", "hubs", "districts", "population-units", "shelters"];

    private HttpClient Client => server.Client;

    // ---- landing page, conformance, OpenAPI ------------------------------------------------------------------------

    [Fact]
    public async Task TheRootAnswersTheLandingPageToAClientThatAsksForJson()
    {
        var landing = await Client.GetJsonAsync("/");

        Assert.False(string.IsNullOrWhiteSpace(landing.GetProperty("title").GetString()));
        foreach (var rel in new[] { "self", "service-desc", "conformance", "data" })
        {
            var href = landing.Link(rel);
            Assert.NotNull(href);
            Assert.StartsWith(server.BaseUrl, href);
        }
        var serviceDesc = landing.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
        Assert.Equal("application/vnd.oai.openapi+json;version=3.0", serviceDesc.GetProperty("type").GetString());
        // Every link the landing page gives answers JSON.
        await Client.GetJsonAsync(landing.Link("conformance")!);
        await Client.GetJsonAsync(landing.Link("data")!);
        await Client.GetJsonAsync(landing.Link("service-desc")!);
    }

    [Fact]
    public async Task TheRootStillGivesABrowserTheMapPage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync());
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task TheFParameterChoosesTheLandingPageOrTheMap()
    {
        using var json = await Client.GetAsync("/?f=json");
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);

        using var html = new HttpRequestMessage(HttpMethod.Get, "/?f=html");
        html.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var htmlResponse = await Client.SendAsync(html);
        Assert.Equal("text/html", htmlResponse.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ConformanceDeclaresCoreGeoJsonAndOas30()
    {
        var conformance = await Client.GetJsonAsync("/conformance");
        var classes = conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();

        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30", classes);
    }

    [Fact]
    public async Task TheOpenApiDocumentIsVersion30AndDescribesTheItemsParameters()
    {
        var api = await Client.GetJsonAsync("/openapi/v1.json");

        Assert.StartsWith("3.0", api.GetProperty("openapi").GetString());
        var paths = api.GetProperty("paths");
        foreach (var path in new[] { "/", "/conformance", "/collections", "/collections/{collectionId}", "/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()), path);
            Assert.Contains("OGC API – Features", get.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        }
        var parameters = paths.GetProperty("/collections/{collectionId}/items").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal("integer", parameters["limit"].GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(10_000, parameters["limit"].GetProperty("schema").GetProperty("maximum").GetInt32());
        Assert.Equal("array", parameters["bbox"].GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains("municipality_code", parameters.Keys);
    }

    // ---- collections -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task CollectionsListsEveryPublicLayerWithItsItemsLinkAndCrs()
    {
        var list = await Client.GetJsonAsync("/collections");
        var collections = list.GetProperty("collections").EnumerateArray().ToList();

        Assert.Equal(s_collectionIds, collections.Select(c => c.GetProperty("id").GetString()));
        foreach (var c in collections)
        {
            var items = c.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "items");
            Assert.Equal("application/geo+json", items.GetProperty("type").GetString());
            Assert.Equal($"{server.BaseUrl}/collections/{c.GetProperty("id").GetString()}/items", items.GetProperty("href").GetString());
            Assert.Contains("http://www.opengis.net/def/crs/OGC/1.3/CRS84", c.GetProperty("crs").EnumerateArray().Select(x => x.GetString()));
            Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/6668", c.GetProperty("storageCrs").GetString());
            Assert.Contains("municipality_code", c.GetProperty("queryables").EnumerateArray().Select(x => x.GetString()));
        }
    }

    [Fact]
    public async Task ACollectionWithDataCarriesItsExtentAndTheCreditLineOfItsDatasets()
    {
        await using var db = server.Database.CreateContext();
        var attributions = await db.Hubs.Where(h => h.RetiredAt == null && h.Dataset != null)
            .Select(h => h.Dataset!.Attribution).Distinct().ToListAsync();
        Assert.NotEmpty(attributions);

        var hubs = await Client.GetJsonAsync("/collections/hubs");

        var attribution = hubs.GetProperty("attribution").GetString()!;
        Assert.All(attributions, a => Assert.Contains(a, attribution));
        var bbox = hubs.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var locations = await db.Hubs.Where(h => h.RetiredAt == null).Select(h => h.Location).ToListAsync();
        Assert.All(locations, p => Assert.InRange(p.X, bbox[0] - 1e-6, bbox[2] + 1e-6));
        Assert.All(locations, p => Assert.InRange(p.Y, bbox[1] - 1e-6, bbox[3] + 1e-6));
    }

    [Fact]
    public async Task AnUnknownCollectionAnswers404ProblemDetails()
    {
        await AssertProblemAsync("/collections/households", HttpStatusCode.NotFound);
        await AssertProblemAsync("/collections/households/items", HttpStatusCode.NotFound);
    }

    // ---- items: counts, acceptance figures, properties -----------------------------------------------------------

    [Theory]
    [InlineData("municipalities")]
    [InlineData("hubs")]
    [InlineData("districts")]
    [InlineData("population-units")]
    [InlineData("shelters")]
    public async Task ItemsOfEachMunicipalityMatchTheDatabaseCount(string collectionId)
    {
        await using var db = server.Database.CreateContext();
        var codes = await MunicipalityCodesAsync(db);
        Assert.NotEmpty(codes);

        foreach (var code in codes)
        {
            var expected = await CountInDatabaseAsync(db, collectionId, code);
            var page = await Client.GetJsonAsync($"/collections/{collectionId}/items?municipality_code={code}&limit=1");
            Assert.True(expected == page.GetProperty("numberMatched").GetInt64(), $"{collectionId} {code}: DB {expected}, API {page.GetProperty("numberMatched")}");
            Assert.Equal(Math.Min(expected, 1), page.GetProperty("numberReturned").GetInt32());
        }
        var all = await Client.GetJsonAsync($"/collections/{collectionId}/items?limit=1");
        Assert.Equal(await CountInDatabaseAsync(db, collectionId, null), all.GetProperty("numberMatched").GetInt64());
    }

    [Fact]
    public async Task UbeHasOneHubForEachOfItsFureaiCentresAndHoukatsuCentres()
    {
        // The reference hubs of 宇部市: the ふれあいセンター of the derived GSI file (one per 校区) and the 10 地域包括支援センター.
        var expected = ReferenceHubCount("35202");

        var page = await Client.GetJsonAsync("/collections/hubs/items?municipality_code=35202&limit=1000");

        Assert.Equal(expected, page.GetProperty("features").GetArrayLength());
        Assert.Equal(expected, page.GetProperty("numberMatched").GetInt64());
        Assert.Equal(expected, page.GetProperty("numberReturned").GetInt32());
        Assert.Null(page.Link("next"));
    }

    /// <summary>The ten seed municipalities of issue 13.</summary>
    public static TheoryData<string> SeedMunicipalities =>
        ["35202", "13123", "14205", "13112", "40202", "27203", "06201", "13111", "14116", "40224"];

    [Theory]
    [MemberData(nameof(SeedMunicipalities))]
    public async Task TheMunicipalityCodeFilterGivesEachSeedCityItsOwnReferenceFeatures(string code)
    {
        var expected = new Dictionary<string, long>
        {
            ["municipalities"] = 1,
            ["hubs"] = ReferenceHubCount(code),
            ["shelters"] = GsiShelterCount(code, "evacuation") + GsiShelterCount(code, "emergency"),
            ["population-units"] = CensusUnitCount(code),
        };
        foreach (var (collection, count) in expected)
        {
            var pages = await Client.GetAllPagesAsync($"/collections/{collection}/items?municipality_code={code}&limit=1000");
            var features = pages.Features().ToList();
            Assert.True(count == features.Count, $"{collection} {code}: 参照データ {count} 件、API {features.Count} 件");
            Assert.All(features, f => Assert.Equal(code, f.Property("municipality_code").GetString()));
        }
    }

    /// <summary>Hubs the reference files give a city: 宇部市's ふれあいセンター and 地域包括支援センター, the others' district hubs.</summary>
    private static long ReferenceHubCount(string code)
    {
        static IEnumerable<JsonElement> Properties(string folder, string file)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestDatabase.RequireDataPath(), folder, file)));
            return json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").Clone()).ToList();
        }
        return code == "35202"
            ? Properties("gsi-designated-shelters", "ube_fureai_centers_24_derived.geojson").Count()
              + Properties("ube-care-services-yamaguchi-opendata", "ube_houkatsu_centers_10.geojson").Count()
            : Properties("gsi-derived-district-hubs", "district_hubs_yamagata_fujisawa_omuta_fukutsu.geojson")
                .Count(p => p.GetProperty("city_code").GetString() == code);
    }

    /// <summary>Features of the GSI file of a city (the files use the six-digit code; 横浜市泉区's says "unavailable").</summary>
    private static long GsiShelterCount(string code, string prefix)
    {
        var file = Directory.GetFiles(Path.Combine(TestDatabase.RequireDataPath(), "gsi-designated-shelters"), $"{prefix}_{code}?.json").Single();
        using var json = JsonDocument.Parse(File.ReadAllBytes(file));
        return json.RootElement.TryGetProperty("features", out var features) ? features.GetArrayLength() : 0;
    }

    /// <summary>
    /// 町丁・字 of a city in the reference census CSV: one per KEY_CODE, without 水面 (HCODE 8154) and without the empty
    /// 抜け地 of another municipality (KIGO_D D1).
    /// </summary>
    private static long CensusUnitCount(string code)
    {
        var lines = File.ReadAllLines(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "estat2015_chome_population_refcities.csv"));
        var header = lines[0].Split(',').Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(r => r[header["KEN"]].PadLeft(2, '0') + r[header["CITY"]].PadLeft(3, '0') == code)
            .Where(r => r[header["HCODE"]] != "8154" && !(r[header["KIGO_D"]] == "D1" && r[header["JINKO"]] == "0"))
            .Select(r => r[header["KEY_CODE"]]).Distinct().LongCount();
    }

    [Fact]
    public async Task UbePopulationUnitsSumToThe2015CensusTotal()
    {
        var pages = await Client.GetAllPagesAsync("/collections/population-units/items?municipality_code=35202&limit=200");

        var total = pages.Features().Sum(f => f.Property("population").GetInt64());

        Assert.Equal(169_429, total);
    }

    [Fact]
    public async Task EveryFeatureCarriesItsMunicipalityCodeAndGeoJsonShape()
    {
        foreach (var id in s_collectionIds)
        {
            var page = await Client.GetJsonAsync($"/collections/{id}/items?limit=50");
            Assert.Equal("FeatureCollection", page.GetProperty("type").GetString());
            Assert.True(DateTimeOffset.TryParse(page.GetProperty("timeStamp").GetString(), out _));
            Assert.NotNull(page.Link("self"));
            Assert.NotNull(page.Link("collection"));
            foreach (var f in page.GetProperty("features").EnumerateArray())
            {
                Assert.Equal("Feature", f.GetProperty("type").GetString());
                Assert.Matches("^[0-9]{5}$", f.Property("municipality_code").GetString());
                Assert.True(f.TryGetProperty("geometry", out _), $"{id}: geometry member");
            }
        }
    }

    [Fact]
    public async Task HubFeaturesCarryTheirTypeDetailsAndCreditLine()
    {
        await using var db = server.Database.CreateContext();
        var hub = await db.Hubs.Include(h => h.HubType).Include(h => h.Dataset)
            .Where(h => h.RetiredAt == null).OrderBy(h => h.Id).FirstAsync();

        var feature = await Client.GetJsonAsync($"/collections/hubs/items/{hub.Id}");

        Assert.Equal(hub.Id, feature.GetProperty("id").GetInt32());
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(hub.Location.X, coordinates[0].GetDouble(), 6);
        Assert.Equal(hub.Location.Y, coordinates[1].GetDouble(), 6);
        Assert.Equal(hub.Name, feature.Property("name").GetString());
        Assert.Equal(hub.HubType!.Key, feature.Property("type").GetString());
        Assert.Equal(hub.HubType.Name, feature.Property("type_name").GetString());
        Assert.Equal(hub.MunicipalityCode, feature.Property("municipality_code").GetString());
        if (hub.Dataset is not null)
        {
            Assert.Equal(hub.Dataset.Attribution, feature.Property("attribution").GetString());
        }
        Assert.Equal($"{server.BaseUrl}/collections/hubs/items/{hub.Id}", feature.Link("self"));
        Assert.Equal($"{server.BaseUrl}/collections/hubs", feature.Link("collection"));
    }

    [Fact]
    public async Task PopulationUnitsCarryPopulationAndKeyCode()
    {
        await using var db = server.Database.CreateContext();
        var unit = await db.PopulationUnits.OrderBy(p => p.Id).FirstAsync();

        var feature = await Client.GetJsonAsync($"/collections/population-units/items/{unit.Id}");

        Assert.Equal(unit.Population, feature.Property("population").GetInt32());
        Assert.Equal(unit.KeyCode, feature.Property("key_code").GetString());
        Assert.Equal(unit.Name, feature.Property("name").GetString());
        Assert.Equal(unit.Households is null, !feature.GetProperty("properties").TryGetProperty("households", out _));
    }

    [Fact]
    public async Task RetiredHubsLeaveThePublicLayer()
    {
        await using var db = server.Database.CreateContext();
        var live = await db.Hubs.Where(h => h.RetiredAt == null).OrderBy(h => h.Id).FirstAsync();
        var retired = new Hub
        {
            MunicipalityCode = live.MunicipalityCode,
            HubTypeId = live.HubTypeId,
            Name = "テスト用の閉鎖した拠点",
            Location = (Point)live.Location.Copy(),
            RetiredAt = DateTimeOffset.UtcNow,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Hubs.Add(retired);
        await db.SaveChangesAsync();
        try
        {
            await AssertProblemAsync($"/collections/hubs/items/{retired.Id}", HttpStatusCode.NotFound);
            var pages = await Client.GetAllPagesAsync($"/collections/hubs/items?municipality_code={live.MunicipalityCode}&limit=1000");
            Assert.DoesNotContain(pages.Features(), f => f.Id() == retired.Id.ToString());
        }
        finally
        {
            db.Hubs.Remove(retired);
            await db.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task FilteringByHubTypeReturnsOnlyThatType()
    {
        await using var db = server.Database.CreateContext();
        var typeKey = await db.Hubs.Where(h => h.RetiredAt == null).Select(h => h.HubType!.Key).FirstAsync();
        var expected = await db.Hubs.CountAsync(h => h.RetiredAt == null && h.HubType!.Key == typeKey);

        var pages = await Client.GetAllPagesAsync($"/collections/hubs/items?type={typeKey}&limit=100");

        Assert.Equal(expected, pages.Features().Count);
        Assert.All(pages.Features(), f => Assert.Equal(typeKey, f.Property("type").GetString()));
    }

    // ---- paging and bbox -------------------------------------------------------------------------------------------

    [Fact]
    public async Task PagingThroughNextLinksVisitsEveryFeatureExactlyOnce()
    {
        await using var db = server.Database.CreateContext();
        var expected = await db.PopulationUnits.Where(p => p.MunicipalityCode == "35202").Select(p => p.Id.ToString()).ToListAsync();
        Assert.True(expected.Count > 37, "ページが複数になるだけの町丁が必要です");

        var pages = await Client.GetAllPagesAsync("/collections/population-units/items?municipality_code=35202&limit=37");
        var ids = pages.Features().Select(f => f.Id()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(expected.Order(), ids.Order());
        Assert.All(pages, p => Assert.Equal(expected.Count, p.GetProperty("numberMatched").GetInt64()));
        Assert.All(pages, p => Assert.Equal(p.GetProperty("features").GetArrayLength(), p.GetProperty("numberReturned").GetInt32()));
        // The filter survives in every next link; the second page links back.
        Assert.All(pages.Skip(1), p => Assert.Contains("municipality_code=35202", p.Link("self")));
        Assert.NotNull(pages[1].Link("prev"));
    }

    [Fact]
    public async Task ABboxReturnsExactlyTheFeaturesInsideIt()
    {
        await using var db = server.Database.CreateContext();
        var points = await db.PopulationUnits.Where(p => p.MunicipalityCode == "35202").Select(p => p.Point).ToListAsync();
        Assert.NotEmpty(points);
        // A box around the middle of 宇部市's units: half the width and height of their extent.
        var all = new Envelope();
        points.ForEach(p => all.ExpandToInclude(p.Coordinate));
        var box = new Envelope(all.Centre.X - all.Width / 4, all.Centre.X + all.Width / 4, all.Centre.Y - all.Height / 4, all.Centre.Y + all.Height / 4);
        var polygon = new GeometryFactory(new PrecisionModel(), 6668).ToGeometry(box);
        var expected = await db.PopulationUnits
            .Where(p => p.Polygon != null ? polygon.Intersects(p.Polygon) : polygon.Intersects(p.Point))
            .Select(p => p.Id.ToString()).ToListAsync();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < await db.PopulationUnits.CountAsync(), "the box must leave some units out");

        var bbox = FormattableString.Invariant($"{box.MinX},{box.MinY},{box.MaxX},{box.MaxY}");
        var pages = await Client.GetAllPagesAsync($"/collections/population-units/items?bbox={bbox}&limit=100");

        Assert.Equal(expected.Order(), pages.Features().Select(f => f.Id()).Order());
    }

    [Fact]
    public async Task ALimitAboveTheMaximumIsClampedNotRefused()
    {
        var page = await Client.GetJsonAsync("/collections/population-units/items?limit=20000");

        Assert.InRange(page.GetProperty("numberReturned").GetInt32(), 1, 10_000);
        if (page.Link("next") is { } next)
        {
            Assert.Contains("limit=10000", next);
        }
    }

    [Fact]
    public async Task WithoutALimitAPageHoldsTenFeatures()
    {
        var page = await Client.GetJsonAsync("/collections/population-units/items");

        Assert.Equal(10, page.GetProperty("numberReturned").GetInt32());
    }

    // ---- errors ----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("bbox=131.2,33.9,131.3")]
    [InlineData("bbox=131.2,33.9,131.3,34.0,5")]
    [InlineData("bbox=a,b,c,d")]
    [InlineData("bbox=131.3,33.9,131.2,34.0")]
    [InlineData("bbox=131.2,34.0,131.3,33.9")]
    [InlineData("bbox=181,33.9,182,34.0")]
    [InlineData("bbox=131.2,-91,131.3,34.0")]
    [InlineData("limit=0")]
    [InlineData("limit=-5")]
    [InlineData("limit=abc")]
    [InlineData("limit=1.5")]
    [InlineData("offset=-1")]
    [InlineData("municipality_code=352")]
    [InlineData("limit=1&limit=2")]
    [InlineData("f=xml")]
    public async Task ABadQueryAnswers400ProblemDetailsInJapanese(string query)
    {
        await AssertProblemAsync($"/collections/hubs/items?{query}", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnUnknownQueryParameterIsRefusedNamingTheAllowedOnes()
    {
        var problem = await AssertProblemAsync("/collections/hubs/items?colour=red", HttpStatusCode.BadRequest);

        Assert.Contains("colour", problem.GetProperty("detail").GetString());
        var allowed = problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("municipality_code", allowed);
        Assert.Contains("type", allowed);
        // A queryable of another collection is unknown here.
        await AssertProblemAsync("/collections/hubs/items?layer=elementary", HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/collections/hubs/items/999999999")]
    [InlineData("/collections/hubs/items/not-a-number")]
    [InlineData("/collections/municipalities/items/99999")]
    public async Task AnUnknownFeatureAnswers404ProblemDetails(string path)
    {
        await AssertProblemAsync(path, HttpStatusCode.NotFound);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private async Task<JsonElement> AssertProblemAsync(string url, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(status == response.StatusCode, $"{url} → {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        Assert.Matches(new Regex(@"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]"), problem.GetProperty("detail").GetString());
        return problem;
    }

    private static async Task<List<string>> MunicipalityCodesAsync(FukushiMapDbContext db)
    {
        var codes = new HashSet<string>();
        codes.UnionWith(await db.Municipalities.Select(m => m.Code).ToListAsync());
        codes.UnionWith(await db.Hubs.Select(h => h.MunicipalityCode).Distinct().ToListAsync());
        codes.UnionWith(await db.Districts.Select(d => d.MunicipalityCode).Distinct().ToListAsync());
        codes.UnionWith(await db.PopulationUnits.Select(p => p.MunicipalityCode).Distinct().ToListAsync());
        codes.UnionWith(await db.Shelters.Select(s => s.MunicipalityCode).Distinct().ToListAsync());
        return codes.Select(c => c.Trim()).Order().ToList();
    }

    private static Task<int> CountInDatabaseAsync(FukushiMapDbContext db, string collectionId, string? code) => collectionId switch
    {
        "municipalities" => db.Municipalities.CountAsync(m => code == null || m.Code == code),
        "hubs" => db.Hubs.CountAsync(h => h.RetiredAt == null && (code == null || h.MunicipalityCode == code)),
        "districts" => db.Districts.CountAsync(d => code == null || d.MunicipalityCode == code),
        "population-units" => db.PopulationUnits.CountAsync(p => code == null || p.MunicipalityCode == code),
        "shelters" => db.Shelters.CountAsync(s => code == null || s.MunicipalityCode == code),
        _ => throw new ArgumentOutOfRangeException(nameof(collectionId)),
    };
}
