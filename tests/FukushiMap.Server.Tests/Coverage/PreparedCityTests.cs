using FukushiMap.Analysis;
using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>
/// A prepared city (the 宇部市 graph and its population placed on it) is written once to the state folder and read back on the
/// next start; the answers from it equal those of a fresh build from PostGIS; a corrupted, truncated or stale file is never
/// trusted but rebuilt. Each "start" is a new set of services over the server database (the same key, a fresh memory).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PreparedCityTests(ServerFixture server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fukushimap-prepared-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A fresh process's analysis services; <paramref name="folder"/> null: no prepared files at all.</summary>
    private ServiceProvider Start(string? folder)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<FukushiMapDbContext>(o => FukushiMapDb.Configure(o, server.Database.ConnectionString));
        services.AddAnalysis(_ => new AnalysisSettings(server.Database.DataPath, PreparedCityPath: folder));
        return services.BuildServiceProvider();
    }

    private static async Task<CoverageCity> CityAsync(ServiceProvider services) =>
        (await services.GetRequiredService<CoverageService>().GetCityAsync(Ube))!;

    private async Task<string[]> FilesAsync(ServiceProvider services)
    {
        var folder = await services.GetRequiredService<PreparedCityStore>().FolderAsync();
        return [Path.Combine(folder!, $"{Ube}.{NetworkCatalog.PreparedKind}"), Path.Combine(folder!, $"{Ube}.{CoverageService.PreparedKind}")];
    }

    /// <summary>What a planner sees: the coverage of every hub at 10 minutes, per 町丁・字, with the gaps.</summary>
    private static async Task<string> AnswerAsync(ServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var run = await CoverageAnalysis.RunAsync(db, services.GetRequiredService<CoverageService>(),
            new CoverageRequest(Ube, 10, WalkingPace.Standard, null, null, null, 1000), CancellationToken.None);
        var summary = System.Text.Json.JsonSerializer.Serialize(run.Summary);
        var gaps = run.Gaps.Select(g => $"{g.People} {g.NearestHub} {g.Area.AsText()}");
        return string.Join('\n', [summary, .. gaps, .. run.Result.NearestMetres.Select(m => m.ToString("R"))]);
    }

    private static void AssertSameCity(CoverageCity expected, CoverageCity actual)
    {
        static object[] Arcs(WalkingGraph g) =>
        [
            Enumerable.Range(0, g.NodeCount).Select(n => (g.NodeId(n), g.NodeX(n), g.NodeY(n), g.FirstArc(n))).ToArray(),
            Enumerable.Range(0, g.ArcCount).Select(a => (g.ArcTarget(a), g.ArcCostMetres(a), g.ArcEdge(a), g.ArcIsReverse(a))).ToArray(),
            Enumerable.Range(0, g.EdgeCount).Select(e => (g.EdgeLengthMetres(e), g.EdgeForwardCostMetres(e), g.EdgeReverseCostMetres(e),
                g.EdgeIsSteps(e), string.Join(';', g.GetEdgeGeometry(e).Select(c => $"{c.X:R},{c.Y:R}")))).ToArray(),
        ];
        Assert.Equal(Arcs(expected.Network.Graph), Arcs(actual.Network.Graph));
        Assert.Equal(Arcs(expected.Graph), Arcs(actual.Graph));
        Assert.Equal(expected.Network.Loaded.EdgeNames, actual.Network.Loaded.EdgeNames);
        Assert.Equal(expected.Network.Loaded.EdgeHighways, actual.Network.Loaded.EdgeHighways);
        static object[] Placed(CoverageCity c) => Enumerable.Range(0, c.Placement.Count)
            .Select(i => (object)(c.Placement.PeopleAt(i), c.Placement.Position(i).X, c.Placement.Position(i).Y, c.Placement.Kind(i),
                c.Placement.Unit(i), c.Placement.Snap(i))).ToArray();
        Assert.Equal(Placed(expected), Placed(actual));
        Assert.Equal(expected.Placement.UnitPlacements, actual.Placement.UnitPlacements);
        Assert.True(expected.Placement.NetworkExtent.EqualsExact(actual.Placement.NetworkExtent));
        Assert.All(expected.Placement.Cells.Zip(actual.Placement.Cells), c => Assert.True(c.First.Area.EqualsExact(c.Second.Area)));
        Assert.Equal(expected.Inputs.Units.Select(u => (u.Code, u.Name, u.Population, u.Point.X, u.AreaSquareMetres)),
            actual.Inputs.Units.Select(u => (u.Code, u.Name, u.Population, u.Point.X, u.AreaSquareMetres)));
        Assert.Equal(expected.Inputs.UnitIds, actual.Inputs.UnitIds);
    }

    [Fact]
    public async Task ACityReadFromItsPreparedFileAnswersAsAFreshBuild()
    {
        await using var fresh = Start(folder: null);
        var built = await CityAsync(fresh);
        Assert.False(built.ReadFromDisk);

        await using (var first = Start(_folder))
        {
            Assert.False((await CityAsync(first)).ReadFromDisk);
            Assert.All(await FilesAsync(first), f => Assert.True(File.Exists(f), f));
        }
        await using var second = Start(_folder);
        var read = await CityAsync(second);
        Assert.True(read.ReadFromDisk);
        Assert.True(read.Network.ReadFromDisk);

        AssertSameCity(built, read);
        Assert.Equal(await AnswerAsync(fresh), await AnswerAsync(second));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public async Task ACorruptedFileIsNeverTrustedButRebuilt(string damage)
    {
        await using (var first = Start(_folder))
        {
            await CityAsync(first);
            foreach (var file in await FilesAsync(first))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                await File.WriteAllBytesAsync(file, damage switch
                {
                    // One bit in the middle of the arrays: the lengths still add up, only the checksum tells.
                    "flip" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 0x10), .. bytes[(bytes.Length / 2 + 1)..]],
                    "truncate" => bytes[..(bytes.Length * 2 / 3)],
                    _ => "not a prepared city"u8.ToArray(),
                });
            }
        }
        await using var fresh = Start(folder: null);
        await using (var second = Start(_folder))
        {
            var rebuilt = await CityAsync(second);
            Assert.False(rebuilt.ReadFromDisk);
            Assert.False(rebuilt.Network.ReadFromDisk);
            AssertSameCity(await CityAsync(fresh), rebuilt);
        }
        // The rebuilt files are whole again.
        await using var third = Start(_folder);
        var read = await CityAsync(third);
        Assert.True(read.ReadFromDisk);
        Assert.True(read.Network.ReadFromDisk);
    }

    [Fact]
    public async Task AChangeInThePopulationMakesThePlacementStaleButNotTheNetwork()
    {
        long before;
        await using (var first = Start(_folder))
        {
            before = (await CityAsync(first)).Placement.TotalPeople;
        }
        await using var db = server.Database.CreateContext();
        var unit = await db.PopulationUnits.Where(p => p.MunicipalityCode == Ube && p.Population > 0).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE population_units SET population = population + 3 WHERE id = {unit}");
        try
        {
            await using var second = Start(_folder);
            var changed = await CityAsync(second);
            Assert.False(changed.ReadFromDisk);
            Assert.True(changed.Network.ReadFromDisk);
            Assert.Equal(before + 3, changed.Placement.TotalPeople);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"UPDATE population_units SET population = population - 3 WHERE id = {unit}");
        }
        // Back to the old figures, but with a newer version: prepared again from PostGIS, never the stale file's.
        await using var third = Start(_folder);
        var restored = await CityAsync(third);
        Assert.False(restored.ReadFromDisk);
        Assert.Equal(before, restored.Placement.TotalPeople);
    }
}
