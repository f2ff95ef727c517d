using FukushiMap.Analysis.Finder;
using FukushiMap.Testing;

namespace FukushiMap.Server.Tests.Finder;

/// <summary>
/// The offline geocoder: how an address as people type it is normalised, and how places are ranked. The first tests use a tiny
/// visible table; the last ones read the real Geolonia 町丁 file of 宇部市 in place.
/// </summary>
public class GeocoderTests
{
    private static GazetteerEntry Ube(string town, double lat, double lon, string? koaza = null, string source = GazetteerSources.Geolonia) =>
        new("35202", "山口県", "宇部市", town, koaza, lat, lon, source);

    // Situation: 則貞 has 丁目 one to three; 恩田町 has 丁目; 風呂ヶ迫町 and 大字東須恵 have none; 中央町 exists in two cities.
    private static readonly GazetteerEntry[] Table =
    [
        Ube("則貞一丁目", 33.9439, 131.2738), Ube("則貞二丁目", 33.9440, 131.2779), Ube("則貞三丁目", 33.9455, 131.2823),
        Ube("恩田町一丁目", 33.9440, 131.2609), Ube("恩田町二丁目", 33.9454, 131.2637),
        Ube("風呂ヶ迫町", 33.9668, 131.2777), Ube("大字東須恵", 33.9793, 131.1953), Ube("大字東須恵", 33.9946, 131.2075, "下岡の上"),
        Ube("中央町一丁目", 33.9500, 131.2500), Ube("鵜の島町", 33.9621, 131.2380),
        new("13111", "東京都", "大田区", "中央一丁目", null, 35.5812, 139.7196, GazetteerSources.Geolonia),
        Ube("則貞２丁目", 33.94397, 131.27783, source: GazetteerSources.Census),
        Ube("西桃山１丁目", 33.9600, 131.2400, source: GazetteerSources.Census),
    ];

    private static readonly Gazetteer Gazetteer = new(Table, ["35202"]);

    [Theory]
    [InlineData("宇部市則貞2丁目")]
    [InlineData("則貞二丁目")]
    [InlineData("則貞２丁目")]
    [InlineData("則貞2")]
    [InlineData("則貞 2 丁目")]
    [InlineData("山口県宇部市則貞二丁目")]
    [InlineData("則貞2丁目、ゆっくり")]
    [InlineData("則貞2丁目3-5")]
    [InlineData("則貞二丁目３番５号")]
    [InlineData("則貞2ー3ー5")]
    [InlineData("則貞２－３")]
    [InlineData("  則貞 二丁目 のあたり ")]
    public void EveryWayOfWritingNoriSada2ChomeFindsItFirstWithFullScore(string query)
    {
        var matches = Gazetteer.Search(query, 5);

        Assert.NotEmpty(matches);
        Assert.Equal("宇部市則貞二丁目", matches[0].Entry.Label);
        Assert.Equal(1.0, matches[0].Score);
        Assert.Equal(GazetteerSources.Geolonia, matches[0].Entry.Source);
    }

    [Theory]
    [InlineData("二丁目", 2)]
    [InlineData("十二丁目", 12)]
    [InlineData("二十丁目", 20)]
    [InlineData("二十三丁目", 23)]
    [InlineData("一〇丁目", 10)]
    [InlineData("２丁目", 2)]
    public void KanjiAndFullWidthNumbersBecomeTheSameChomeNumber(string text, int chome)
    {
        var parsed = AddressNormalizer.ParseLocal(AddressNormalizer.Canonical("則貞" + text));
        Assert.Equal("則貞", parsed.Name);
        Assert.Equal(chome, parsed.Chome);
    }

