using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Testing;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Tests.Setup;

/// <summary>
/// A population upload never loses what it replaces: the 2015 census units a first upload replaces are kept as a version,
/// 「取り込み前のデータ（…）」, restorable with e-Stat's credit. A city's 住民基本台帳 町丁別年齢別 CSV (Shift_JIS, 漢数字 丁目,
/// title lines) is joined by 町丁 name to the census units; an unknown 町丁 is named and nothing is written. Each test leaves
/// its seed city's census in place again (the welfare database outlives runs and is shared by the collection).
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed partial class PopulationUploadTests(WelfareFixture fixture)
{
    private const string Fukutsu = "40224";
    private const string Toyonaka = "27203";

    /// <summary>A 町丁・字 of the reference census CSV: one per KEY_CODE (the E1 part), without 水面 and empty 抜け地.</summary>
    internal sealed record CensusUnit(string KeyCode, string Name, int Population, double Lon, double Lat);

    internal static List<CensusUnit> Census(string code)
    {
        var lines = File.ReadAllLines(Path.Combine(TestDatabase.RequireDataPath(), "estat-2015-chome-population", "estat2015_chome_population_refcities.csv"));
        var h = lines[0].Split(',').Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(r => r[h["KEN"]].PadLeft(2, '0') + r[h["CITY"]].PadLeft(3, '0') == code)
            .Where(r => r[h["HCODE"]] != "8154" && !(r[h["KIGO_D"]] == "D1" && r[h["JINKO"]] is "0" or ""))
            .GroupBy(r => r[h["KEY_CODE"]])
            .Select(g => g.FirstOrDefault(r => r[h["KIGO_E"]] == "E1") ?? g.First())
            .Select(r => new CensusUnit(r[h["KEY_CODE"]], r[h["MOJI"]], int.Parse(r[h["JINKO"]] is { Length: > 0 } j ? j : "0", CultureInfo.InvariantCulture),
                double.Parse(r[h["X_CODE"]], CultureInfo.InvariantCulture), double.Parse(r[h["Y_CODE"]], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private async Task<List<JsonElement>> UnitsAsync(string code)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var doc = JsonDocument.Parse(await http.GetStringAsync($"collections/population-units/items?limit=10000&municipality_code={code}")).RootElement;
        return doc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").Clone()).ToList();
    }

    private async Task<long> TotalAsync(string code) => (await UnitsAsync(code)).Sum(p => p.GetProperty("population").GetInt64());

    internal static async Task<List<JsonElement>> VersionsAsync(WelfareClient client, string code) =>
        (await client.GetJsonAsync($"api/setup/versions?municipality={code}&kind=population")).EnumerateArray().ToList();

    /// <summary>The version holding what the first population upload of <paramref name="code"/> replaced (null before any upload).</summary>
    internal static async Task<JsonElement?> PreUploadVersionAsync(WelfareClient client, string code) =>
        (await VersionsAsync(client, code)).Where(v => v.GetProperty("label").GetString()?.StartsWith("取り込み前のデータ（", StringComparison.Ordinal) == true)
            .OrderByDescending(v => v.GetProperty("id").GetInt32()).Cast<JsonElement?>().FirstOrDefault();

    /// <summary>Puts the census back when a test (this run's or an earlier one's) left an upload current.</summary>
    internal static async Task RestoreCensusAsync(WelfareClient client, string code)
    {
        if (await PreUploadVersionAsync(client, code) is { } v && !v.GetProperty("isCurrent").GetBoolean())
        {
            var restored = await client.SendAsync(HttpMethod.Post, $"api/setup/versions/{v.GetProperty("id").GetInt32()}/restore");
            Assert.True(restored.StatusCode == HttpStatusCode.OK, await restored.Content.ReadAsStringAsync());
        }
    }

    internal static async Task<JsonElement> PreviewAsync(WelfareClient client, byte[] bytes, string fileName, string code)
    {
        var response = await UploadApiTests.UploadAsync(client, bytes, fileName, new() { ["kind"] = "population", ["municipality"] = code });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    internal static async Task<HttpResponseMessage> CommitAsync(WelfareClient client, JsonElement preview) =>
        await client.SendAsync(HttpMethod.Post, $"api/setup/uploads/{preview.GetProperty("id").GetString()}/commit");

    private static List<(int? Row, string? Field, string Reason)> ProblemsOf(JsonElement e) => UploadApiTests.ProblemsOf(e);

    [Fact]
    public async Task TheCensusAPopulationUploadReplacedIsKeptAsAVersionAndRestoresWithItsECredit()
    {
        using var client = await UploadApiTests.PlannerForAsync(fixture, Fukutsu);
        await RestoreCensusAsync(client, Fukutsu);
        var census = Census(Fukutsu);
        var censusTotal = census.Sum(u => (long)u.Population);
        Assert.Equal(censusTotal, await TotalAsync(Fukutsu));
        try
        {
            // A city's own file of two 町丁 with invented figures, in the e-Stat columns.
            var two = census.Take(2).ToList();
            var csv = "KEY_CODE,MOJI,JINKO,X_CODE,Y_CODE\n" + string.Join("\n", two.Select((u, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{u.KeyCode},{u.Name},{1000 + i},{u.Lon},{u.Lat}"))) + "\n";
            var preview = await PreviewAsync(client, Encoding.UTF8.GetBytes(csv), "fukutsu-population.csv", Fukutsu);
            Assert.Empty(ProblemsOf(preview));
            var committed = await CommitAsync(client, preview);
            Assert.True(committed.StatusCode == HttpStatusCode.OK, await committed.Content.ReadAsStringAsync());

            Assert.Equal(1000 + 1001, await TotalAsync(Fukutsu));
            var kept = await PreUploadVersionAsync(client, Fukutsu);
            Assert.NotNull(kept);
            Assert.False(kept.Value.GetProperty("isCurrent").GetBoolean());
            Assert.Equal(census.Count, kept.Value.GetProperty("featureCount").GetInt32());
            Assert.Contains("e-Stat", kept.Value.GetProperty("attribution").GetString());
            Assert.Contains("国勢調査", kept.Value.GetProperty("label").GetString());

            var restored = await client.SendAsync(HttpMethod.Post, $"api/setup/versions/{kept.Value.GetProperty("id").GetInt32()}/restore");

            Assert.True(restored.StatusCode == HttpStatusCode.OK, await restored.Content.ReadAsStringAsync());
            Assert.Equal(censusTotal, await TotalAsync(Fukutsu));
            var units = await UnitsAsync(Fukutsu);
            Assert.Equal(census.Select(u => u.KeyCode).Order(), units.Select(u => u.GetProperty("key_code").GetString()).Order());
            Assert.All(units, u => Assert.Contains("e-Stat", u.GetProperty("attribution").GetString()));
            var datasets = (await client.GetJsonAsync($"api/datasets?municipality_code={Fukutsu}")).EnumerateArray()
                .Where(d => d.GetProperty("layers").EnumerateArray().Any(l => l.GetString() == "population-units")).ToList();
            var credit = Assert.Single(datasets);
            Assert.Contains("総務省統計局", credit.GetProperty("publisher").GetString());
            Assert.Equal("2015年国勢調査", credit.GetProperty("vintage").GetString());
            Assert.DoesNotContain("福津市", credit.GetProperty("attribution").GetString());

            await using var db = fixture.Database.CreateContext();
            var id = kept.Value.GetProperty("id").GetInt32();
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.Resource == "upload" && a.RecordIds.Contains(id)).ToListAsync();
            Assert.Contains(audit, a => a.Action == "upload-keep-previous" && a.Outcome == "ok");
            Assert.Contains(audit, a => a.Action == "upload-restore" && a.Outcome == "ok");
        }
        finally
        {
            await RestoreCensusAsync(client, Fukutsu);
        }
    }

    [Fact]
    public async Task ReferenceHubsOfATypeAnUploadReplacedAreKeptAndRestoredWithTheirCredit()
    {
        const string type = "chiku-fukutsu";
        using var client = await UploadApiTests.PlannerForAsync(fixture, Fukutsu);
        async Task<List<JsonElement>> HubsAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
            var doc = JsonDocument.Parse(await http.GetStringAsync($"collections/hubs/items?limit=10000&municipality_code={Fukutsu}")).RootElement;
            return doc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").Clone())
                .Where(p => p.GetProperty("type").GetString() == type).ToList();
        }
        async Task<JsonElement?> KeptAsync() =>
            (await client.GetJsonAsync($"api/setup/versions?municipality={Fukutsu}&kind=hubs")).EnumerateArray()
                .Where(v => v.GetProperty("target").GetString() == type && v.GetProperty("label").GetString() is not null)
                .OrderByDescending(v => v.GetProperty("id").GetInt32()).Cast<JsonElement?>().FirstOrDefault();
        async Task RestoreAsync()
        {
            if (await KeptAsync() is { } v && !v.GetProperty("isCurrent").GetBoolean())
            {
                Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"api/setup/versions/{v.GetProperty("id").GetInt32()}/restore")).StatusCode);
            }
        }
        await RestoreAsync();
        var reference = await HubsAsync();
        Assert.NotEmpty(reference);
        try
        {
            var first = Census(Fukutsu)[0];
            var csv = string.Create(CultureInfo.InvariantCulture, $"name,lon,lat\n市の地区拠点,{first.Lon},{first.Lat}\n");
            var response = await UploadApiTests.UploadAsync(client, Encoding.UTF8.GetBytes(csv), "hubs.csv",
                new() { ["kind"] = "hubs", ["municipality"] = Fukutsu, ["hubType"] = type });
            var preview = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Empty(ProblemsOf(preview));
            Assert.Equal(HttpStatusCode.OK, (await CommitAsync(client, preview)).StatusCode);
            Assert.Equal(["市の地区拠点"], (await HubsAsync()).Select(h => h.GetProperty("name").GetString()));

            var kept = await KeptAsync();
            Assert.Equal(reference.Count, kept!.Value.GetProperty("featureCount").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"api/setup/versions/{kept.Value.GetProperty("id").GetInt32()}/restore")).StatusCode);

            var restored = await HubsAsync();
            string[] keys = ["name", "address", "phone", "operator", "functions", "target_groups", "opening_hours", "email", "website", "accessibility", "attribution"];
            string Row(JsonElement h) => string.Join("|", keys.Select(k => h.TryGetProperty(k, out var v) ? v.ToString() : ""));
            Assert.Equal(reference.Select(Row).Order(), restored.Select(Row).Order());
        }
        finally
        {
            await RestoreAsync();
        }
    }

    /// <summary>
    /// A 住民基本台帳 table as a city publishes it: title and 基準日 lines, then 町丁名, 総数, 男, 女 and single years 0歳 … 100歳以上;
    /// the names written the register's way (漢数字 丁目, 半角 digits, a space); a 合計 row at the end. Ages invented per 町丁.
    /// </summary>
    private static (string Csv, long Total, long Age65Plus, long Age75Plus, long Age0To14) ResidentRegister(List<CensusUnit> units, string? extraName = null)
    {
        var random = new Random(27203);
        var text = new StringBuilder("豊中市 町丁別年齢別人口（住民基本台帳）\n令和6年3月31日現在\n");
        text.Append("町丁名,総数,男,女,").Append(string.Join(",", Enumerable.Range(0, 100).Select(a => $"{a}歳"))).Append(",100歳以上\n");
        long total = 0, old = 0, older = 0, young = 0;
        var names = units.Select(u => u.Name).ToList();
        if (extraName is not null)
        {
            names.Insert(3, extraName);
        }
        for (var i = 0; i < names.Count; i++)
        {
            var ages = Enumerable.Range(0, 101).Select(_ => random.Next(0, 4)).ToArray();
            var sum = ages.Sum();
            total += sum;
            old += ages.Skip(65).Sum();
            older += ages.Skip(75).Sum();
            young += ages.Take(15).Sum();
            text.Append(RegisterName(names[i], i)).Append(',').Append(sum).Append(',').Append(sum / 2).Append(',').Append(sum - sum / 2).Append(',')
                .Append(string.Join(",", ages)).Append('\n');
        }
        text.Append("合計,").Append(total).Append(",,,").Append(string.Join(",", Enumerable.Repeat("", 101))).Append('\n');
        return (text.ToString(), total, old, older, young);
    }

    /// <summary>「上野西１丁目」 as a register writes it: 「上野西一丁目」 (every other row), 「上野西1丁目」, or 「上野西 １丁目」.</summary>
    private static string RegisterName(string census, int i) => (i % 3) switch
    {
        0 => ChomeNumber().Replace(census, m => $"{Kanji(int.Parse(m.Groups[1].Value.Normalize(NormalizationForm.FormKC), CultureInfo.InvariantCulture))}丁目"),
        1 => census.Normalize(NormalizationForm.FormKC),
        _ => ChomeNumber().Replace(census, m => " " + m.Value),
    };

    private static string Kanji(int n)
    {
        const string digits = "〇一二三四五六七八九";
        return n switch { < 10 => digits[n].ToString(), 10 => "十", < 20 => "十" + digits[n - 10], _ => $"{digits[n / 10]}十{(n % 10 == 0 ? "" : digits[n % 10].ToString())}" };
    }

    [GeneratedRegex("([０-９0-9]+)丁目")]
    private static partial Regex ChomeNumber();

    private static byte[] ShiftJis(string text) => UploadApiTests.CodePages().GetBytes(text);

    [Fact]
    public async Task AResidentRegisterTableIsJoinedByChomeNameAndAnUnknownChomeIsNamedWithNothingWritten()
    {
        using var client = await UploadApiTests.PlannerForAsync(fixture, Toyonaka);
        await RestoreCensusAsync(client, Toyonaka);
        var census = Census(Toyonaka);
        var before = await TotalAsync(Toyonaka);
        Assert.Equal(census.Sum(u => (long)u.Population), before);
        Assert.Contains(census, u => ChomeNumber().IsMatch(u.Name)); // the 漢数字 variants are exercised
        try
        {
            var bad = ResidentRegister(census, extraName: "ありえない町九丁目");
            var refused = await PreviewAsync(client, ShiftJis(bad.Csv), "住基_町丁別年齢別.csv", Toyonaka);

            var problem = Assert.Single(ProblemsOf(refused));
            Assert.Equal((4, "町丁名"), (problem.Row, problem.Field));
            Assert.Contains("ありえない町九丁目", problem.Reason);
            Assert.False(refused.GetProperty("canCommit").GetBoolean());
            Assert.Equal(HttpStatusCode.BadRequest, (await CommitAsync(client, refused)).StatusCode);
            Assert.Equal(before, await TotalAsync(Toyonaka));

            var good = ResidentRegister(census);
            var preview = await PreviewAsync(client, ShiftJis(good.Csv), "住基_町丁別年齢別.csv", Toyonaka);
            Assert.Empty(ProblemsOf(preview));
            Assert.Contains("Shift_JIS", preview.GetProperty("encoding").GetString());
            Assert.Equal(census.Count, preview.GetProperty("valid").GetInt32());
            Assert.Contains(preview.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("令和6年3月31日現在"));
            var committed = await CommitAsync(client, preview);
            Assert.True(committed.StatusCode == HttpStatusCode.OK, await committed.Content.ReadAsStringAsync());

            var units = await UnitsAsync(Toyonaka);
            Assert.Equal(good.Total, units.Sum(u => u.GetProperty("population").GetInt64()));
            Assert.Equal(good.Age65Plus, units.Sum(u => u.GetProperty("age_65_plus").GetInt64()));
            Assert.Equal(good.Age75Plus, units.Sum(u => u.GetProperty("age_75_plus").GetInt64()));
            Assert.Equal(good.Age0To14, units.Sum(u => u.GetProperty("age_0_14").GetInt64()));
            Assert.Equal(census.Select(u => u.KeyCode).Order(), units.Select(u => u.GetProperty("key_code").GetString()).Order());
            Assert.All(units, u => Assert.Contains("豊中市", u.GetProperty("attribution").GetString()));
        }
        finally
        {
            await RestoreCensusAsync(client, Toyonaka);
        }
        Assert.Equal(before, await TotalAsync(Toyonaka));
    }
}
