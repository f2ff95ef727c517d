using System.Globalization;
using System.Text.Json;
using FukushiMap.Data.Import;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Tests.Import;

/// <summary>The first-start load of ../shared/gis-data into a real PostGIS database.</summary>
[Collection(ImportDatabaseCollection.Name)]
public sealed class ReferenceDataTests
{
    /// <summary>The published 2015 census population of 宇部市, the acceptance figure of the e-Stat import.</summary>
    private const int UbeCensus2015Population = 169_429;

    private static Task<TestDatabase> Db() => TestDatabase.GetAsync("reference", withReferenceData: true);

    [Fact]
    public async Task UbeHasItsBoundaryAndAPlaneZone()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        var ube = await ctx.Municipalities.SingleAsync(m => m.Code == "35202");
        Assert.Equal("宇部市", ube.Name);
        Assert.Equal("山口県", ube.Prefecture);
        Assert.Equal(6671, ube.PlaneSrid);
        Assert.NotNull(ube.Boundary);
        Assert.True(ube.Boundary!.IsValid);
        Assert.Equal(6668, ube.Boundary.SRID);
        var dataset = await ctx.Datasets.SingleAsync(d => d.Id == ube.DatasetId);
        Assert.Equal("国土数値情報（行政区域データ）（国土交通省）を加工して作成", dataset.Attribution);
    }

    [Fact]
    public async Task UbePopulationSumsToTheCensusTotalWithOneUnitPerKeyCode()
    {
        var db = await Db();
        // Independently of the importer: the UTF-8 CSV derived from the same DBF.
        var csv = ReadCsv(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "estat2015_chome_population_refcities.csv"))
            .Where(r => r["KEN"] == "35" && r["CITY"] == "202").ToList();
        Assert.Equal(471, csv.Count); // the rows as published, multi-part areas counted per part
        var inhabited = csv.Where(r => r["HCODE"] != "8154").ToList();
        var expectedUnits = inhabited.Select(r => r["KEY_CODE"]).Distinct().Count();
        var expectedPopulation = inhabited.Where(r => r["KIGO_E"] is "" or "E1").Sum(r => int.Parse(r["JINKO"], CultureInfo.InvariantCulture));

        await using var ctx = db.CreateContext();
        var units = await ctx.PopulationUnits.Where(p => p.MunicipalityCode == "35202").ToListAsync();
        Assert.Equal(expectedUnits, units.Count);
        Assert.Equal(expectedPopulation, units.Sum(u => u.Population));
        Assert.Equal(UbeCensus2015Population, units.Sum(u => u.Population));
        Assert.Equal(units.Count, units.Select(u => u.KeyCode).Distinct().Count());

        // 則貞２丁目 as in the CSV, at its representative point.
        var noriSada = units.Single(u => u.KeyCode == "35202066002");
        Assert.Equal("則貞２丁目", noriSada.Name);
        Assert.Equal(548, noriSada.Population);
        Assert.Equal(131.27783, noriSada.Point.X, 5);
        Assert.Equal(33.94397, noriSada.Point.Y, 5);
    }

    [Fact]
    public async Task MultiPartAreasCarryTheirPopulationOnceAndSumTheirAreas()
    {
        var db = await Db();
        var parts = ReadCsv(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "estat2015_chome_population_refcities.csv"))
            .Where(r => r["KEY_CODE"] == "35202021231").ToList(); // 大字西岐波柳ケ瀬, E1 + E2
        Assert.Equal(2, parts.Count);
        await using var ctx = db.CreateContext();
        var unit = await ctx.PopulationUnits.SingleAsync(p => p.KeyCode == "35202021231");
        Assert.Equal(int.Parse(parts.Single(r => r["KIGO_E"] == "E1")["JINKO"], CultureInfo.InvariantCulture), unit.Population);
        Assert.Equal(parts.Sum(r => double.Parse(r["AREA"], CultureInfo.InvariantCulture)), unit.AreaSquareMetres!.Value, 3);
    }

    [Fact]
    public async Task UbeHasItsTwentyFourFureaiCentersAsHubs()
    {
        var db = await Db();
        var ids = Features("gsi-designated-shelters", "ube_fureai_centers_24_derived.geojson")
            .Select(f => f.GetProperty("properties").GetProperty("共通ID").GetString()).ToHashSet();

        await using var ctx = db.CreateContext();
        var hubs = await ctx.Hubs.Include(h => h.HubType).Include(h => h.Dataset)
            .Where(h => h.MunicipalityCode == "35202" && h.HubType!.Key == "fureai-center").ToListAsync();
        Assert.Equal(24, hubs.Count);
        Assert.All(hubs, h =>
        {
            Assert.Contains("ふれあいセンター", h.Name);
            Assert.StartsWith("山口県宇部市", h.Address);
            Assert.Contains("相談", h.Functions);
            Assert.Equal(["誰でも"], h.TargetGroups);
            Assert.Equal("出典：国土地理院 指定緊急避難場所・指定避難所データ", h.Dataset!.Attribution);
        });
        Assert.True(ids.SetEquals(hubs.Select(h => h.SourceRef)));
    }

    [Fact]
    public async Task UbeHasItsTenHoukatsuCentresAsNandemoSoudanWithOperatorPhoneAndAddress()
    {
        var db = await Db();
        var source = Features("ube-care-services-yamaguchi-opendata", "ube_houkatsu_centers_10.geojson")
            .Select(f => f.GetProperty("properties")).ToDictionary(p => p.GetProperty("jigyosho_no").GetString()!);
        Assert.Equal(10, source.Count);

        await using var ctx = db.CreateContext();
        var hubs = await ctx.Hubs.Include(h => h.HubType).Include(h => h.Dataset)
            .Where(h => h.MunicipalityCode == "35202" && h.HubType!.Key == "nandemo-soudan").ToListAsync();
        Assert.Equal(source.Count, hubs.Count);
        Assert.All(hubs, h =>
        {
            var row = source[h.SourceRef!];
            Assert.Equal("福祉なんでも相談窓口", h.HubType!.Name);
            Assert.Equal(row.GetProperty("name").GetString(), h.Name);
            Assert.EndsWith("地域包括支援センター", h.Name);
            Assert.Equal(row.GetProperty("operator").GetString(), h.Operator);
            Assert.Equal(row.GetProperty("phone").GetString(), h.Phone);
            Assert.Equal(row.GetProperty("address").GetString(), h.Address);
            Assert.Contains("山口県", h.Dataset!.Attribution);
        });
    }

    [Fact]
    public async Task UbeCareServiceSitesAreCandidateFacilitiesNotHubs()
    {
        var db = await Db();
        var source = Features("ube-care-services-yamaguchi-opendata", "ube_care_services_city_designated_2024-02-01.geojson")
            .Select(f => f.GetProperty("properties").GetProperty("事業所番号").GetString()).ToHashSet();

        await using var ctx = db.CreateContext();
        var facilities = await ctx.Facilities.Include(f => f.Dataset).Where(f => f.MunicipalityCode == "35202").ToListAsync();
        Assert.True(source.SetEquals(facilities.Select(f => f.SourceRef)));
        Assert.All(facilities, f =>
        {
            Assert.Equal("care-service", f.Category);
            Assert.False(string.IsNullOrEmpty(f.Kind)); // 実施サービス
            Assert.StartsWith("宇部市", f.Address);
            Assert.Contains("介護サービス事業所一覧", f.Dataset!.Attribution);
        });
        var names = facilities.Select(f => f.Name).ToHashSet();
        Assert.False(await ctx.Hubs.AnyAsync(h => h.MunicipalityCode == "35202" && names.Contains(h.Name)));
    }

    /// <summary>The ten seed municipalities of issue 13 (JIS X 0402).</summary>
    public static TheoryData<string> SeedMunicipalities =>
        ["35202", "13123", "14205", "13112", "40202", "27203", "06201", "13111", "14116", "40224"];

    [Theory]
    [MemberData(nameof(SeedMunicipalities))]
    public async Task EachSeedCityHasItsBoundaryAndPopulationSummingToThe2015CensusTotal(string code)
    {
        var db = await Db();
        // The census total as published: JINKO summed over the city's rows of the reference CSV (e-Stat sets it on E1 only).
        var rows = CensusRows(code);
        Assert.NotEmpty(rows);
        var censusTotal = rows.Sum(r => long.Parse(r["JINKO"], CultureInfo.InvariantCulture));

        await using var ctx = db.CreateContext();
        var city = await ctx.Municipalities.SingleAsync(m => m.Code == code);
        Assert.NotNull(city.Boundary);
        Assert.True(city.Boundary!.IsValid);
        Assert.EndsWith(rows[0]["CSS_NAME"] is { Length: > 0 } ward ? ward : rows[0]["GST_NAME"], city.Name);
        Assert.Equal(rows[0]["KEN_NAME"], city.Prefecture);
        var units = await ctx.PopulationUnits.Where(p => p.MunicipalityCode == code).ToListAsync();
        Assert.Equal(censusTotal, units.Sum(u => (long)u.Population));
        Assert.Subset(rows.Select(r => r["KEY_CODE"]).ToHashSet(), units.Select(u => u.KeyCode).ToHashSet());
        Assert.All(units, u => Assert.True(city.Boundary.Buffer(0.1).Contains(u.Point), $"{u.Name} は {city.Name} の近くにありません"));
    }

    [Theory]
    [MemberData(nameof(SeedMunicipalities))]
    public async Task EachSeedCityHasTheSheltersOfItsGsiFiles(string code)
    {
        var db = await Db();
        var dir = Path.Combine(TestDatabase.RequireDataPath(), "gsi-designated-shelters");
        int Count(string prefix)
        {
            var file = Directory.GetFiles(dir, $"{prefix}_{code}?.json").Single();
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            // 横浜市泉区 publishes none: the file says {"type":"unavailable"}.
            return json.RootElement.TryGetProperty("features", out var features) ? features.GetArrayLength() : 0;
        }
        await using var ctx = db.CreateContext();
        var shelters = await ctx.Shelters.Where(s => s.MunicipalityCode == code).ToListAsync();
        Assert.Equal(Count("evacuation"), shelters.Count(s => s.Kind == "指定避難所"));
        Assert.Equal(Count("emergency"), shelters.Count(s => s.Kind == "指定緊急避難場所"));
    }

    [Fact]
    public async Task DistrictHubsOfEachCityAreUnderThatCitysOwnTypeOfChikuNoKyoten()
    {
        var db = await Db();
        var byCity = Features("gsi-derived-district-hubs", "district_hubs_yamagata_fujisawa_omuta_fukutsu.geojson")
            .Select(f => f.GetProperty("properties"))
            .GroupBy(p => p.GetProperty("city_code").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(p => p.GetProperty("name").GetString()!).Order().ToList());
        Assert.Equal(4, byCity.Count);

        await using var ctx = db.CreateContext();
        foreach (var (code, names) in byCity)
        {
            var hubs = await ctx.Hubs.Include(h => h.HubType).ThenInclude(t => t!.Parent).Where(h => h.MunicipalityCode == code).ToListAsync();
            Assert.Equal(names, hubs.Select(h => h.Name).Order().ToList());
            var type = Assert.Single(hubs.Select(h => h.HubType!).DistinctBy(t => t.Id));
            Assert.Equal("地区の拠点", type.Parent!.Name);
            var city = await ctx.Municipalities.SingleAsync(m => m.Code == code);
            Assert.Contains(city.Name, type.Name);
        }
    }

    [Fact]
    public async Task UbeSheltersCarryTheHazardsOfTheGsiColumns()
    {
        var db = await Db();
        var dir = Path.Combine(TestDatabase.RequireDataPath(), "gsi-designated-shelters");
        int Count(string name)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, name)));
            return json.RootElement.GetProperty("features").GetArrayLength();
        }
        await using var ctx = db.CreateContext();
        var shelters = await ctx.Shelters.Where(s => s.MunicipalityCode == "35202").ToListAsync();
        Assert.Equal(Count("evacuation_352021.json"), shelters.Count(s => s.Kind == "指定避難所"));
        Assert.Equal(Count("emergency_352021.json"), shelters.Count(s => s.Kind == "指定緊急避難場所"));
        // 鵜の島ふれあいセンター: 崖崩れ、土石流及び地滑り = 1, 津波 = 1 in emergency_352021.json.
        var unoshima = shelters.Single(s => s.SourceRef == "E3520200001201");
        Assert.Equal(["崖崩れ等", "津波"], unoshima.Hazards);
        Assert.All(shelters.Where(s => s.Kind == "指定避難所"), s => Assert.Empty(s.Hazards));
    }

    [Fact]
    public async Task SapporoHasItsSchoolDistrictsAndABoundaryMadeFromThem()
    {
        var db = await Db();
        var dir = Path.Combine(TestDatabase.RequireDataPath(), "fallback-school-districts-sapporo");
        List<string> Names(string file)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, file)));
            return json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("name").GetString()!).ToList();
        }
        var elementary = Names("sapporo_Elementary.geojson");
        var juniorHigh = Names("sapporo_MiddleSchool.geojson");
        Assert.Equal(202, elementary.Count);
        Assert.Equal(98, juniorHigh.Count);

        await using var ctx = db.CreateContext();
        var sapporo = await ctx.Municipalities.SingleAsync(m => m.Code == "01100");
        Assert.Equal("札幌市", sapporo.Name);
        Assert.Equal(6680, sapporo.PlaneSrid);
        Assert.NotNull(sapporo.Boundary);

        var layers = await ctx.DistrictLayers.Include(l => l.Districts).Where(l => l.MunicipalityCode == "01100").ToDictionaryAsync(l => l.Key);
        Assert.Equal("小学校区", layers["elementary"].Kind);
        Assert.Equal("中学校区", layers["junior-high"].Kind);
        Assert.Equal(202, layers["elementary"].Districts.Count);
        // One district per school: 栄南中学校's two polygons are one district.
        Assert.Equal(juniorHigh.Distinct().Count(), layers["junior-high"].Districts.Count);
        Assert.All(layers["elementary"].Districts, d =>
        {
            Assert.Equal("01100", d.MunicipalityCode);
            Assert.Equal(d.Name, d.Code);
            Assert.True(d.AreaSquareMetres > 10_000, $"{d.Name}: {d.AreaSquareMetres} m²");
        });
    }

    [Fact]
    public async Task DistrictAreasAgreeWithPostgisInThePlaneZone()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        var rows = await ctx.Database.SqlQueryRaw<AreaRow>(
            "SELECT d.area_square_metres AS stored, ST_Area(ST_Transform(d.geometry, 6680)) AS postgis FROM districts d WHERE d.municipality_code = '01100'")
            .ToListAsync();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(r.Postgis, r.Stored, r.Postgis * 1e-6));
    }

    [Fact]
    public async Task LoadingTwiceImportsNothingTwice()
    {
        var db = await Db();
        var before = await TableCounts.ReadAsync(db.ConnectionString);
        await using var ctx = db.CreateContext();
        var results = await ReferenceData.EnsureLoadedAsync(ctx, TestDatabase.RequireDataPath());
        Assert.All(results, r => Assert.True(r.Skipped, r.DatasetKey));
        Assert.Equal(before, await TableCounts.ReadAsync(db.ConnectionString));
    }

    [Fact]
    public async Task EveryReferenceRowLinksToADatasetWithItsCredit()
    {
        var db = await Db();
        await using var ctx = db.CreateContext();
        Assert.False(await ctx.Hubs.AnyAsync(h => h.DatasetId == null));
        Assert.False(await ctx.Shelters.AnyAsync(s => s.DatasetId == null));
        Assert.False(await ctx.PopulationUnits.AnyAsync(p => p.DatasetId == null));
        Assert.False(await ctx.DistrictLayers.AnyAsync(l => l.DatasetId == null));
        Assert.False(await ctx.Municipalities.AnyAsync(m => m.DatasetId == null));
        var keys = ReferenceData.Manifest.Select(e => e.Import.Dataset.Key).ToList();
        var datasets = await ctx.Datasets.Where(d => keys.Contains(d.Key)).ToListAsync();
        Assert.Equal(keys.Count, datasets.Count);
        Assert.All(datasets, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Attribution));
            Assert.False(string.IsNullOrWhiteSpace(d.Licence));
            Assert.False(string.IsNullOrWhiteSpace(d.Publisher));
            Assert.NotNull(d.ContentSha256);
            Assert.True(d.FeatureCount > 0);
        });
    }

    private sealed record AreaRow(double Stored, double Postgis);

    private static List<JsonElement> Features(string folder, string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestDatabase.RequireDataPath(), folder, file)));
        return json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.Clone()).ToList();
    }

    /// <summary>The city's rows of the reference CSV (estat2015_chome_population_refcities.csv).</summary>
    internal static List<Dictionary<string, string>> CensusRows(string code) =>
        ReadCsv(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "estat2015_chome_population_refcities.csv"))
            .Where(r => r["KEN"].PadLeft(2, '0') + r["CITY"].PadLeft(3, '0') == code).ToList();

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            return header.Select((h, i) => (h, v: i < cells.Length ? cells[i] : "")).ToDictionary(x => x.h, x => x.v);
        }).ToList();
    }
}
