using System.Globalization;
using System.Text;
using System.Text.Json;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Infrastructure;
using FukushiMap.Server.Siting;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FukushiMap.Server.Tests.Security.PayloadFixture;

namespace FukushiMap.Server.Tests.Security;

/// <summary>
/// Every CSV export (coverage, gaps, siting, distances; API and command line) writes a 町丁 or hub named
/// <c>=HYPERLINK("http://x","y")</c> as text a spreadsheet will not run, and keeps numbers as numbers.
/// </summary>
[Collection(PayloadCollection.Name)]
public sealed class FormulaExportTests(PayloadFixture fixture)
{
    /// <summary>The formula as the CSV holds it: prefixed with ' and quoted (it contains quotes and a comma).</summary>
    private const string Neutralised = "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"";

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+81 836", "'+81 836")]
    [InlineData("-1+2", "'-1+2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("普通の値, 二つ", "\"普通の値, 二つ\"")]
    [InlineData("", "")]
    public void TextThatASpreadsheetWouldRunIsPrefixed(string text, string expected) => Assert.Equal(expected, Csv.Text(text));

    [Fact]
    public void NumbersStayNumbers() =>
        Assert.Equal("-3,-0.25,12,-7,1234567.5,,'-3", Csv.Line([-3, -0.25, 12L, -7m, 1234567.5, null, "-3"]));

    [Fact]
    public async Task TheCoverageCsvFromTheApiAndTheCommandLineHoldsTheTownNameAsText()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var fromApi = await http.GetByteArrayAsync("api/coverage?municipality=35202&minutes=10&pace=60&format=csv");
        var output = new StringWriter();
        using var host = TestCommandHost.For(fixture.Database);
        Assert.Equal(0, await CoverageCommand.RunAsync(CliArgs.Parse(["--municipality", "35202", "--minutes", "10", "--pace", "60"]), host.Services,
            output, CancellationToken.None, new StringWriter()));

        foreach (var csv in new[] { Encoding.UTF8.GetString(fromApi), output.ToString() })
        {
            var row = Lines(csv).Single(l => l.StartsWith(fixture.FormulaUnitCode + ",", StringComparison.Ordinal));
            Assert.StartsWith($"{fixture.FormulaUnitCode},{Neutralised},", row);
            // population, covered, uncovered, no_network, hubs: plain numbers.
            Assert.All(row[(fixture.FormulaUnitCode.Length + Neutralised.Length + 2)..].Split(',').Take(5), c => long.Parse(c, CultureInfo.InvariantCulture));
            AssertNoLiveFormula(csv);
        }
    }

    [Fact]
    public async Task TheGapsCsvHoldsTheNearestHubsNameAsText()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var csv = Encoding.UTF8.GetString(await http.GetByteArrayAsync("api/coverage/gaps?municipality=35202&minutes=10&pace=60&hub_types=ibasho&format=csv"));

        Assert.Contains(Lines(csv), l => l.Contains("," + Neutralised + ",", StringComparison.Ordinal));
        AssertNoLiveFormula(csv);
    }

    [Fact]
    public async Task TheSitingCsvHoldsACandidatesNameAsText()
    {
        var candidates = Path.Combine(Path.GetTempPath(), "fukushimap-formula-candidate.geojson");
        await File.WriteAllTextAsync(candidates, JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            features = new[] { new { type = "Feature", properties = new { name = Formula }, geometry = new { type = "Point", coordinates = new[] { 131.27, 33.948 } } } },
        }));
        var output = new StringWriter();
        using var host = TestCommandHost.For(fixture.Database);
        Assert.Equal(0, await SiteCommand.RunAsync(CliArgs.Parse(["--municipality", "35202", "--add", "1", "--minutes", "10", "--pace", "60", "--spacing", "0",
            "--no-shelters", "--candidates", candidates, "--format", "csv"]), host.Services, output, CancellationToken.None, new StringWriter()));

        var row = Lines(output.ToString())[1];
        Assert.StartsWith($"1,{Neutralised},", row);
        AssertNoLiveFormula(output.ToString());

        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        AssertNoLiveFormula(Encoding.UTF8.GetString(await http.GetByteArrayAsync("api/siting?municipality=35202&add=2&minutes=10&pace=60&format=csv")));
    }

    [Fact]
    public async Task TheDistancesCsvHoldsASourceIdAsText()
    {
        await using var db = fixture.Database.CreateContext();
        var network = await db.RoadNetworks.Where(n => n.MunicipalityCode == "35202").Select(n => n.Name).FirstAsync();
        var sources = Path.Combine(Path.GetTempPath(), "fukushimap-formula-sources.geojson");
        await File.WriteAllTextAsync(sources, JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            features = new[] { new { type = "Feature", id = Formula, properties = new { }, geometry = new { type = "Point", coordinates = new[] { 131.27, 33.948 } } } },
        }));
        var output = new StringWriter();
        using var host = TestCommandHost.For(fixture.Database);
        Assert.Equal(0, await NetworkCommands.DistancesAsync(CliArgs.Parse(["--network", network, "--sources", sources, "--max-metres", "300"]),
            host.Services, output, CancellationToken.None));

        var reached = Lines(output.ToString()).Skip(1).Where(l => !l.EndsWith(",,", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(reached);
        Assert.All(reached, l => Assert.Contains("," + Neutralised + ",", l));
        AssertNoLiveFormula(output.ToString());
    }

    private static List<string> Lines(string csv) => csv.TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>No cell begins with a formula character unless it is a number (quoted cells are read without their quotes).</summary>
    private static void AssertNoLiveFormula(string csv)
    {
        foreach (var line in Lines(csv))
        {
            foreach (var cell in Cells(line))
            {
                Assert.False(cell.Length > 0 && "=+-@\t\r".Contains(cell[0]) && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
                    $"live formula cell {cell} in {line}");
            }
        }
    }

    private static IEnumerable<string> Cells(string line)
    {
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { yield return cell.ToString(); cell.Clear(); }
            else cell.Append(c);
        }
        yield return cell.ToString();
    }
}