    [Theory]
    [InlineData("八王子町", "八王子町")]
    [InlineData("五十目山町", "五十目山町")]
    [InlineData("大字東須恵", "東須恵")]
    [InlineData("字東須恵", "東須恵")]
    [InlineData("東須恵字下岡の上", "東須恵下岡の上")]
    [InlineData("風呂ケ迫町", "風呂ヶ迫町")]
    [InlineData("風呂が迫町", "風呂ヶ迫町")]
    [InlineData("風呂ヵ迫町", "風呂ヶ迫町")]
    [InlineData("鵜ノ島町", "鵜の島町")]
    [InlineData("ｱｽﾄﾋﾟｱ", "あすとぴあ")]
    public void NamesAreCanonicalWhateverTheVariantTyped(string text, string canonical)
    {
        Assert.Equal(AddressNormalizer.ParseLocal(AddressNormalizer.Canonical(canonical)).Name,
            AddressNormalizer.ParseLocal(AddressNormalizer.Canonical(text)).Name);
    }

    [Fact]
    public void ChomeIsOptionalAndTheTownsChomeComeInOrder()
    {
        var matches = Gazetteer.Search("則貞", 5);

        Assert.Equal(["宇部市則貞一丁目", "宇部市則貞二丁目", "宇部市則貞三丁目"], matches.Select(m => m.Entry.Label));
        Assert.All(matches, m => Assert.True(m.Score is >= 0.85 and < 0.95));
    }

    [Fact]
    public void OmittedMachiAndDaijiAreFound()
    {
        Assert.Equal("宇部市恩田町二丁目", Gazetteer.Search("恩田2丁目", 1)[0].Entry.Label);
        Assert.Equal("宇部市大字東須恵", Gazetteer.Search("東須恵", 1)[0].Entry.Label);
        Assert.Equal("宇部市風呂ヶ迫町", Gazetteer.Search("風呂ケ迫", 1)[0].Entry.Label);
        Assert.Equal("宇部市鵜の島町", Gazetteer.Search("鵜ノ島", 1)[0].Entry.Label);
    }

    [Fact]
    public void AChomeThatDoesNotExistStillFindsTheTownButLower()
    {
        var matches = Gazetteer.Search("則貞9丁目", 5);

        Assert.NotEmpty(matches);
        Assert.All(matches, m => Assert.StartsWith("宇部市則貞", m.Entry.Label));
        Assert.All(matches, m => Assert.True(m.Score < 0.9));
    }

    [Fact]
    public void ATownInTheServedCityRanksAboveTheSameNameElsewhere()
    {
        var matches = Gazetteer.Search("中央1丁目", 5);

        Assert.Equal("宇部市中央町一丁目", matches[0].Entry.Label);
        Assert.Contains(matches, m => m.Entry.Municipality == "大田区");
        Assert.Equal(["大田区中央一丁目"], Gazetteer.Search("大田区中央1丁目", 5).Select(m => m.Entry.Label));
    }

    [Fact]
    public void CensusPointsStandInOnlyWhereTheAddressTableHasNoPlace()
    {
        // 則貞２丁目 is in both: the Geolonia point wins. 西桃山１丁目 is only in the census table.
        Assert.Single(Gazetteer.Search("則貞2丁目", 10), m => m.Score == 1.0);
        var momoyama = Gazetteer.Search("西桃山1丁目", 1);
        Assert.Equal(GazetteerSources.Census, momoyama[0].Entry.Source);
    }

    [Fact]
    public void NothingMatchingGivesNoMatchesButCloseNamesAsSuggestions()
    {
        Assert.Empty(Gazetteer.Search("則定", 5));
        var suggestions = Gazetteer.Suggest("則定", 5);
        Assert.Equal("則貞一丁目", suggestions[0].Town);
        Assert.All(suggestions, s => Assert.Equal("35202", s.MunicipalityCode));
    }

    [Theory]
    [InlineData("則定2丁目", "則貞二丁目")]
    [InlineData("則定二丁目", "則貞二丁目")]
    [InlineData("則定3", "則貞三丁目")]
    [InlineData("則定9丁目", "則貞一丁目")]
    public void SuggestionsKeepThe丁目Typed(string typed, string suggested)
    {
        Assert.Empty(Gazetteer.Search(typed, 5));
        Assert.Equal(suggested, Gazetteer.Suggest(typed, 5)[0].Town);
    }

