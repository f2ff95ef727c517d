using System.Text;
using System.Text.Json;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>
/// <c>./fukushimap coverage</c> over the real 宇部市 data, by a district layer made here for the test: the city cut in two
/// halves (west and east) at the middle of the walking network, so that 町丁 on the cut straddle both districts.
/// </summary>
[Collection(ServerCollection.Name)]
public class CoverageCommandTests(ServerFixture server)
{
    private const string LayerKey = "test-halves";

    [Fact]
    public async Task ByADistrictLayerTheRowsAreItsDistrictsThenTotalAndStraddlingUnitsAreSplit()
    {
        var cut = await InsertHalvesAsync();
        try
        {
            var (exit, csv, progress) = await RunAsync("--municipality", Ube, "--minutes", "10", "--pace", "80", "--hub-types", "fureai-center", "--by", LayerKey);
            Assert.True(exit == 0, progress);
            var rows = ParseCsv(Encoding.UTF8.GetBytes(csv), out var header);
            Assert.Equal(CoverageDocuments.BaseColumns, header);
            Assert.Equal(["E", "W", "TOTAL"], rows.Select(r => r["district_code"])); // districts in code order
            var total = rows[^1];
            var west = rows[1];
            Assert.Equal(169_429, total.Long("covered") + total.Long("uncovered") + total.Long("no_network"));
            foreach (var column in new[] { "population", "covered", "uncovered", "no_network", "hubs" })
                Assert.Equal(total.Long(column), rows[0].Long(column) + rows[1].Long(column));

            // Split where people were placed, not by representative points: the halves differ from a split of whole units.
            await using var db = server.Database.CreateContext();
            var westByPoint = await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube && p.Point.X < cut).SumAsync(p => (long)p.Population);
            Assert.NotEqual(westByPoint, west.Long("population"));
            Assert.True(rows[0].Long("population") > 0 && rows[1].Long("population") > 0);
            // The hubs asked for (--hub-types fureai-center), not 宇部市's other hubs.
            var hubsWest = await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null && h.HubType!.Key == "fureai-center"
                && h.Location.X < cut);
            Assert.Equal(hubsWest, west.Long("hubs"));
            // Long work says what it is doing.
            Assert.Contains("==> ", progress);
            Assert.Contains("配置", progress);
        }
        finally
        {
            await DeleteHalvesAsync();
        }
    }

    [Fact]
    public async Task WithoutByTheRowsAreTheUnitsAndGeoJsonAndGeoPackageCanBeWritten()
    {
        var (exit, json, progress) = await RunAsync("--municipality", Ube, "--minutes", "15", "--pace", "60", "--format", "geojson");
        Assert.True(exit == 0, progress);
        var fc = JsonDocument.Parse(json).RootElement;
        await using var db = server.Database.CreateContext();
        Assert.Equal(await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == Ube), fc.GetProperty("features").GetArrayLength());
        Assert.Equal(169_429, fc.GetProperty("totals").GetProperty("population").GetInt64());

        var path = Path.Combine(Path.GetTempPath(), $"coverage-cli-{Guid.NewGuid():N}.gpkg");
        try
        {
            (exit, _, progress) = await RunAsync("--municipality", Ube, "--minutes", "15", "--format", "gpkg", "--output", path);
            Assert.True(exit == 0, progress);
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.Equal("SQLite format 3", Encoding.ASCII.GetString(bytes, 0, 15));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AMistakeInTheCommandIsExplainedInJapanese()
    {
        await Assert.ThrowsAsync<CliException>(() => RunAsync("--municipality", Ube, "--minutes", "0"));
        await Assert.ThrowsAsync<CliException>(() => RunAsync("--municipality", Ube, "--format", "xlsx"));
        var (exit, _, progress) = await RunAsync("--municipality", Ube, "--by", "no-such-layer");
        Assert.Equal(1, exit);
        Assert.Contains("区域レイヤー", progress);
    }

    private Task<(int Exit, string Output, string Progress)> RunAsync(params string[] args) =>
        TestCommandHost.RunAsync(server.Database, (a, services, output, ct, progress) => CoverageCommand.RunAsync(a, services, output, ct, progress), args);

    /// <summary>Two rectangles, west and east of the middle of the network's extent; returns the cut's longitude.</summary>
    private async Task<double> InsertHalvesAsync()
    {
        await DeleteHalvesAsync();
        await using var db = server.Database.CreateContext();
        var boundary = (await db.Municipalities.SingleAsync(m => m.Code == Ube)).Boundary!.EnvelopeInternal;
        var network = await db.RoadNetworks.SingleAsync(n => n.MunicipalityCode == Ube);
        var xs = await db.NetworkNodes.Where(n => n.NetworkId == network.Id).Select(n => n.Geom.X).ToListAsync();
        var cut = (xs.Min() + xs.Max()) / 2;
        var factory = new GeometryFactory(new PrecisionModel(), 6668);
        MultiPolygon Box(double x0, double x1) => factory.CreateMultiPolygon([(Polygon)factory.ToGeometry(new Envelope(x0, x1, boundary.MinY - 0.01, boundary.MaxY + 0.01))]);
        var layer = new DistrictLayer { Key = LayerKey, MunicipalityCode = Ube, Kind = "地区", Name = "テスト用の東西" };
        layer.Districts.Add(new District { MunicipalityCode = Ube, Code = "W", Name = "西", Geometry = Box(boundary.MinX - 0.01, cut) });
        layer.Districts.Add(new District { MunicipalityCode = Ube, Code = "E", Name = "東", Geometry = Box(cut, boundary.MaxX + 0.01) });
        db.DistrictLayers.Add(layer);
        await db.SaveChangesAsync();
        return cut;
    }

    private async Task DeleteHalvesAsync()
    {
        await using var db = server.Database.CreateContext();
        await db.Districts.Where(d => d.Layer!.Key == LayerKey && d.MunicipalityCode == Ube).ExecuteDeleteAsync();
        await db.DistrictLayers.Where(l => l.Key == LayerKey && l.MunicipalityCode == Ube).ExecuteDeleteAsync();
    }
}
