using System.Globalization;
using System.Text.Json;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Siting;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Siting;

/// <summary><c>./fukushimap site --municipality 35202 …</c> over the real 宇部市 data (its 24 ふれあいセンター kept).</summary>
[Collection(ServerCollection.Name)]
public class SiteCommandTests(ServerFixture server)
{
    private Task<(int Exit, string Output, string Progress)> RunAsync(params string[] args) =>
        TestCommandHost.RunAsync(server.Database, (a, services, output, ct, progress) => SiteCommand.RunAsync(a, services, output, ct, progress), args);

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exit, output, progress) = await RunAsync([.. args, "--format", "json"]);
        Assert.True(exit == 0, progress);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task ForACityWithoutANetworkTheAnswerSaysItIsStraightLineAtTheChosenRadius()
    {
        var answer = await JsonAsync("--municipality", "40224", "--add", "2", "--straight-radius", "500");
        Assert.Equal("直線距離（道路データなし）", answer.GetProperty("distance").GetString());
        var coverage = await GetJsonAsync(server.Client, "api/coverage?municipality=40224&minutes=10&pace=80&straight_radius=500");
        Assert.Equal(coverage.GetProperty("totals").GetProperty("noNetworkStraightLineCovered").GetInt64(),
            answer.GetProperty("before").GetProperty("covered").GetInt64());

        var (exit, text, progress) = await RunAsync("--municipality", "40224", "--add", "2", "--straight-radius", "500");
        Assert.True(exit == 0, progress);
        Assert.Contains("直線距離 500 m（道路データなし）", text);
        Assert.Contains("直線距離（道路データなし）で届く人", text);
    }

    [Fact]
    public async Task TheJsonAnswerIsOneObjectWithTheCoverageBeforeAndAfterAndTheSites()
    {
        var answer = await JsonAsync("--municipality", Ube, "--add", "6", "--minutes", "10", "--pace", "80");

        Assert.Equal(["model", "solver", "distance", "before", "after", "gap", "sites"], answer.EnumerateObject().Select(p => p.Name));
        Assert.Equal("mclp", answer.GetProperty("model").GetString());
        Assert.Equal("道に沿って歩く距離", answer.GetProperty("distance").GetString());
        Assert.Equal("greedy", answer.GetProperty("solver").GetString());
        var before = answer.GetProperty("before");
        var after = answer.GetProperty("after");
        Assert.Equal(["covered", "population"], before.EnumerateObject().Select(p => p.Name));

        // "Covered" is what the coverage page counts, for everybody in the city.
        var coverage = await GetJsonAsync(server.Client, $"api/coverage?municipality={Ube}&minutes=10&pace=80");
        Assert.Equal(coverage.GetProperty("totals").GetProperty("covered").GetInt64(), before.GetProperty("covered").GetInt64());
        Assert.Equal(169_429, before.GetProperty("population").GetInt64());
        Assert.Equal(169_429, after.GetProperty("population").GetInt64());

        var sites = answer.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(6, sites.Count);
        Assert.All(sites, s =>
        {
            Assert.Equal(["lon", "lat", "name", "newly_covered"], s.EnumerateObject().Select(p => p.Name));
            Assert.InRange(s.GetProperty("lon").GetDouble(), 131.1, 131.4);
            Assert.InRange(s.GetProperty("lat").GetDouble(), 33.85, 34.1);
            Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("name").GetString()));
            Assert.True(s.GetProperty("newly_covered").GetInt64() > 0);
        });
        // Each newly covered person is counted at one site.
        Assert.Equal(after.GetProperty("covered").GetInt64() - before.GetProperty("covered").GetInt64(),
            sites.Sum(s => s.GetProperty("newly_covered").GetInt64()));
        Assert.True(answer.GetProperty("gap").GetDouble() >= 0);
    }

    [Fact]
    public async Task TheExactAnswerCoversAtLeastAsManyAsTheGreedyOneWithAProvenGapOfAtMostOnePercent()
    {
        var greedy = await JsonAsync("--municipality", Ube, "--add", "6", "--minutes", "10", "--pace", "60");
        var exact = await JsonAsync("--municipality", Ube, "--add", "6", "--minutes", "10", "--pace", "60", "--solver", "exact", "--time-limit", "60");

        Assert.Equal("exact", exact.GetProperty("solver").GetString());
        Assert.True(exact.GetProperty("after").GetProperty("covered").GetInt64() >= greedy.GetProperty("after").GetProperty("covered").GetInt64());
        Assert.InRange(exact.GetProperty("gap").GetDouble(), 0, 0.01);
        Assert.Equal(greedy.GetProperty("before").GetProperty("covered").GetInt64(), exact.GetProperty("before").GetProperty("covered").GetInt64());
    }

    [Fact]
    public async Task ACandidateInsideAnExclusionAreaIsNeverChosen()
    {
        var first = await JsonAsync("--municipality", Ube, "--add", "4", "--minutes", "10", "--pace", "80");
        // Squares of about 600 m around the first two sites chosen.
        var squares = first.GetProperty("sites").EnumerateArray().Take(2)
            .Select(s => (Lon: s.GetProperty("lon").GetDouble(), Lat: s.GetProperty("lat").GetDouble())).ToList();
        const double d = 0.003;
        var features = squares.Select(s =>
        {
            var ring = new[] { (s.Lon - d, s.Lat - d), (s.Lon + d, s.Lat - d), (s.Lon + d, s.Lat + d), (s.Lon - d, s.Lat + d), (s.Lon - d, s.Lat - d) };
            var coordinates = string.Join(',', ring.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.Item1},{p.Item2}]")));
            return "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" + coordinates + "]]}}";
        });
        var file = Path.GetTempFileName() + ".geojson";
        await File.WriteAllTextAsync(file, "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(',', features) + "]}");
        try
        {
            foreach (var solver in new[] { "greedy", "exact" })
            {
                var answer = await JsonAsync("--municipality", Ube, "--add", "4", "--minutes", "10", "--pace", "80", "--exclude", file, "--solver", solver);
                foreach (var site in answer.GetProperty("sites").EnumerateArray())
                {
                    double lon = site.GetProperty("lon").GetDouble(), lat = site.GetProperty("lat").GetDouble();
                    Assert.DoesNotContain(squares, s => Math.Abs(lon - s.Lon) <= d && Math.Abs(lat - s.Lat) <= d);
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheTextAnswerSaysWhatWasAskedAndListsTheSitesInOrder()
    {
        var (exit, text, progress) = await RunAsync("--municipality", Ube, "--add", "3", "--minutes", "15", "--pace", "48", "--model", "pmedian");

        Assert.True(exit == 0, progress);
        Assert.Contains("p-median", text);
        int hubs;
        await using (var db = server.Database.CreateContext())
        {
            hubs = await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null);
        }
        Assert.Contains($"いま：拠点 {hubs} か所", text);
        Assert.Contains($"案　：拠点 {hubs + 3} か所", text);
        Assert.Contains("平均", text);
        Assert.Contains("==> ", progress);
    }

    [Theory]
    [InlineData("--solver", "simplex", "--solver は greedy か exact")]
    [InlineData("--minutes", "0", "minutes は 0 より大きく")]
    [InlineData("--capacity", "5000", "solver=exact のときだけ")]
    [InlineData("--model", "center", "model は mclp・lscp・pmedian")]
    [InlineData("--format", "xml", "--format は")]
    public async Task MistakesAreExplainedInJapanese(string option, string value, string message)
    {
        var error = await Assert.ThrowsAsync<CliException>(() => RunAsync("--municipality", Ube, option, value));
        Assert.Contains(message, error.Message);
    }
}