    [Fact]
    public void KanaReadingsAreUsedWhenTheTableHasThem()
    {
        var withReadings = new Gazetteer([Ube("則貞二丁目", 33.944, 131.278) with { Readings = ["のりさだ2ちょうめ", "のりさだ"] }], ["35202"]);

        Assert.True(withReadings.HasReadings);
        Assert.Equal("宇部市則貞二丁目", withReadings.Search("のりさだ", 1).Single().Entry.Label);
        Assert.Equal("宇部市則貞二丁目", withReadings.Search("ノリサダ", 1).Single().Entry.Label);
        Assert.False(Gazetteer.HasReadings);
    }

    [Fact]
    public void TheRealUbeAddressTableHasEveryChomeOfNoriSadaAndNoReadings()
    {
        var file = Directory.GetFiles(Path.Combine(TestDatabase.RequireDataPath(), GazetteerProvider.GeoloniaFolder), "35202_*.json").Single();
        var entries = GazetteerProvider.ReadGeolonia(file).ToList();
        var gazetteer = new Gazetteer(entries, ["35202"]);

        // Every row with coordinates (2 of 宇部市's rows have none).
        using var raw = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(raw.RootElement.EnumerateArray().Count(r => r.GetProperty("lat").ValueKind == System.Text.Json.JsonValueKind.Number), entries.Count);
        Assert.All(entries, e => Assert.Equal("宇部市", e.Municipality));
        Assert.False(gazetteer.HasReadings);
        var best = gazetteer.Search("則貞2丁目、ゆっくり", 3)[0];
        var expected = entries.Single(e => e.Town == "則貞二丁目");
        Assert.Equal((expected.Lat, expected.Lon), (best.Entry.Lat, best.Entry.Lon));
        Assert.Equal(6, gazetteer.Search("則貞", 10).Count);
    }

    // Situation (one city, 40999, points in degrees):
    //
    //      北町一丁目 (33.96, 131.20)          — far from the middle
    //
    //      大字中 (33.9500, 131.2500)           — the middle, but no 丁目
    //      南町三丁目 census (33.9501, 131.2501) — the middle, but only a census point
    //      西町二丁目 (33.9505, 131.2495)       — near the middle, address data, with 丁目  → the example
    //
    //      東町四丁目 (33.94, 131.30)
    [Fact]
    public void TheAddressExampleIsTheCitysAddressDataPlaceWithA丁目NearestItsMiddle()
    {
        static GazetteerEntry Fictional(string town, double lat, double lon, string source = GazetteerSources.Geolonia) =>
            new("40999", "福岡県", "架空市", town, null, lat, lon, source);
        var table = new Gazetteer(
        [
            Fictional("北町一丁目", 33.96, 131.20), Fictional("大字中", 33.9500, 131.2500), Fictional("南町三丁目", 33.9501, 131.2501, GazetteerSources.Census),
            Fictional("西町二丁目", 33.9505, 131.2495), Fictional("東町四丁目", 33.94, 131.30), .. Table,
        ], ["35202"]);

        var example = table.Example("40999");

        Assert.NotNull(example);
        Assert.Equal("西町二丁目", example.Entry.Town);
        Assert.Equal("西町2丁目", example.Typed);
        // Typed as shown, it finds that very place.
        Assert.Equal("架空市西町二丁目", table.Search("架空市" + example.Typed, 1).Single().Entry.Label);
        Assert.Equal(example, table.ExampleNamed("架空市"));
        Assert.Null(table.Example("40998"));
    }

    [Fact]
    public void ACityWithout丁目IsExampledByAPlaceAsItIsWritten()
    {
        var table = new Gazetteer([new("40999", "福岡県", "架空町", "大字中", null, 33.95, 131.25, GazetteerSources.Geolonia)]);

        var example = table.Example("40999");

        Assert.NotNull(example);
        Assert.Equal("大字中", example.Typed);
    }
}
