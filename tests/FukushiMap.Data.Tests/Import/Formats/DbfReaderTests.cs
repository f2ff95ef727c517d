using System.Globalization;
using FukushiMap.Data.Import;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Testing;

namespace FukushiMap.Data.Tests.Import.Formats;

public sealed class DbfReaderTests
{
    private static readonly (string, char, int, int)[] s_fields = [("名前", 'C', 20, 0), ("JINKO", 'N', 7, 0), ("AREA", 'N', 12, 3)];

    private static (DbfReader Reader, MemoryStream Stream) Open(byte[] bytes, string name = "t.dbf")
    {
        var stream = new MemoryStream(bytes);
        return (DbfReader.Open(stream, name), stream);
    }

    [Fact]
    public void ReadsShiftJisFieldNamesAndValuesAndSkipsDeletedRecords()
    {
        var bytes = Fixtures.Dbf(Fixtures.ShiftJis, s_fields,
            [["則貞２丁目", 548, 121171.929], ["消した行", 1, 1.0], ["朝日町", 416, 68436.467]], deletedRows: new HashSet<int> { 2 });
        var (reader, _) = Open(bytes);
        var problems = new ProblemList("t.dbf");
        var rows = reader.Records(TextEncodings.Cp932, problems).ToList();

        Assert.False(problems.Any);
        Assert.Equal(3, reader.RecordCount);
        Assert.Equal(["名前", "JINKO", "AREA"], reader.Fields(TextEncodings.Cp932, problems).Select(f => f.Name));
        Assert.Equal([1, 3], rows.Select(r => r.Row));
        Assert.Equal("則貞２丁目", rows[0].Values["名前"]);
        Assert.Equal("548", rows[0].Values["JINKO"]);
        Assert.Equal("68436.467", rows[1].Values["AREA"]);
    }

    [Fact]
    public void DetectsShiftJisAndUtf8FromTheBytes()
    {
        var (sjis, _) = Open(Fixtures.Dbf(Fixtures.ShiftJis, s_fields, [["鵜の島", 1, 1.0]]));
        var (utf8, _) = Open(Fixtures.Dbf(new System.Text.UTF8Encoding(false), s_fields, [["鵜の島", 1, 1.0]]));
        var (ascii, _) = Open(Fixtures.Dbf(Fixtures.ShiftJis, [("NAME", 'C', 10, 0)], [["UBE"]]));

        Assert.Equal(932, sjis.DetectEncoding().CodePage);
        Assert.Equal(65001, utf8.DetectEncoding().CodePage);
        Assert.Equal(65001, ascii.DetectEncoding().CodePage);
    }

    [Fact]
    public void ShiftJisBytesReadAsUtf8AreAProblemNamingTheRecordAndField()
    {
        var (reader, _) = Open(Fixtures.Dbf(Fixtures.ShiftJis, [("NAME", 'C', 20, 0)], [["UBE"], ["ふれあいセンター"]]), "hubs.dbf");
        var problems = new ProblemList("hubs.dbf");
        var rows = reader.Records(TextEncodings.Utf8, problems).ToList();

        var problem = Assert.Single(problems.Items);
        Assert.Equal(("hubs.dbf", 2, "NAME"), (problem.File, problem.Row, problem.Field));
        Assert.Contains("UTF-8", problem.Reason);
        Assert.Null(rows[1].Values["NAME"]);
    }

    [Fact]
    public void ATruncatedTableIsRefusedWithTheFirstMissingRecord()
    {
        var bytes = Fixtures.Dbf(Fixtures.ShiftJis, s_fields, [["a", 1, 1.0], ["b", 2, 2.0], ["c", 3, 3.0]]);
        var cut = bytes[..(bytes.Length - 30)];
        var e = Assert.Throws<ImportException>(() => Open(cut));
        Assert.Equal(3, e.Problems[0].Row);
        Assert.Contains("途中で切れています", e.Problems[0].Reason);
    }

    [Fact]
    public void NotADbfIsRefused()
    {
        var e = Assert.Throws<ImportException>(() => Open("{\"type\":\"FeatureCollection\",\"features\":[]}             "u8.ToArray()));
        Assert.Contains("dBASE", e.Problems[0].Reason);
    }

    [Fact]
    public void ReadsTheRealEstatTableAsShiftJisAndAgreesWithItsCsv()
    {
        var dir = Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population");
        using var stream = File.OpenRead(Path.Combine(dir, "35-yamaguchi-all.dbf"));
        var reader = DbfReader.Open(stream, "35-yamaguchi-all.dbf");
        Assert.Equal(932, reader.DetectEncoding().CodePage);
        var problems = new ProblemList("35-yamaguchi-all.dbf");
        var ube = reader.Records(TextEncodings.Cp932, problems).Select(r => r.Values).Where(v => v["CITY"] == "202").ToList();
        Assert.False(problems.Any);

        var csv = File.ReadAllLines(Path.Combine(dir, "estat2015_chome_population_refcities.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(c => c[1] == "35" && c[2] == "202").ToList();
        Assert.Equal(csv.Count, ube.Count);
        Assert.Equal(csv.Select(c => c[0]).OrderBy(x => x), ube.Select(v => v["KEY_CODE"]!).OrderBy(x => x));
        Assert.Equal(csv.Select(c => c[6]).OrderBy(x => x, StringComparer.Ordinal), ube.Select(v => v["MOJI"]!).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(csv.Sum(c => int.Parse(c[11], CultureInfo.InvariantCulture)), ube.Sum(v => int.Parse(v["JINKO"]!, CultureInfo.InvariantCulture)));
    }
}
