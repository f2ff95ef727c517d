using FukushiMap.Data.Import;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Tests.Infrastructure;
using FukushiMap.Testing;

namespace FukushiMap.Server.Tests.Commands;

/// <summary>./fukushimap import as a person at the terminal sees it: progress, a summary, or the problems and exit code 1.</summary>
public sealed class ImportCommandTests
{
    private static Task<TestDatabase> Db() => TestDatabase.GetAsync("cli", withReferenceData: true);

    private static async Task<(int Code, string Output, string Error)> RunAsync(TestDatabase db, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var host = TestCommandHost.For(db);
        var code = await ImportCommand.RunAsync(args, host.Services, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string TempFile(string name, string content)
    {
        var dir = Path.Combine(Path.GetTempPath(), "fukushimap-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void ParsesEveryOptionIntoTheRequest()
    {
        var r = ImportCommand.Parse(["hubs", "x.csv", "-m", "35202", "--type", "nagomi", "--functions", "相談,居場所", "--targets", "誰でも",
            "--crs", "EPSG:6671", "--encoding", "cp932", "--repair", "--max-vertices", "5000", "--attribution", "出典：テスト"]);
        Assert.Equal((ImportKind.Hubs, "x.csv", "35202", "nagomi"), (r.Kind, r.File, r.Municipality, r.HubType));
        Assert.Equal(["相談", "居場所"], r.Functions);
        Assert.Equal(["誰でも"], r.TargetGroups);
        Assert.Equal(6671, r.Crs);
        Assert.True(r.Repair);
        Assert.Equal(5000, r.Limits.MaxVerticesPerGeometry);
        Assert.Equal("出典：テスト", r.Dataset.Attribution);
    }

    [Theory]
    [InlineData("--bogus", "x")]
    [InlineData("--crs", "EPSG:3857")]
    [InlineData("--max-features", "-1")]
    public async Task WrongArgumentsExitWithTwoAndSayWhy(string option, string value)
    {
        var db = await Db();
        var (code, _, error) = await RunAsync(db, "hubs", "x.csv", "-m", "35202", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("エラー: ", error);
    }

    [Fact]
    public async Task ARefusedFilePrintsEachProblemExitsWithOneAndChangesNothing()
    {
        var db = await Db();
        var path = TempFile("swapped.csv", "name,lon,lat\n鵜の島,33.962073,131.238018\n,131.238018,33.962073\n");
        var before = await TableCounts.ReadAsync(db.ConnectionString);
        var (code, _, error) = await RunAsync(db, "hubs", path, "--municipality", "35202", "--type", "ibasho");

        Assert.Equal(1, code);
        Assert.Contains("取り込めませんでした（問題 2 件）", error);
        Assert.Contains("swapped.csv 1件目 項目「lon/lat」: 経度と緯度が入れ替わっているようです", error);
        Assert.Contains("swapped.csv 2件目 項目「name」: 名前が空です。", error);
        Assert.Equal(before, await TableCounts.ReadAsync(db.ConnectionString));
    }

    [Fact]
    public async Task AGoodFilePrintsProgressAndTheCountsWritten()
    {
        var db = await Db();
        var path = TempFile("ibasho.csv", $"name,lon,lat\n居場所{Guid.NewGuid():N},131.238018,33.962073\n居場所B,131.2483,33.9512\n");
        var (code, output, error) = await RunAsync(db, "hubs", path, "-m", "35202", "--type", "居場所・サロン", "--attribution", "宇部市（テスト）");

        Assert.True(code == 0, error);
        Assert.Contains("==> ibasho.csv を読み込み中…", output);
        Assert.Contains("hubs: 2 件", output);
        Assert.Contains("datasets: 1 件", output);
    }
}
