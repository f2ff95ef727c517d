using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.Browser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// The welfare pages as people use them, in Debian's Chromium: sign-in, the district's households and watcher lines,
/// two people editing the same household, the printed meeting map, a 福祉協力員's narrower view, a planner's aggregates,
/// and the audit log afterwards. Background tiles are blocked (offline meeting hall).
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class WelfareBrowserTests(WelfareFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<(IBrowserContext Context, IPage Page)> SignInAsync(WelfareFixture.TestUser user, string page = "welfare/")
    {
        var context = await browser.Browser.NewContextAsync(new() { Locale = "ja-JP", TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1400, Height = 900 } });
        var p = await context.NewPageAsync();
        await p.RouteAsync("https://cyberjapandata.gsi.go.jp/**", route => route.AbortAsync("internetdisconnected"));
        await p.GotoAsync(fixture.BaseUrl + "/welfare/");
        await p.FillAsync("#login-user", user.UserName);
        await p.FillAsync("#login-password", user.Password);
        await p.ClickAsync("#login-form button[type=submit]");
        await p.WaitForSelectorAsync("#user-box:not([hidden])");
        if (page != "welfare/")
        {
            await p.GotoAsync(fixture.BaseUrl + "/" + page);
        }
        return (context, p);
    }

    private static async Task AssertNothingInBrowserStorageAsync(IBrowserContext context, IPage page)
    {
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        var cookies = await context.CookiesAsync();
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"{c.Name} is readable by scripts"));
        Assert.All(cookies, c => Assert.Equal(SameSiteAttribute.Strict, c.SameSite));
    }

    [Fact]
    public async Task AMinseiSeesOnlyTheirDistrictEditsBesideAChonaikaiWithoutLosingAnythingAndPrintsTheMeetingMap()
    {
        var minsei = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var chonaikai = await fixture.CreateUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);
        var shared = await fixture.CreateHouseholdAsync(fixture.Own.Id, marker: "共同編集");
        var elsewhere = await fixture.CreateHouseholdAsync(fixture.Other.Id, marker: "別の区域");
        var filled = await FillDistrictAsync(fixture.Own.Id, LongDistrict);
        var (minseiContext, m) = await SignInAsync(minsei);
        var (chonaikaiContext, c) = await SignInAsync(chonaikai);
        try
        {
            // Only the own district: the list and the map show exactly its visible households, with watcher lines.
            await m.WaitForSelectorAsync($"#household-list li[data-household-id='{shared.Id}']");
            await using var db = fixture.Database.CreateContext();
            var expected = await db.Households.CountAsync(h => h.DistrictId == fixture.Own.Id && h.Status == HouseholdStatuses.Active);
            Assert.Equal(expected, await m.Locator("#household-list li").CountAsync());
            Assert.Equal(0, await m.Locator($"#household-list li[data-household-id='{elsewhere.Id}']").CountAsync());
            Assert.Equal(expected, await m.Locator(".leaflet-marker-pane .hh-marker").CountAsync());
            var assignments = await db.WatcherAssignments.CountAsync(a => a.Household!.DistrictId == fixture.Own.Id && a.Household.Status == HouseholdStatuses.Active);
            Assert.True(assignments > 0);
            Assert.Equal(assignments, await m.Locator(".leaflet-overlay-pane path:not(.leaflet-interactive)").CountAsync() - 1); // minus the district outline

            // Both open the same household; the 民生委員 saves first, the 町内会役員 second.
            foreach (var p in new[] { m, c })
            {
                await p.WaitForSelectorAsync($"#household-list li[data-household-id='{shared.Id}'] button");
                await p.ClickAsync($"#household-list li[data-household-id='{shared.Id}'] button");
                await p.WaitForSelectorAsync("#f-notes");
            }
            // The household being edited stands out on the map and in the list.
            Assert.Equal(1, await m.Locator(".hh-marker.editing").CountAsync());
            Assert.Equal(shared.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                await m.Locator("#household-list li.editing").GetAttributeAsync("data-household-id"));
            Assert.Equal(await m.Locator("#household-list li.editing").GetAttributeAsync("data-number"),
                await m.Locator(".hh-marker.editing").GetAttributeAsync("data-number"));
            await m.FillAsync("#f-notes", "（架空）民生委員: 4月に訪問済み");
            await m.ClickAsync("#save");
            await m.WaitForSelectorAsync("#save-result:has-text('保存しました')");
            await c.FillAsync("#f-notes", "（架空）町内会: 防災訓練の声かけ担当を決めた");
            await c.ClickAsync("#save");

            // The second writer is told, with both versions side by side.
            await c.WaitForSelectorAsync("#conflict:not([hidden])");
            var conflict = await c.InnerTextAsync("#conflict");
            await c.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "welfare-conflict.png") });
            Assert.Contains("民生委員: 4月に訪問済み", conflict);
            Assert.Contains("町内会: 防災訓練の声かけ担当を決めた", conflict);
            await c.ClickAsync("#reapply");
            Assert.Equal("（架空）町内会: 防災訓練の声かけ担当を決めた", await c.InputValueAsync("#f-notes"));
            await c.FillAsync("#f-notes", "（架空）民生委員: 4月に訪問済み／町内会: 防災訓練の声かけ担当を決めた");
            await c.ClickAsync("#save");
            await c.WaitForSelectorAsync("#save-result:has-text('保存しました')");
            await using (var check = fixture.Database.CreateContext())
            {
                var saved = await check.Households.AsNoTracking().SingleAsync(h => h.Id == shared.Id);
                Assert.Contains("民生委員: 4月に訪問済み", saved.Notes);
                Assert.Contains("町内会: 防災訓練", saved.Notes);
            }

            // The printed meeting map: purpose recorded, watermark with the person and the time, legend, scale, north arrow, credits.
            await m.EvaluateAsync("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }");
            await m.FillAsync("#purpose", "令和8年度 第2回 三者懇談会（テスト）");
            await m.SelectOptionAsync("#paper", "A3");
            await m.ClickAsync("#print");
            await m.WaitForFunctionAsync("() => window.__printed === 1", null, new() { Timeout = 30000 });
            Assert.Equal("ready", await m.GetAttributeAsync("body", "data-sheet"));
            var watermark = await m.TextContentAsync("#watermark");
            Assert.Contains(minsei.UserName[2..6], watermark);
            Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", watermark);
            Assert.Contains("size: A3 landscape", await m.EvaluateAsync<string>("() => document.getElementById('page-size').sheet.cssRules[0].cssText"),
                StringComparison.OrdinalIgnoreCase);
            await m.EmulateMediaAsync(new() { Media = Media.Print });
            Assert.True(await m.IsVisibleAsync("#watermark"));
            await AssertTheSheetNumbersEveryHouseholdAsync(m, fixture.Own.Id);
            Assert.True(await m.IsVisibleAsync("#print-legend"));
            Assert.True(await m.IsVisibleAsync(".leaflet-control-scale"));
            Assert.True(await m.IsVisibleAsync(".north-arrow"));
            Assert.Contains("見守り担当", await m.InnerTextAsync("#print-legend"));
            Assert.Contains("OpenStreetMap", await m.InnerTextAsync("#map"));
            Assert.False(await m.IsVisibleAsync("#print-box"));
            await m.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "meeting-print.png"), FullPage = true });
            var pdf = await m.PdfAsync(new() { Path = Path.Combine(Artifacts, "meeting-print-a3.pdf"), PreferCSSPageSize = true, PrintBackground = true });
            // The whole list of a long district (at least LongDistrict households) beside the map on ONE A3 sheet: 420 × 297 mm in points.
            Assert.True(await m.Locator("#sheet-list tbody tr").CountAsync() >= LongDistrict);
            BrowserPage.AssertOneSheet(pdf, 1191, 842);
            // A4 cannot hold that list beside the map: the map fills the first sheet and the list the second (210 × 297 mm landscape).
            await m.EmulateMediaAsync(new() { Media = Media.Screen });
            await m.SelectOptionAsync("#paper", "A4");
            await m.ClickAsync("#print");
            await m.WaitForFunctionAsync("() => window.__printed === 2", null, new() { Timeout = 30000 });
            await m.EmulateMediaAsync(new() { Media = Media.Print });
            var a4 = await m.PdfAsync(new() { Path = Path.Combine(Artifacts, "meeting-print-a4.pdf"), PreferCSSPageSize = true, PrintBackground = true });
            Assert.Equal(2, BrowserPage.PdfPageCount(a4));
            BrowserPage.AssertOneSheet(a4, 842, 595, oneSheet: false);
            await m.EmulateMediaAsync(new() { Media = Media.Screen });

            // The evacuation tab says its minutes.
            await m.ClickAsync("[data-tab=evacuation]");
            await m.FillAsync("#evac-minutes", "3");
            await m.ClickAsync("#evac-run");
            await m.WaitForSelectorAsync("#evac-list li");
            var evacuation = await m.InnerTextAsync("#tab-evacuation");
            Assert.DoesNotContain("○", evacuation);
            Assert.Contains("3分を超える", evacuation);

            await AssertNothingInBrowserStorageAsync(minseiContext, m);
            await AssertNothingInBrowserStorageAsync(chonaikaiContext, c);

            // Every access is in the audit log.
            await using var audit = fixture.Database.CreateContext();
            var entries = await audit.AuditLog.AsNoTracking().Where(a => a.UserId == minsei.Id || a.UserId == chonaikai.Id).ToListAsync();
            Assert.Contains(entries, a => a.UserId == minsei.Id && a.Action == "list" && a.Resource == "household" && a.RecordIds.Contains(shared.Id));
            Assert.Contains(entries, a => a.UserId == minsei.Id && a.Action == "update" && a.Outcome == "success" && a.RecordIds.Contains(shared.Id));
            Assert.Contains(entries, a => a.UserId == chonaikai.Id && a.Action == "update" && a.Outcome == "conflict" && a.RecordIds.Contains(shared.Id));
            Assert.Contains(entries, a => a.UserId == chonaikai.Id && a.Action == "update" && a.Outcome == "success" && a.RecordIds.Contains(shared.Id));
            Assert.Contains(entries, a => a.UserId == minsei.Id && a.Action == "export" && a.Purpose!.Contains("三者懇談会（テスト）"));
        }
        finally
        {
            await minseiContext.CloseAsync();
            await chonaikaiContext.CloseAsync();
            await using var cleanup = fixture.Database.CreateContext();
            await cleanup.Households.Where(h => filled.Contains(h.Id)).ExecuteDeleteAsync();
        }
    }

    /// <summary>Households a large 民生委員担当区域 has (the longest list the demo's districts reached in use).</summary>
    private const int LongDistrict = 78;

    /// <summary>Adds fictitious households to <paramref name="districtId"/> until it has <paramref name="households"/> active ones; returns the ids added.</summary>
    private async Task<List<int>> FillDistrictAsync(int districtId, int households)
    {
        await using var db = fixture.Database.CreateContext();
        var have = await db.Households.CountAsync(h => h.DistrictId == districtId && h.Status == HouseholdStatuses.Active);
        var added = new List<int>();
        for (var n = have; n < households; n++)
        {
            added.Add((await fixture.CreateHouseholdAsync(districtId, marker: $"一覧 {n + 1}")).Id);
        }
        return added;
    }

    private static readonly string Artifacts = BrowserPage.Artifacts("welfare");

    /// <summary>
    /// The sheet being printed: every household of the district (as the API lists them) has its number in a marker inside the
    /// map box, and the list beside the map gives the same number to the same label, with the road map drawn underneath.
    /// </summary>
    private static async Task AssertTheSheetNumbersEveryHouseholdAsync(IPage page, int districtId)
    {
        var api = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "async (d) => (await (await fetch(`/api/households?district=${d}`, { credentials: 'same-origin' })).json()).items.map((x) => ({ id: x.id, label: x.label }))",
            districtId);
        var households = api.EnumerateArray().Select(x => (Id: x.GetProperty("id").GetInt32(), Label: x.GetProperty("label").GetString()!)).ToList();
        Assert.NotEmpty(households);
        var rows = await page.EvaluateAsync<string[][]>(
            "() => [...document.querySelectorAll('#sheet-list tbody tr')].map((r) => [r.dataset.householdId, ...[...r.cells].map((c) => c.textContent)])");
        Assert.Equal(households.Count, rows.Length);
        for (var i = 0; i < households.Count; i++)
        {
            Assert.Equal(households[i].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[i][0]);
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), rows[i][1]);
            Assert.Equal(households[i].Label, rows[i][2]);
            Assert.False(string.IsNullOrWhiteSpace(rows[i][3]), "status");
            Assert.False(string.IsNullOrWhiteSpace(rows[i][4]), "watchers");
        }
        // Numbers shown inside markers that lie within the printed map box.
        var shown = await page.EvaluateAsync<string[]>("""
            () => {
              const box = document.getElementById('map').getBoundingClientRect();
              return [...document.querySelectorAll('.hh-marker')].filter((m) => {
                const r = m.getBoundingClientRect();
                return r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
              }).map((m) => m.textContent.trim());
            }
            """);
        Assert.Equal(Enumerable.Range(1, households.Count), shown.Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.True(await page.IsVisibleAsync("#sheet-list"));
        Assert.Equal("base", await page.GetAttributeAsync("#map", "data-basemap"));
        Assert.True(await page.Locator("#map .leaflet-tile-container canvas.leaflet-tile-loaded").CountAsync() > 0, "the road map is drawn");
        // The watermark is below the map, not over it.
        var mapBottom = await page.EvaluateAsync<double>("() => document.getElementById('map').getBoundingClientRect().bottom");
        var markTop = await page.EvaluateAsync<double>("() => document.getElementById('watermark').getBoundingClientRect().top");
        Assert.True(markTop >= mapBottom, $"watermark at {markTop} over the map ending at {mapBottom}");
    }

    [Fact]
    public async Task AFukushiKyoryokuinSeesFewerFields()
    {
        var kyoryoku = await fixture.CreateUserAsync(WelfareRoles.Kyoryokuin, fixture.Own.Id);
        var household = await fixture.CreateHouseholdAsync(fixture.Own.Id, marker: "協力員");
        var (context, page) = await SignInAsync(kyoryoku);
        try
        {
            await page.ClickAsync($"#household-list li[data-household-id='{household.Id}'] button");
            await page.WaitForSelectorAsync("#household-form #f-label");

            Assert.Equal(0, await page.Locator("#f-notes, #f-disabilityDetail, #f-careLevel").CountAsync());
            Assert.Equal(0, await page.Locator("#household-form input[value='障害'], #household-form input[value='要介護']").CountAsync());
            Assert.DoesNotContain("障害", await page.InnerTextAsync("#legend"));
            Assert.DoesNotContain("視覚障害", await page.ContentAsync());
            Assert.True(await page.IsHiddenAsync("#print-box"));
            Assert.Contains("閲覧のみ", await page.InnerTextAsync("#household-form"));
            await AssertNothingInBrowserStorageAsync(context, page);
            await using var db = fixture.Database.CreateContext();
            Assert.True(await db.AuditLog.AnyAsync(a => a.UserId == kyoryoku.Id && a.Action == "read" && a.RecordIds.Contains(household.Id)));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task APlannerSeesSuppressedAggregatesOnly()
    {
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);
        var (context, page) = await SignInAsync(planner);
        try
        {
            await page.WaitForSelectorAsync("#status:has-text('担当の区域がありません')");
            Assert.Equal(0, await page.Locator("#household-list li").CountAsync());

            await page.GotoAsync(fixture.BaseUrl + "/welfare/planner.html");
            await page.WaitForSelectorAsync("#aggregates tbody tr");
            var table = await page.InnerTextAsync("#aggregates");
            Assert.Contains("5未満", table);
            Assert.DoesNotContain("（架空）", await page.ContentAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "welfare-planner.png") });
            await using var db = fixture.Database.CreateContext();
            Assert.True(await db.AuditLog.AnyAsync(a => a.UserId == planner.Id && a.Action == "aggregate"));
            Assert.False(await db.AuditLog.AnyAsync(a => a.UserId == planner.Id && a.Action == "read" && a.Outcome == "success"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
