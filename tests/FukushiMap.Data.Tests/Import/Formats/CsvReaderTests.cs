using System.Text;
using FukushiMap.Data.Import;
using FukushiMap.Data.Import.Formats;

namespace FukushiMap.Data.Tests.Import.Formats;

public sealed class CsvReaderTests
{
    private const string Text = "name,lon,lat,memo\n鵜の島ふれあいセンター,131.238018,33.962073,\"相談,居場所\"\n\"引用符\"\"あり\",131.25,33.95,\"改行\nあり\"\n";

    private static FeatureFile Read(byte[] bytes, string? encoding = null)
    {
        var request = new ImportRequest { Kind = ImportKind.Hubs, File = "t.csv", Municipality = "35202", Encoding = encoding };
        return CsvReader.Read(bytes, "t.csv", request, new ProblemList("t.csv"), default);
    }

    public static TheoryData<string, byte[]> Encodings() => new()
    {
        { "UTF-8（BOM 付き）", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Text)] },
        { "UTF-8（内容から判定）", Encoding.UTF8.GetBytes(Text) },
        { "Shift_JIS (cp932)（内容から判定）", Fixtures.ShiftJis.GetBytes(Text) },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void ReadsUtf8WithOrWithoutBomAndShiftJis(string expectedNote, byte[] bytes)
    {
        var file = Read(bytes);
        Assert.Contains(expectedNote, file.Notes.Single());
        Assert.Equal(["name", "lon", "lat", "memo"], file.FieldNames);
        Assert.Equal(2, file.Features.Count);
        Assert.Equal("鵜の島ふれあいセンター", file.Features[0].Get("name"));
        Assert.Equal("相談,居場所", file.Features[0].Get("memo"));
        Assert.Equal("引用符\"あり", file.Features[1].Get("name"));
        Assert.Equal("改行\nあり", file.Features[1].Get("memo"));
    }

    [Fact]
    public void ShiftJisDeclaredAsUtf8IsRefusedNotGarbled()
    {
        var e = Assert.Throws<ImportException>(() => Read(Fixtures.ShiftJis.GetBytes(Text), "utf-8"));
        Assert.Contains("UTF-8 として読めない", e.Problems[0].Reason);
        Assert.Equal(2, e.Problems[0].Row);
    }

    [Fact]
    public void ARowWithTheWrongNumberOfColumnsIsAProblem()
    {
        var problems = new ProblemList("t.csv");
        var request = new ImportRequest { Kind = ImportKind.Hubs, File = "t.csv", Municipality = "35202" };
        CsvReader.Read(Encoding.UTF8.GetBytes("name,lon,lat\na,131.2,33.9\nb,131.2\n"), "t.csv", request, problems, default);
        var p = Assert.Single(problems.Items);
        Assert.Equal(2, p.Row);
        Assert.Contains("列の数", p.Reason);
    }
}
