using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Map;

[Collection(ServerCollection.Name)]
public class MapApiTests(ServerFixture server)
{
    private const string Ube = "35202";

    [Fact]
    public async Task HubTypesListEveryTypeWithAColourAndAShape()
    {
        var types = await server.Client.GetFromJsonAsync<JsonElement>("/api/hub-types");

        await using var db = server.Database.CreateContext();
        var stored = await db.HubTypes.Include(t => t.Parent).ToListAsync();
        Assert.Equal(stored.Count, types.GetArrayLength());
        foreach (var t in types.EnumerateArray())
        {
            var key = t.GetProperty("key").GetString();
            var row = Assert.Single(stored, s => s.Key == key);
            Assert.Equal(row.Name, t.GetProperty("name").GetString());
            Assert.Equal(row.Color, t.GetProperty("color").GetString());
            Assert.Equal(row.Shape, t.GetProperty("shape").GetString());
            Assert.Equal(row.Parent?.Key, t.GetProperty("parent").GetString());
        }
        Assert.Contains(types.EnumerateArray(), t => t.GetProperty("key").GetString() == "engawa-core" && t.GetProperty("parent").GetString() == "engawa");
    }

    [Fact]
    public async Task DatasetsOfUbeCarryTheCreditLineOfEachLayerWithData()
    {
        var datasets = await server.Client.GetFromJsonAsync<JsonElement>($"/api/datasets?municipality_code={Ube}");
        var byKey = datasets.EnumerateArray().ToDictionary(d => d.GetProperty("key").GetString()!);

        await using var db = server.Database.CreateContext();
        var populationDatasets = await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube && p.DatasetId != null)
            .Select(p => p.Dataset!.Key).Distinct().ToListAsync();
        var hubDatasets = await db.Hubs.Where(h => h.MunicipalityCode == Ube && h.RetiredAt == null && h.DatasetId != null)
            .Select(h => h.Dataset!.Key).Distinct().ToListAsync();
        Assert.NotEmpty(populationDatasets);
        foreach (var key in populationDatasets)
        {
            Assert.Contains("population-units", byKey[key].GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        }
        foreach (var key in hubDatasets)
        {
            Assert.Contains("hubs", byKey[key].GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        }
        var credits = byKey.Values.Select(d => d.GetProperty("attribution").GetString()).ToList();
        Assert.Contains("出典：政府統計の総合窓口(e-Stat)（平成27年国勢調査 小地域境界データ）を加工して作成", credits);
    }

    [Fact]
    public async Task DatasetsOfSapporoLeaveOutUbesPopulationCensus()
    {
        var ube = await server.Client.GetFromJsonAsync<JsonElement>($"/api/datasets?municipality_code={Ube}");
        var sapporo = await server.Client.GetFromJsonAsync<JsonElement>("/api/datasets?municipality_code=01100");
        var sapporoKeys = sapporo.EnumerateArray().Select(d => d.GetProperty("key").GetString()).ToHashSet();
        var ubePopulation = ube.EnumerateArray()
            .Where(d => d.GetProperty("layers").EnumerateArray().Any(l => l.GetString() == "population-units"))
            .Select(d => d.GetProperty("key").GetString());
        Assert.DoesNotContain(ubePopulation, sapporoKeys.Contains);
        Assert.Contains(sapporo.EnumerateArray(), d => d.GetProperty("layers").EnumerateArray().Any(l => l.GetString() == "districts"));
    }

    [Fact]
    public async Task DatasetsRejectAMunicipalityCodeThatIsNotFiveDigits()
    {
        var response = await server.Client.GetAsync("/api/datasets?municipality_code=ube");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/invalid-municipality-code", problem.GetProperty("type").GetString());
        Assert.Contains("5桁", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task MunicipalitiesReportTheirLayerCountsAndABoxAroundEveryHub()
    {
        var list = await server.Client.GetFromJsonAsync<JsonElement>("/api/municipalities");
        var ube = Assert.Single(list.EnumerateArray(), m => m.GetProperty("code").GetString() == Ube);

        await using var db = server.Database.CreateContext();
        var counts = ube.GetProperty("counts");
        Assert.Equal(await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null), counts.GetProperty("hubs").GetInt32());
        Assert.Equal(await db.PopulationUnits.CountAsync(p => p.MunicipalityCode == Ube), counts.GetProperty("populationUnits").GetInt32());
        Assert.Equal(await db.Shelters.CountAsync(s => s.MunicipalityCode == Ube), counts.GetProperty("shelters").GetInt32());
        Assert.Equal(await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube).SumAsync(p => (long)p.Population), ube.GetProperty("population").GetInt64());
        Assert.Equal(169_429, ube.GetProperty("population").GetInt64()); // 平成27年国勢調査, 宇部市

        var bbox = ube.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var hubs = await db.Hubs.Where(h => h.MunicipalityCode == Ube && h.RetiredAt == null).Select(h => h.Location).ToListAsync();
        Assert.All(hubs, p =>
        {
            Assert.InRange(p.X, bbox[0], bbox[2]);
            Assert.InRange(p.Y, bbox[1], bbox[3]);
        });
    }
}
