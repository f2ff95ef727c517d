using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Npgsql;

namespace FukushiMap.Server.Tests.Network;

[Collection(ServerCollection.Name)]
public class NetworkApiTests(ServerFixture server)
{
    private static readonly JsonSerializerOptions s_geoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    private static Geometry ReadGeometry(JsonElement e) => JsonSerializer.Deserialize<Geometry>(e.GetRawText(), s_geoJson)!;

    private async Task<(double Lon, double Lat)> UnitPointAsync(string name)
    {
        await using var db = server.Database.CreateContext();
        var p = await db.PopulationUnits.Where(u => u.MunicipalityCode == "35202" && u.Name == name).Select(u => u.Point).SingleAsync();
        return (p.X, p.Y);
    }

    [Fact]
    public async Task NearestHubsAreOrderedByWalkingTimeWithMinutesAtThePaceAndARoute()
    {
        var (lon, lat) = await UnitPointAsync("則貞２丁目");
        var hubs = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={lat}&lon={lon}&pace=60&limit=3");

        Assert.Equal(3, hubs.GetArrayLength());
        var metres = hubs.EnumerateArray().Select(h => h.GetProperty("metres").GetDouble()).ToList();
        Assert.Equal(metres.Order(), metres);
        foreach (var h in hubs.EnumerateArray())
        {
            Assert.Equal(h.GetProperty("metres").GetDouble() / 60, h.GetProperty("minutes").GetDouble(), 0.06);
            var route = (LineString)ReadGeometry(h.GetProperty("route"));
            var hubPoint = new Point(h.GetProperty("lon").GetDouble(), h.GetProperty("lat").GetDouble());
            // Starts where the person is and ends at the hub (both may step onto the street first).
            Assert.True(route.StartPoint.Distance(new Point(lon, lat)) < 0.006);
            Assert.True(route.EndPoint.Distance(hubPoint) < 0.006);
            // A walk is never shorter than the straight line.
            Assert.True(h.GetProperty("metres").GetDouble() + 1 >= await GeodesicMetresAsync(lon, lat, hubPoint.X, hubPoint.Y));
        }
    }

    [Fact]
    public async Task ASlowerPaceFindsTheSameHubsWithMoreMinutes()
    {
        var (lon, lat) = await UnitPointAsync("則貞２丁目");
        var normal = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={lat}&lon={lon}&pace=80&limit=2");
        var slow = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={lat}&lon={lon}&pace=48&limit=2");

        Assert.Equal(normal[0].GetProperty("id").GetInt32(), slow[0].GetProperty("id").GetInt32());
        Assert.Equal(normal[0].GetProperty("metres").GetDouble(), slow[0].GetProperty("metres").GetDouble());
        Assert.True(slow[0].GetProperty("minutes").GetDouble() > normal[0].GetProperty("minutes").GetDouble());
    }

    [Fact]
    public async Task IsochroneBandsNestAndHubsFarFromAnyStreetAreListedNotDropped()
    {
        var iso = await server.Client.GetFromJsonAsync<JsonElement>("/api/isochrones?municipality=35202&minutes=5,10&pace=80");

        var areas = iso.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("properties").GetProperty("minutes").GetDouble(),
                f => ReadGeometry(f.GetProperty("geometry")));
        Assert.Equal([5.0, 10.0], areas.Keys.Order());
        Assert.True(areas[5].Area < areas[10].Area);
        Assert.True(areas[5].Difference(areas[10]).Area < areas[5].Area * 0.01, "the 5-minute area lies inside the 10-minute area");

        // Off-network hubs, as PostGIS sees them: farther than 500 m from every edge of the network.
        await using var conn = new NpgsqlConnection(server.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FROM hubs h WHERE h.municipality_code = '35202' AND h.retired_at IS NULL AND NOT EXISTS (
              SELECT 1 FROM network_edges e JOIN networks n ON n.id = e.network_id
              WHERE n.name = 'ube-walk' AND ST_DWithin(e.geom::geography, h.location::geography, 500))
            """, conn);
        var farFromStreets = (long)(await cmd.ExecuteScalarAsync())!;
        Assert.True(farFromStreets > 0);
        Assert.Equal(farFromStreets, iso.GetProperty("offNetworkHubs").GetArrayLength());
    }

    [Fact]
    public async Task PerHubIsochronesNameTheirHub()
    {
        await using var db = server.Database.CreateContext();
        var ids = await db.Hubs.Where(h => h.MunicipalityCode == "35202").OrderBy(h => h.Id).Select(h => h.Id).ToListAsync();
        var iso = await server.Client.GetFromJsonAsync<JsonElement>(
            $"/api/isochrones?minutes=10&grouping=per-hub&hub_ids={string.Join(',', ids)}");

        var named = iso.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("hubId").GetInt32()).ToList();
        var off = iso.GetProperty("offNetworkHubs").EnumerateArray().Select(h => h.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Order(), named.Concat(off).Order());
    }

    [Theory]
    [InlineData("/api/isochrones?minutes=0")]
    [InlineData("/api/isochrones?minutes=5,abc")]
    [InlineData("/api/isochrones?pace=5")]
    [InlineData("/api/isochrones?grouping=circles")]
    [InlineData("/api/isochrones?hub_types=no-such-type")]
    [InlineData("/api/nearest-hubs?lon=131.27")]
    [InlineData("/api/nearest-hubs?lat=33.94&lon=131.27&limit=500")]
    public async Task BadQueriesGetAJapaneseProblem(string url)
    {
        var response = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches(@"\p{IsHiragana}|\p{IsKatakana}|\p{IsCJKUnifiedIdeographs}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task APointInTheSeaSaysWhereTheServiceCovers()
    {
        // 周防灘, south of 宇部市's coast.
        var response = await server.Client.GetAsync("/api/nearest-hubs?lat=33.80&lon=131.30");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("宇部市", problem.GetProperty("detail").GetString());
    }

    private async Task<double> GeodesicMetresAsync(double lon1, double lat1, double lon2, double lat2)
    {
        await using var conn = new NpgsqlConnection(server.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(@a, @b), 4326)::geography, ST_SetSRID(ST_MakePoint(@c, @d), 4326)::geography)", conn);
        cmd.Parameters.AddWithValue("a", lon1);
        cmd.Parameters.AddWithValue("b", lat1);
        cmd.Parameters.AddWithValue("c", lon2);
        cmd.Parameters.AddWithValue("d", lat2);
        return (double)(await cmd.ExecuteScalarAsync())!;
    }
}
