using System.Text;
using FukushiMap.Data.Import;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Data.Import.Importers;

namespace FukushiMap.Data.Tests.Import;

/// <summary>住民基本台帳 町丁別年齢別 tables in the layouts cities publish, and 町丁 names compared as the census writes them.</summary>
public sealed class ResidentRegisterTableTests
{
    private static (List<ResidentRow> Rows, ProblemList Problems, List<string> Notes, FeatureFile File) Read(string csv)
    {
        var request = new ImportRequest { Kind = ImportKind.Population, File = "t.csv", Municipality = "27203" };
        var problems = new ProblemList("t.csv");
        var file = CsvReader.Read(Encoding.UTF8.GetBytes(csv), "t.csv", request, problems, default);
        var notes = new List<string>();
        var nameField = ResidentRegisterTable.NameField(file.FieldNames) ?? throw new InvalidOperationException("not a register table");
        return (ResidentRegisterTable.Read(file, nameField, problems, notes), problems, notes, file);
    }

    [Theory]
    [InlineData("上野西二丁目", "上野西２丁目")]
    [InlineData("上野西十二丁目", "上野西12丁目")]
    [InlineData("上野西 1丁目", "上野西１丁目")]
    [InlineData("大字東岐波", "東岐波")]
    [InlineData("字山田", "山田")]
    [InlineData("豊中市桜の町三丁目", "桜の町３丁目")]
    [InlineData("緑ヶ丘一丁目", "緑が丘1丁目")]
    public void ChomeNamesAreComparedAsTheCensusWritesThem(string register, string census) =>
        Assert.Equal(ChomeNames.Key(census, "豊中市"), ChomeNames.Key(register, "豊中市"));

    [Theory]
    [InlineData("5歳", 5, 5)]
    [InlineData("０～４歳", 0, 4)]
    [InlineData("0-4歳", 0, 4)]
    [InlineData("0歳～4歳", 0, 4)]
    [InlineData("100歳以上", 100, null)]
    [InlineData("85歳～", 85, null)]
    public void AgeHeadersAreRead(string header, int from, int? to) =>
        Assert.Equal(new AgeRange(from, to), ResidentRegisterTable.ParseAge(header));

    [Theory]
    [InlineData("男")]
    [InlineData("0～4歳男")]
    [InlineData("総数")]
    public void OtherHeadersAreNotAges(string header) => Assert.Null(ResidentRegisterTable.ParseAge(header));

    [Fact]
    public void WithoutATotalColumnMenAndWomenMakeTheTotal()
    {
        var (rows, problems, notes, _) = Read("町丁名,世帯数,男,女\n桜の町一丁目,812,\"1,021\",1108\n桜の町二丁目,15,-,9\n合計,827,1021,1117\n");

        Assert.False(problems.Any, string.Join("; ", problems.Items.Select(p => p.Reason)));
        Assert.Equal([("桜の町一丁目", 1021 + 1108), ("桜の町二丁目", 9)], rows.Select(r => (r.Name, r.Population)).ToList());
        Assert.All(rows, r => Assert.Null(r.Ages));
        Assert.Contains(notes, n => n.Contains("男＋女", StringComparison.Ordinal));
    }

    [Fact]
    public void ACountThatIsNotANumberIsNamedByRowAndColumn()
    {
        var (_, problems, _, _) = Read("町丁名,男,女\n桜の町一丁目,12,約30\n");

        var problem = Assert.Single(problems.Items);
        Assert.Equal("女", problem.Field);
        Assert.Equal(1, problem.Row); // the first row of the table (the importer counts rows below the header)
    }

    [Fact]
    public void FiveYearBandsGiveTheFourAgeBandsAndThousandsSeparatorsAndDashesAreCounts()
    {
        var bands = string.Join(",", Enumerable.Range(0, 18).Select(i => $"{i * 5}～{i * 5 + 4}歳")) + ",90歳以上";
        var counts = Enumerable.Range(1, 19).Select(i => i * 100).ToArray(); // band i has (i+1)×100 people
        counts[0] = 0;
        var cells = string.Join(",", counts.Select(c => c == 0 ? "-" : c.ToString()));
        var csv = $"町丁別年齢別人口\n基準日 令和6年9月30日\n町丁名,計,{bands}\n桜の町一丁目,\"{counts.Sum().ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}\",{cells}\n合計,{counts.Sum()},{cells}\n";

        var (rows, problems, notes, file) = Read(csv);

        Assert.False(problems.Any, string.Join("; ", problems.Items.Select(p => p.Reason)));
        var row = Assert.Single(rows);
        Assert.Equal(counts.Sum(), row.Population);
        Assert.Equal(counts[..3].Sum(), row.Ages!.Age0To14);
        Assert.Equal(counts[3..13].Sum(), row.Ages.Age15To64);
        Assert.Equal(counts[13..].Sum(), row.Ages.Age65Plus);
        Assert.Equal(counts[15..].Sum(), row.Ages.Age75Plus);
        Assert.Contains(file.Notes, n => n.Contains("基準日 令和6年9月30日"));
        Assert.Contains(notes, n => n.Contains("合計"));
    }

    [Fact]
    public void TheLongLayoutIsGroupedByChomeAndABandWhoseEdgeARangeCrossesStaysEmpty()
    {
        var csv = "町丁名,年齢,男,女,計\n" +
            "桜の町一丁目,0～14歳,1,2,3\n桜の町一丁目,15～64歳,4,5,9\n桜の町一丁目,65～74歳,2,2,4\n桜の町一丁目,75歳以上,3,4,7\n桜の町一丁目,計,10,13,23\n" +
            "桜の町二丁目,0～64歳,1,1,2\n桜の町二丁目,65歳以上,1,0,1\n";

        var (rows, problems, notes, _) = Read(csv);

        Assert.False(problems.Any, string.Join("; ", problems.Items.Select(p => p.Reason)));
        Assert.Equal(2, rows.Count);
        Assert.Equal(new AgeBands(3, 9, 11, 7), rows[0].Ages);
        Assert.Equal(23, rows[0].Population);
        // 二丁目 gives 「0～64歳」 and 「65歳以上」: its 0–14, 15–64 and 75+ are not known, and are not guessed.
        Assert.Equal(new AgeBands(null, null, 1, null), rows[1].Ages);
        Assert.Contains(notes, n => n.Contains("0～64歳") && n.Contains("空にします"));
    }

    [Fact]
    public void AgesThatDoNotAddUpToTheTotalAreAProblemOfThatRow()
    {
        var csv = "町名,総数,0～14歳,15～64歳,65歳以上\n桜の町一丁目,10,1,2,3\n桜の町二丁目,6,1,2,3\n";

        var (rows, problems, _, _) = Read(csv);

        Assert.Equal("桜の町二丁目", Assert.Single(rows).Name);
        var problem = Assert.Single(problems.Items);
        Assert.Equal((1, "総数"), (problem.Row, problem.Field));
    }
}
