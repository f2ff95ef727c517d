using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Tests.Features;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.Tiles;

/// <summary>The base map's vector tiles over the real PostGIS and reference data, read back by GDAL as QGIS would.</summary>
[Collection(ServerCollection.Name)]
public partial class BaseMapTilesTests(ServerFixture server, ITestOutputHelper output)
{
    // 宇部新川駅, the centre of 宇部市's 市街地 (inside the walking network).
    private const double CentreLon = 131.2466, CentreLat = 33.9497;

    /// <summary>The XYZ tile holding a lon/lat at zoom z (Web Mercator).</summary>
    public static (int X, int Y) TileAt(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    private static string TilePath(int z = 15)
    {
        var (x, y) = TileAt(CentreLon, CentreLat, z);
        return $"/tiles/base/{z}/{x}/{y}.pbf";
    }

    [RequiresOgrinfoFact]
    public async Task AZ15TileOverUbesCentreHoldsNamedRoadsBoundariesAndPlacesThatGdalReads()
    {
        var clock = Stopwatch.StartNew();
        var response = await server.Client.GetAsync(TilePath());
        var body = await response.Content.ReadAsByteArrayAsync();
        output.WriteLine($"z15 tile {TilePath()}: {body.Length:N0} bytes in {clock.ElapsedMilliseconds} ms (first cut)");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);

        // Saved under z/x/y so GDAL's MVT driver places it; read as QGIS's GDAL would.
        var dir = Directory.CreateTempSubdirectory("fukushimap-tile-");
        var (x, y) = TileAt(CentreLon, CentreLat, 15);
        var file = Path.Combine(dir.FullName, "15", x.ToString(), $"{y}.pbf");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, body);
        var (exitCode, text) = await Ogrinfo.RunAsync("-ro", "-al", "MVT:" + file);
        Assert.True(exitCode == 0, text);

        var counts = LayerCount().Matches(text).ToDictionary(m => m.Groups["layer"].Value, m => int.Parse(m.Groups["count"].Value));
        Assert.True(counts.GetValueOrDefault("roads") > 10, text[..Math.Min(text.Length, 4000)]);
        Assert.True(counts.GetValueOrDefault("boundaries") > 0, "no boundaries");
        Assert.True(counts.GetValueOrDefault("places") > 0, "no places");

        var roadNames = RoadName().Matches(text).Select(m => m.Groups["name"].Value.Trim()).Where(n => n.Length > 0).ToHashSet();
        Assert.NotEmpty(roadNames);
        Assert.Matches(@"highway \(String\) = \w+", text);
        Assert.Contains(ChomeOrHubName().Matches(text), m => m.Groups["kind"].Value is "chome" or "hub");
        output.WriteLine("roads named: " + string.Join("、", roadNames.Take(12)));
    }

    [Fact]
    public async Task AnUnchangedTileAnswers304ToItsETagAndCachesBriefly()
    {
        var first = await server.Client.GetAsync(TilePath());
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl?.MaxAge > TimeSpan.Zero);

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, TilePath());
        request.Headers.IfNoneMatch.Add(etag);
        var again = await server.Client.SendAsync(request);
        output.WriteLine($"revalidation: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);
    }

    [Fact]
    public async Task AHubAddedChangesTheTileAndItsETag()
    {
        var before = await server.Client.GetAsync(TilePath());
        var beforeBody = await before.Content.ReadAsByteArrayAsync();
        const string name = "タイル確認用の仮の拠点";
        int id;
        await using (var db = server.Database.CreateContext())
        {
            var type = await db.HubTypes.SingleAsync(t => t.Key == "fureai-center");
            var hub = new Hub
            {
                MunicipalityCode = "35202", HubTypeId = type.Id, Name = name,
                Location = new Point(CentreLon + 0.0005, CentreLat + 0.0005) { SRID = 6668 },
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Hubs.Add(hub);
            await db.SaveChangesAsync();
            id = hub.Id;
        }
        try
        {
            // Another connection changed the data: the server hears of it by notification, within seconds (here: milliseconds).
            var after = await WithinSecondsAsync(before.Headers.ETag!, r => r.StatusCode != HttpStatusCode.NotModified);

            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
            var afterBody = await after.Content.ReadAsByteArrayAsync();
            Assert.NotEqual(beforeBody, afterBody);
            // The name travels as a string value in the places layer.
            Assert.Contains(name, System.Text.Encoding.UTF8.GetString(afterBody));
        }
        finally
        {
            await using var db = server.Database.CreateContext();
            await db.Hubs.Where(h => h.Id == id).ExecuteDeleteAsync();
        }
        var restored = await WithinSecondsAsync(null, r => Equals(r.Headers.ETag, before.Headers.ETag));
        Assert.Equal(before.Headers.ETag, restored.Headers.ETag);
    }

    /// <summary>The tile, asked again every 50 ms until <paramref name="done"/> (at most 5 s: the server hears of changes by notification).</summary>
    private async Task<HttpResponseMessage> WithinSecondsAsync(System.Net.Http.Headers.EntityTagHeaderValue? ifNoneMatch, Func<HttpResponseMessage, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, TilePath());
            if (ifNoneMatch is not null)
            {
                request.Headers.IfNoneMatch.Add(ifNoneMatch);
            }
            var response = await server.Client.SendAsync(request);
            if (done(response) || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                return response;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AnEmptyTileIs204AndZoomsOutsideTheRangeAre404()
    {
        // The Pacific south of 宇部: nothing to draw.
        var (x, y) = TileAt(131.25, 30.0, 12);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.GetAsync($"/tiles/base/12/{x}/{y}.pbf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/tiles/base/16/0/0.pbf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/tiles/base/3/9/0.pbf")).StatusCode);
    }

    [Fact]
    public async Task TileJsonDescribesTheLayersBoundsAndCredits()
    {
        var json = await server.Client.GetJsonAsync("/tiles/base.json");

        Assert.Equal("3.0.0", json.GetProperty("tilejson").GetString());
        Assert.EndsWith("/tiles/base/{z}/{x}/{y}.pbf", json.GetProperty("tiles")[0].GetString());
        Assert.Equal(15, json.GetProperty("maxzoom").GetInt32());
        Assert.Contains("© OpenStreetMap contributors", json.GetProperty("attribution").GetString());
        Assert.Contains("e-Stat", json.GetProperty("attribution").GetString());
        var layers = json.GetProperty("vector_layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Equal(["roads", "boundaries", "places"], layers);
        var bounds = json.GetProperty("bounds").EnumerateArray().Select(b => b.GetDouble()).ToArray();
        Assert.InRange(CentreLon, bounds[0], bounds[2]);
        Assert.InRange(CentreLat, bounds[1], bounds[3]);
    }

    [GeneratedRegex(@"^Layer name: (?<layer>\S+)$(?:(?!^Layer name:).)*?^Feature Count: (?<count>\d+)$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex LayerCount();

    [GeneratedRegex(@"^OGRFeature\(roads\):\d+\s*$(?:(?!^OGRFeature).)*?^\s*name \(String\) = (?<name>[^\r\n]+)$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex RoadName();

    [GeneratedRegex(@"^\s*kind \(String\) = (?<kind>\w+)$", RegexOptions.Multiline)]
    private static partial Regex ChomeOrHubName();
}
