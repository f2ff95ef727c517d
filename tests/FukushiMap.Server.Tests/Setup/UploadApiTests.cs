using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Coverage;
using FukushiMap.Server.Setup;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.Setup;

/// <summary>
/// Planners set up their city in the browser: upload → preview with problems by row and field → fix → commit all or
/// nothing as a new version → the hubs are served at once; earlier versions restored; every step audited; other cities refused.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class UploadApiTests(WelfareFixture fixture)
{
    private const string Edogawa = "13123";

    /// <summary>Places in 江戸川区 (Geolonia 住所データ): 一之江一丁目, 一之江二丁目, 一之江三丁目.</summary>
    private static readonly (double Lon, double Lat)[] Places = [(139.883477, 35.699968), (139.884026, 35.694961), (139.884531, 35.688715)];

    public static async Task<WelfareClient> PlannerForAsync(WelfareFixture fixture, params string[] municipalities) =>
        await fixture.SignInAsync(await PlannerUserAsync(fixture, municipalities));

    /// <summary>A new 計画担当 holding <paramref name="municipalities"/>.</summary>
    public static async Task<WelfareFixture.TestUser> PlannerUserAsync(WelfareFixture fixture, params string[] municipalities)
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Planner);
        using (var scope = fixture.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();
            var entity = (await users.FindByIdAsync(user.Id))!;
            foreach (var code in municipalities)
            {
                await users.AddClaimAsync(entity, new Claim(UploadApi.MunicipalityClaim, code));
            }
        }
        return user;
    }

    public static async Task<HttpResponseMessage> UploadAsync(WelfareClient client, byte[] bytes, string fileName, Dictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v, Encoding.UTF8), k);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "api/setup/uploads") { Content = form };
        if (client.CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-TOKEN", client.CsrfToken);
        }
        return await client.Http.SendAsync(request);
    }

    private static Dictionary<string, string> Hubs(string type, string municipality = Edogawa) =>
        new() { ["kind"] = "hubs", ["municipality"] = municipality, ["hubType"] = type };

    /// <summary>A hub list as a city keeps it in Excel: 名称, 住所, 緯度, 経度, 電話番号; one row has an address only.</summary>
    public static byte[] HubWorkbook(string marker, string? badLongitude, string nameHeader = "名称")
    {
        var rows = new List<object?[]>
        {
            new object?[] { $"なごみの家 一之江 {marker}", "江戸川区一之江一丁目", Places[0].Lat, Places[0].Lon, "03-0000-0001" },
            new object?[] { $"なごみの家 一之江二 {marker}", "江戸川区一之江二丁目", Places[1].Lat, badLongitude is null ? Places[1].Lon : badLongitude, "03-0000-0002" },
            new object?[] { $"なごみの家 住所だけ {marker}", "江戸川区一之江三丁目", null, null, "03-0000-0003" },
        };
        return TestWorkbook.Create("拠点一覧", [nameHeader, "住所", "緯度", "経度", "電話番号"], rows);
    }

    private async Task<List<string>> PublicHubNamesAsync(string municipality = Edogawa)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var doc = JsonDocument.Parse(await http.GetStringAsync($"collections/hubs/items?limit=10000&municipality_code={municipality}")).RootElement;
        return doc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("name").GetString()!).ToList();
    }

    private static async Task<JsonElement> CommitAsync(WelfareClient client, string id, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.SendAsync(HttpMethod.Post, $"api/setup/uploads/{id}/commit");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> PreviewAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    internal static List<(int? Row, string? Field, string Reason)> ProblemsOf(JsonElement e) =>
        e.GetProperty("problems").EnumerateArray().Select(p => (
            p.GetProperty("row").ValueKind == JsonValueKind.Number ? p.GetProperty("row").GetInt32() : (int?)null,
            p.GetProperty("field").GetString(), p.GetProperty("reason").GetString()!)).ToList();

    [Fact]
    public async Task AnExcelListWithOneBadRowIsNamedByRowAndFieldAndTheFixedListCommitsAndIsServedAtOnce()
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var marker = Guid.NewGuid().ToString("N")[..6];

        var bad = await PreviewAsync(await UploadAsync(client, HubWorkbook(marker, badLongitude: "東経139.88"), "nagomi.xlsx", Hubs("nagomi")));

        var problem = Assert.Single(ProblemsOf(bad));
        Assert.Equal((2, "経度"), (problem.Row, problem.Field));
        Assert.Contains("数値ではありません", problem.Reason);
        Assert.False(bad.GetProperty("canCommit").GetBoolean());
        Assert.Equal(["名称", "住所", "緯度", "経度", "電話番号"], bad.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("名称", bad.GetProperty("columns").GetProperty("name").GetString());
        var refused = await CommitAsync(client, bad.GetProperty("id").GetString()!, HttpStatusCode.BadRequest);
        Assert.Contains(refused.GetProperty("problems").EnumerateArray(), p => p.GetProperty("field").GetString() == "経度");
        Assert.DoesNotContain(await PublicHubNamesAsync(), n => n.Contains(marker));

        var fixedPreview = await PreviewAsync(await UploadAsync(client, HubWorkbook(marker, badLongitude: null), "nagomi.xlsx", Hubs("nagomi")));
        Assert.Empty(ProblemsOf(fixedPreview));
        Assert.Equal(3, fixedPreview.GetProperty("valid").GetInt32());
        Assert.Equal(3, fixedPreview.GetProperty("features").GetProperty("features").GetArrayLength());
        var placed = Assert.Single(fixedPreview.GetProperty("geocoded").EnumerateArray());
        Assert.Equal((3, "住所"), (placed.GetProperty("row").GetInt32(), placed.GetProperty("field").GetString()));
        Assert.Contains("一之江三丁目", placed.GetProperty("matched").GetString());

        var committed = await CommitAsync(client, fixedPreview.GetProperty("id").GetString()!);
        Assert.Equal(3, committed.GetProperty("written").GetProperty("hubs").GetInt32());

        var names = await PublicHubNamesAsync();
        Assert.Equal(3, names.Count(n => n.Contains(marker)));
        var catalogue = await fixture.Services.GetRequiredService<HubCatalogue>().GetAsync(Edogawa);
        Assert.Equal(3, catalogue.Hubs.Count(h => h.Name.Contains(marker)));
        var addressOnly = catalogue.Hubs.Single(h => h.Name == $"なごみの家 住所だけ {marker}");
        Assert.True(Math.Abs(addressOnly.Location.Y - 35.688715) < 0.01 && Math.Abs(addressOnly.Location.X - 139.884531) < 0.01);
    }

    [Fact]
    public async Task AnAddressTheAddressTableDoesNotKnowIsListedAsUnmatched()
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var csv = "名称,住所\nどこでもない拠点,江戸川区ありえない町九十九丁目\n";

        var preview = await PreviewAsync(await UploadAsync(client, Encoding.UTF8.GetBytes(csv), "nowhere.csv", Hubs("nagomi")));

        var unmatched = Assert.Single(preview.GetProperty("unmatched").EnumerateArray());
        Assert.Equal("江戸川区ありえない町九十九丁目", unmatched.GetProperty("address").GetString());
        Assert.Contains(ProblemsOf(preview), p => p.Row == 1 && p.Field == "住所");
        Assert.False(preview.GetProperty("canCommit").GetBoolean());
    }

    public static TheoryData<string> Formats => new("csv-utf8", "csv-sjis", "geojson", "gpkg");

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task EveryFormatIsReadByTheSameImporter(string format)
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var names = new[] { "拠点Ａ", "拠点Ｂ" };
        (byte[] Bytes, string Name) file = format switch
        {
            "csv-utf8" => (Encoding.UTF8.GetBytes(Csv(names)), "hubs.csv"),
            "csv-sjis" => (CodePages().GetBytes(Csv(names)), "hubs.csv"),
            "geojson" => (Encoding.UTF8.GetBytes(GeoJson(names)), "hubs.geojson"),
            _ => (GeoPackageWriter.Write([new GeoPackageTable("hubs", "拠点", "POINT", [new GeoPackageColumn("name", "TEXT")],
                names.Select((n, i) => ((Geometry?)new Point(Places[i].Lon, Places[i].Lat) { SRID = 6668 }, new object?[] { n })).ToList())]), "hubs.gpkg"),
        };

        var preview = await PreviewAsync(await UploadAsync(client, file.Bytes, file.Name, Hubs("ibasho")));

        Assert.Empty(ProblemsOf(preview));
        Assert.Equal(names, preview.GetProperty("features").GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("name").GetString()));
        if (format == "csv-sjis")
        {
            Assert.Contains("Shift_JIS", preview.GetProperty("encoding").GetString());
        }
    }

    [Fact]
    public async Task AZippedShapefileOfSheltersIsPreviewed()
    {
        using var client = await PlannerForAsync(fixture, "35202");
        var zip = await File.ReadAllBytesAsync(Path.Combine(FukushiMap.Testing.TestDatabase.RequireDataPath(), "ube-ksj-p20-shelters", "ube_shelters_original_shapefile.zip"));

        var preview = await PreviewAsync(await UploadAsync(client, zip, "shelters.zip",
            new() { ["kind"] = "shelters", ["municipality"] = "35202", ["shelterKind"] = "指定避難所" }));

        Assert.Empty(ProblemsOf(preview));
        Assert.True(preview.GetProperty("rows").GetInt32() > 30);
        Assert.Equal(preview.GetProperty("rows").GetInt32(), preview.GetProperty("valid").GetInt32());
    }

    private static string Csv(string[] names) =>
        "name,lon,lat\n" + string.Join("\n", names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n},{Places[i].Lon},{Places[i].Lat}"))) + "\n";

    private static string GeoJson(string[] names) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", names.Select((n, i) => string.Create(CultureInfo.InvariantCulture,
            $"{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{n}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{Places[i].Lon},{Places[i].Lat}]}}}}"))) + "]}";

    internal static Encoding CodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932);
    }

    private async Task<int> CommitCsvAsync(WelfareClient client, string type, params string[] names)
    {
        var preview = await PreviewAsync(await UploadAsync(client, Encoding.UTF8.GetBytes(Csv(names)), "hubs.csv", Hubs(type)));
        Assert.Empty(ProblemsOf(preview));
        return (await CommitAsync(client, preview.GetProperty("id").GetString()!)).GetProperty("version").GetInt32();
    }

    private static async Task<List<JsonElement>> VersionsAsync(WelfareClient client, string type) =>
        (await client.GetJsonAsync($"api/setup/versions?municipality={Edogawa}&kind=hubs")).EnumerateArray()
            .Where(v => v.GetProperty("target").GetString() == type).ToList();

    [Fact]
    public async Task AFailureMidCommitLeavesThePreviousVersionInPlace()
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var marker = Guid.NewGuid().ToString("N")[..6];
        var first = await CommitCsvAsync(client, "kodomo-shokudo", $"食堂一 {marker}", $"食堂二 {marker}");
        await using (var db = fixture.Database.CreateContext())
        {
            // The database refuses the second hub of the next file: the failure comes after the old rows were deleted and the first new row written.
            var create = $"""
                CREATE OR REPLACE FUNCTION test_refuse_{marker}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'test refusal'; END $$;
                CREATE TRIGGER test_refuse_{marker} BEFORE INSERT ON hubs FOR EACH ROW
                    WHEN (NEW.name = '失敗する食堂 {marker}') EXECUTE FUNCTION test_refuse_{marker}();
                """;
            await db.Database.ExecuteSqlRawAsync(create);
        }
        try
        {
            var preview = await PreviewAsync(await UploadAsync(client, Encoding.UTF8.GetBytes(Csv([$"新しい食堂 {marker}", $"失敗する食堂 {marker}"])), "hubs.csv", Hubs("kodomo-shokudo")));
            var failed = await CommitAsync(client, preview.GetProperty("id").GetString()!, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("前の版のまま", failed.GetProperty("detail").GetString());
        }
        finally
        {
            await using var db = fixture.Database.CreateContext();
            var drop = $"DROP TRIGGER test_refuse_{marker} ON hubs; DROP FUNCTION test_refuse_{marker}();";
            await db.Database.ExecuteSqlRawAsync(drop);
        }

        var names = await PublicHubNamesAsync();
        Assert.Contains($"食堂一 {marker}", names);
        Assert.Contains($"食堂二 {marker}", names);
        Assert.DoesNotContain($"新しい食堂 {marker}", names);
        Assert.Equal(first, (await VersionsAsync(client, "kodomo-shokudo")).Single(v => v.GetProperty("isCurrent").GetBoolean()).GetProperty("id").GetInt32());
        await using var check = fixture.Database.CreateContext();
        Assert.Contains(await check.AuditLog.AsNoTracking().Where(a => a.Action == "upload-commit" && a.Outcome == "failed").ToListAsync(), a => a.Purpose!.Contains("kodomo-shokudo"));
    }

    [Fact]
    public async Task AVersionWhoseHubWasEditedOnTheHubPageIsNotReplacedSilently()
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var marker = Guid.NewGuid().ToString("N")[..6];
        // A hub type of this run's own: the test database outlives runs, and an earlier run's edited hub would hold the slot.
        var type = $"test-edited-{marker}";
        await using (var db = fixture.Database.CreateContext())
        {
            db.HubTypes.Add(new FukushiMap.Data.Entities.HubType { Key = type, Name = $"（テスト）編集された拠点 {marker}" });
            await db.SaveChangesAsync();
        }
        await CommitCsvAsync(client, type, $"包括 {marker}");
        var hub = (await client.GetJsonAsync($"api/hub-admin/hubs?municipality={Edogawa}")).EnumerateArray().Single(h => h.GetProperty("name").GetString() == $"包括 {marker}");
        var edited = await client.SendAsync(HttpMethod.Patch, $"api/hub-admin/hubs/{hub.GetProperty("id").GetInt32()}", new { phone = "03-0000-0000" }, hub.GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

        var preview = await PreviewAsync(await UploadAsync(client, Encoding.UTF8.GetBytes(Csv([$"包括（新） {marker}"])), "hubs.csv", Hubs(type)));
        var refused = await CommitAsync(client, preview.GetProperty("id").GetString()!, HttpStatusCode.Conflict);

        Assert.Contains("変更履歴", refused.GetProperty("detail").GetString());
        var names = await PublicHubNamesAsync();
        Assert.Contains($"包括 {marker}", names);
        Assert.DoesNotContain($"包括（新） {marker}", names);
    }

    [Fact]
    public async Task APreviousVersionCanBeRestoredAndEveryStepIsAudited()
    {
        using var client = await PlannerForAsync(fixture, Edogawa);
        var marker = Guid.NewGuid().ToString("N")[..6];
        var first = await CommitCsvAsync(client, "volunteer-center", $"旧センター {marker}");
        var second = await CommitCsvAsync(client, "volunteer-center", $"新センター一 {marker}", $"新センター二 {marker}");
        var names = await PublicHubNamesAsync();
        Assert.DoesNotContain($"旧センター {marker}", names);
        Assert.Contains($"新センター一 {marker}", names);

        var restored = await client.SendAsync(HttpMethod.Post, $"api/setup/versions/{first}/restore");

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        names = await PublicHubNamesAsync();
        Assert.Contains($"旧センター {marker}", names);
        Assert.DoesNotContain(names, n => n.StartsWith("新センター") && n.EndsWith(marker));
        var versions = await VersionsAsync(client, "volunteer-center");
        Assert.True(versions.Single(v => v.GetProperty("id").GetInt32() == first).GetProperty("isCurrent").GetBoolean());
        Assert.False(versions.Single(v => v.GetProperty("id").GetInt32() == second).GetProperty("isCurrent").GetBoolean());
        var catalogue = await fixture.Services.GetRequiredService<HubCatalogue>().GetAsync(Edogawa);
        Assert.Contains(catalogue.Hubs, h => h.Name == $"旧センター {marker}");

        await using var db = fixture.Database.CreateContext();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.Resource == "upload" && (a.RecordIds.Contains(first) || a.RecordIds.Contains(second))).ToListAsync();
        Assert.Contains(audit, a => a.Action == "upload-commit" && a.Outcome == "ok" && a.RecordIds.Contains(first));
        Assert.Contains(audit, a => a.Action == "upload-commit" && a.Outcome == "ok" && a.RecordIds.Contains(second));
        Assert.Contains(audit, a => a.Action == "upload-restore" && a.Outcome == "ok" && a.RecordIds.Contains(first));
        Assert.NotNull(Assert.Single(audit.Select(a => a.UserId).Distinct())); // the one planner, named in every entry
    }

    [Fact]
    public async Task APlannerOfAnotherMunicipalityIsRefusedAndTheRefusalAudited()
    {
        using var ube = await PlannerForAsync(fixture, "35202");
        var marker = Guid.NewGuid().ToString("N")[..6];

        var response = await UploadAsync(ube, Encoding.UTF8.GetBytes(Csv([$"越境 {marker}"])), $"other-{marker}.csv", Hubs("nagomi"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ube.GetAsync($"api/setup/versions?municipality={Edogawa}")).StatusCode);
        await using var db = fixture.Database.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "upload" && a.Outcome == "denied" && a.Purpose == $"{Edogawa} other-{marker}.csv"));
    }

    [Theory]
    [MemberData(nameof(WelfareFixture.FieldRoles), MemberType = typeof(WelfareFixture))]
    public async Task OnlyPlannersAndAdminsUpload(string role)
    {
        using var client = await fixture.SignInAsNewUserAsync(role, fixture.Own.Id);

        var response = await UploadAsync(client, Encoding.UTF8.GetBytes(Csv(["x"])), "hubs.csv", Hubs("nagomi"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AnUploadWithoutTheAntiforgeryTokenOrSignInIsRefused()
    {
        using var anonymous = new WelfareClient(fixture.BaseUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UploadAsync(anonymous, Encoding.UTF8.GetBytes(Csv(["x"])), "hubs.csv", Hubs("nagomi"))).StatusCode);

        using var planner = await PlannerForAsync(fixture, Edogawa);
        var token = planner.CsrfToken;
        typeof(WelfareClient).GetProperty(nameof(WelfareClient.CsrfToken))!.SetValue(planner, null);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(planner, Encoding.UTF8.GetBytes(Csv(["x"])), "hubs.csv", Hubs("nagomi"))).StatusCode);
        _ = token;
    }
}
