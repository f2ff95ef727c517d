using System.Text.Json;
using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Siting;

/// <summary>
/// 福津市 has no walking network: siting still answers, by straight line from the 町丁・字's representative points, labelled
/// 「直線距離（道路データなし）」 in the answer, the CSV, the GeoJSON and the method; the covered people are recomputed here
/// from the census points, the hubs and the chosen sites.
/// </summary>
[Collection(ServerCollection.Name)]
public class StraightLineSitingTests(ServerFixture server)
{
    private const string Fukutsu = "40224";
    private const string Label = "直線距離（道路データなし）";
    private static readonly PlaneProjector Projector = new(PlaneRectangularZones.SridForMunicipality(Fukutsu));

    private async Task<(List<PopulationUnit> Units, List<Hub> Hubs)> CityAsync()
    {
        await using var db = server.Database.CreateContext();
        var units = await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == Fukutsu).ToListAsync();
        var hubs = await db.Hubs.AsNoTracking().Where(h => h.MunicipalityCode == Fukutsu && h.RetiredAt == null).ToListAsync();
        Assert.NotEmpty(units);
        Assert.NotEmpty(hubs);
        Assert.False(await db.ActiveNetworks.AnyAsync(a => a.MunicipalityCode == Fukutsu));
        return (units, hubs);
    }

    private static double Metres(double lon1, double lat1, double lon2, double lat2)
    {
        var (ax, ay) = Projector.ToPlane(lon1, lat1);
        var (bx, by) = Projector.ToPlane(lon2, lat2);
        return Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
    }

    /// <summary>People whose 町丁's point is within <paramref name="radius"/> of one of <paramref name="places"/> (lon, lat).</summary>
    private static long Within(List<PopulationUnit> units, IEnumerable<(double Lon, double Lat)> places, double radius)
    {
        var list = places.ToList();
        return units.Where(u => list.Any(p => Metres(u.Point.X, u.Point.Y, p.Lon, p.Lat) <= radius)).Sum(u => (long)u.Population);
    }

    [Theory]
    [InlineData("minutes=10&pace=80", 800)]
    [InlineData("minutes=10&pace=80&straight_radius=500", 500)]
    [InlineData("minutes=15&pace=60&straight_radius=800&model=mclp&solver=exact", 800)]
    public async Task SitingAnswersByStraightLineAndTheChosenSitesCoverWhatTheCensusPointsSay(string query, double radius)
    {
        var (units, hubs) = await CityAsync();
        var report = await GetJsonAsync(server.Client, $"/api/siting?municipality={Fukutsu}&add=3&{query}");

        Assert.Equal("straight-line", report.GetProperty("distance").GetString());
        Assert.Equal(Label, report.GetProperty("distanceLabel").GetString());
        Assert.Equal(radius, report.GetProperty("parameters").GetProperty("straightLineMetres").GetDouble());
        var sites = report.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(3, sites.Count);

        long population = units.Sum(u => (long)u.Population);
        var hubPlaces = hubs.Select(h => (h.Location.X, h.Location.Y)).ToList();
        var sitePlaces = sites.Select(s => (s.GetProperty("lon").GetDouble(), s.GetProperty("lat").GetDouble())).ToList();
        long before = Within(units, hubPlaces, radius);
        long after = Within(units, hubPlaces.Concat(sitePlaces), radius);
        Assert.True(after > before);
        Assert.Equal(population, report.GetProperty("before").GetProperty("population").GetInt64());
        Assert.Equal(before, report.GetProperty("before").GetProperty("covered").GetInt64());
        Assert.Equal(after, report.GetProperty("after").GetProperty("covered").GetInt64());
        Assert.Equal(hubs.Count, report.GetProperty("before").GetProperty("hubs").GetInt32());
        Assert.Equal(hubs.Count + 3, report.GetProperty("after").GetProperty("hubs").GetInt32());
        // What each site adds, and the districts, add up to the difference; no walking minutes are made from straight lines.
        Assert.Equal(after - before, sites.Sum(s => s.GetProperty("newlyCovered").GetInt64()));
        Assert.Equal(after - before, report.GetProperty("districts").EnumerateArray().Sum(d => d.GetProperty("newlyCovered").GetInt64()));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("before").GetProperty("meanWalkMinutes").ValueKind);
        Assert.All(sites, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("snapMetres").ValueKind));

        // Each site's catchment is the disc of the radius round it (drawn with vertices on the circle).
        var options = new JsonSerializerOptions { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };
        foreach (var s in sites)
        {
            double lon = s.GetProperty("lon").GetDouble(), lat = s.GetProperty("lat").GetDouble();
            var disc = JsonSerializer.Deserialize<Geometry>(s.GetProperty("catchment").GetRawText(), options)!;
            Assert.True(disc.Contains(new Point(lon, lat)));
            Assert.All(disc.Coordinates, c => Assert.InRange(Metres(c.X, c.Y, lon, lat), radius - 0.5, radius + 0.5));
            Assert.Contains(s.GetProperty("source").GetString(), new[] { "unit-point", "facility" });
        }
        Assert.Contains(report.GetProperty("method").EnumerateArray(), p => p.GetString()!.Contains(Label, StringComparison.Ordinal));
        Assert.DoesNotContain(report.GetProperty("attribution").EnumerateArray(), a => a.GetString()!.Contains("OpenStreetMap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCoveragePageCountsTheSamePeopleBeforeAndWithTheSites()
    {
        var report = await GetJsonAsync(server.Client, $"/api/siting?municipality={Fukutsu}&add=2&minutes=10&pace=60&straight_radius=500&areas=false");
        var add = string.Join(';', report.GetProperty("sites").EnumerateArray().Select(s =>
            FormattableString.Invariant($"{s.GetProperty("lon").GetDouble()},{s.GetProperty("lat").GetDouble()}")));
        var now = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Fukutsu}&minutes=10&pace=60&straight_radius=500");
        var proposed = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Fukutsu}&minutes=10&pace=60&straight_radius=500&add={add}");
        Assert.Equal(now.GetProperty("totals").GetProperty("noNetworkStraightLineCovered").GetInt64(), report.GetProperty("before").GetProperty("covered").GetInt64());
        Assert.Equal(proposed.GetProperty("totals").GetProperty("noNetworkStraightLineCovered").GetInt64(), report.GetProperty("after").GetProperty("covered").GetInt64());
    }

    [Fact]
    public async Task TheCsvAndTheGeoJsonSayOnEveryRowThatTheyAreStraightLine()
    {
        var rows = ParseCsv(await GetBytesAsync(server.Client, $"/api/siting?municipality={Fukutsu}&add=2&format=csv", "text/csv"), out var header);
        Assert.Equal("distance", header[^1]);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(Label, r["distance"]));
        Assert.All(rows, r => Assert.Equal("", r["snap_metres"]));

        var geojson = await GetJsonAsync(server.Client, $"/api/siting?municipality={Fukutsu}&add=2&format=geojson", "application/geo+json");
        Assert.Equal(Label, geojson.GetProperty("distanceLabel").GetString());
        var features = geojson.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(2, features.Count(f => f.GetProperty("properties").GetProperty("kind").GetString() == "catchment"));
        Assert.All(features, f => Assert.Equal(Label, f.GetProperty("properties").GetProperty("distance").GetString()));
    }

    [Fact]
    public async Task PMedianShortensTheMeanStraightLineDistanceInMetres()
    {
        var report = await GetJsonAsync(server.Client, $"/api/siting?municipality={Fukutsu}&model=pmedian&add=2&minutes=10&pace=80&areas=false");
        var before = report.GetProperty("before");
        var after = report.GetProperty("after");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("meanWalkMinutes").ValueKind);
        Assert.True(after.GetProperty("meanMetres").GetDouble() <= before.GetProperty("meanMetres").GetDouble());
        Assert.Contains(report.GetProperty("method").EnumerateArray(), p => p.GetString()!.Contains("直線距離の合計", StringComparison.Ordinal));
    }
}
