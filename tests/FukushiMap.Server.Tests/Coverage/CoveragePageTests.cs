using System.Globalization;
using System.Text.Json;
using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Coverage;

/// <summary>
/// A planner opens the coverage page, chooses 10 minutes at 60 m/min, sees the table and the gaps, moves a hub, and prints
/// the A4 report — in Debian's Chromium over the real server, offline (background tiles blocked).
/// </summary>
[Collection(ServerCollection.Name)]
public class CoveragePageTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>
{

    [Fact]
    public async Task APlannerChoosesTenMinutesAtSixtyMetresAndSeesTheTableAndTheGaps()
    {
        await using var view = await OpenAsync("coverage/");
        var page = view.Page;
        await page.Locator("#pace-60").CheckAsync();
        await page.Locator("#minutes").FillAsync("10");
        await page.Locator("#run").ClickAsync();
        await view.WaitForRunsAsync(2);
        Assert.Contains("pace=60", page.Url);

        var query = $"municipality={Ube}&minutes=10&pace=60";
        var report = await GetJsonAsync(server.Client, $"/api/coverage?{query}");
        var gaps = await GetJsonAsync(server.Client, $"/api/coverage/gaps?{query}", "application/geo+json");
        var totals = report.GetProperty("totals");

        // The summary and the table's total agree with the API.
        var summary = await page.Locator("#summary").InnerTextAsync();
        Assert.Contains(N(totals.GetProperty("population").GetInt64()), summary);
        Assert.Contains(N(totals.GetProperty("covered").GetInt64()), summary);
        Assert.Contains(N(totals.GetProperty("noNetwork").GetInt64()), summary);
        // The 30 districts with the most people out of reach and the total; the note points to the CSV for the rest.
        var populated = report.GetProperty("districts").EnumerateArray().Count(d => d.GetProperty("figures").GetProperty("population").GetInt64() > 0);
        Assert.Equal(Math.Min(populated, 30) + 1, await page.Locator("#district-table tbody tr").CountAsync());
        if (populated > 30)
        {
            Assert.Contains($"ほか {N(populated - 30)} 区域", await page.Locator("#districts-more").InnerTextAsync());
            Assert.Contains("format=csv", await page.Locator("#districts-more a").GetAttributeAsync("href"));
        }
        // The city's own planning rule, checked and said in words.
        await Assertions.Expect(page.Locator("#rule-list")).ToContainTextAsync("福祉なんでも相談窓口を 6 圏域すべてに");
        await Assertions.Expect(page.Locator("#rule-list .cv-rule-status").First).Not.ToBeEmptyAsync();
        var totalRow = await page.Locator("#district-table tbody tr.cv-total").InnerTextAsync();
        Assert.Contains(N(totals.GetProperty("population").GetInt64()), totalRow);
        Assert.Contains(N(totals.GetProperty("uncovered").GetInt64()), totalRow);

        // The gaps: drawn on the map and listed, most uncovered people first; the walking areas and every hub drawn.
        Assert.Equal(gaps.GetProperty("features").GetArrayLength(), await page.Locator(".leaflet-cv-gaps-pane path").CountAsync());
        Assert.True(await page.Locator("#gap-list .cv-gap-item").CountAsync() > 0);
        var firstGap = gaps.GetProperty("features")[0].GetProperty("properties");
        Assert.Contains(N(firstGap.GetProperty("uncovered").GetInt64()), await page.Locator("#gap-list .cv-gap-item").First.InnerTextAsync());
        Assert.True(await page.Locator(".leaflet-cv-isochrones-pane path").CountAsync() > 0);
        Assert.Equal(report.GetProperty("hubs").GetArrayLength(), await page.Locator(".leaflet-marker-pane .cv-hub").CountAsync());
        Assert.Contains("道路データなし", await page.Locator("#legend").InnerTextAsync());
        Assert.Contains("e-Stat", await page.Locator("#credits").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fukushimap-coverage-ube.png"), FullPage = true });

        // A gap in the list takes the map there.
        await page.Locator("#gap-list .cv-link-button").First.ClickAsync();
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task TheDistrictTableIsRankedByPeopleOutOfReachSortsFromTheKeyboardAndTheGapsSayWhereTheyDiffer()
    {
        await using var view = await OpenAsync("coverage/?municipality=35202&minutes=10&pace=60");
        var page = view.Page;
        var table = page.Locator("#district-table");
        static long Number(string text) => long.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        async Task<List<long>> ColumnAsync(int n) =>
            (await table.Locator($"tbody tr:not(.cv-total) td:nth-of-type({n})").AllInnerTextsAsync()).Select(Number).ToList();

        // Ranked by people out of reach, most first, and the header says so.
        var uncovered = await ColumnAsync(3);
        Assert.Equal(uncovered.OrderByDescending(v => v), uncovered);
        Assert.Equal("descending", await table.Locator("thead th").Nth(3).GetAttributeAsync("aria-sort"));
        Assert.DoesNotContain("拠点なし", await table.InnerTextAsync());

        // Sorting with the keyboard: Enter on the population header sorts most first, Space again least first.
        await table.Locator("thead th").Nth(1).Locator("button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("descending", await table.Locator("thead th").Nth(1).GetAttributeAsync("aria-sort"));
        Assert.Null(await table.Locator("thead th").Nth(3).GetAttributeAsync("aria-sort"));
        var population = await ColumnAsync(1);
        Assert.Equal(population.OrderByDescending(v => v), population);
        await page.Keyboard.PressAsync(" ");
        Assert.Equal("ascending", await table.Locator("thead th").Nth(1).GetAttributeAsync("aria-sort"));
        population = await ColumnAsync(1);
        Assert.Equal(population.Order(), population);
        Assert.Equal("合計", await table.Locator("tbody tr").Last.Locator("th").InnerTextAsync());

        // A gap that is one of several in its district says the district's figure (the table's) is the sum of them.
        var gaps = (await GetJsonAsync(server.Client, $"/api/coverage/gaps?municipality={Ube}&minutes=10&pace=60", "application/geo+json"))
            .GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        var report = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Ube}&minutes=10&pace=60");
        var districts = report.GetProperty("districts").EnumerateArray().ToDictionary(d => d.GetProperty("code").GetString()!);
        var items = page.Locator("#gap-list .cv-gap-item");
        var checkedNotes = 0;
        for (var i = 0; i < await items.CountAsync(); i++)
        {
            var code = gaps[i].GetProperty("district_code").GetString()!;
            // Walking gaps add up to the walking column, gaps without network data to the straight-line one.
            var kind = gaps[i].GetProperty("distance").GetString();
            var parts = gaps.Where(g => g.GetProperty("district_code").GetString() == code && g.GetProperty("distance").GetString() == kind).ToList();
            var figures = districts[code].GetProperty("figures");
            var whole = kind == "直線距離（道路データなし）"
                ? figures.GetProperty("noNetworkStraightLineUncovered").GetInt64()
                : figures.GetProperty("uncovered").GetInt64();
            Assert.Equal(whole, parts.Sum(g => g.GetProperty("uncovered").GetInt64()));
            var note = await items.Nth(i).Locator(".cv-gap-share").InnerTextAsync();
            if (parts.Count == 1)
            {
                Assert.Equal("", note);
                continue;
            }
            Assert.Contains($"{whole.ToString("N0", CultureInfo.InvariantCulture)} 人）", note);
            Assert.Contains($"空白地域 {parts.Count} か所の合計", note);
            checkedNotes++;
        }
        Assert.True(checkedNotes > 0, "some district of 宇部市 holds more than one of the first gaps (大字西岐波柳ケ瀬: 2,014 + 42)");

        // Walking gaps and straight-line gaps are drawn on two layers, each switched off on its own (宇部市 has both kinds).
        var straightGaps = gaps.Count(g => g.GetProperty("distance").GetString() == "直線距離（道路データなし）");
        Assert.InRange(straightGaps, 1, gaps.Count - 1);
        var walkPaths = page.Locator(".leaflet-map-pane path.cv-gap-walk");
        var straightPaths = page.Locator(".leaflet-map-pane path.cv-gap-straight");
        Assert.Equal(gaps.Count - straightGaps, await walkPaths.CountAsync());
        Assert.Equal(straightGaps, await straightPaths.CountAsync());
        await page.Locator(".leaflet-control-layers").HoverAsync();
        await page.Locator(".leaflet-control-layers label", new() { HasText = "空白地域（直線距離（道路データなし））" }).Locator("input").UncheckAsync();
        Assert.Equal(0, await straightPaths.CountAsync());
        Assert.Equal(gaps.Count - straightGaps, await walkPaths.CountAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task DraggingAHubAsksWhatIfAndResetBringsItBack()
    {
        await using var view = await OpenAsync("coverage/?municipality=35202&minutes=10&pace=80");
        var page = view.Page;
        var marker = page.Locator(".leaflet-marker-pane .cv-hub").Nth(5);
        // Hover first: Playwright waits until the marker stands still (the map may still be settling on a busy machine) and
        // receives the pointer, so the drag starts on the hub, not on the map beneath it.
        await marker.HoverAsync();
        var box = (await marker.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 40, box.Y + 10, new() { Steps = 8 });
        await page.Mouse.MoveAsync(box.X + 80, box.Y + 20, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await view.WaitForRunsAsync(2);
        Assert.Contains("move=", page.Url);
        await Assertions.Expect(page.Locator("#what-if")).ToBeVisibleAsync();
        Assert.Contains("動かした", await page.Locator("#what-if-text").InnerTextAsync());
        Assert.Equal(1, await page.Locator(".leaflet-marker-pane .cv-hub-moved").CountAsync());

        await page.Locator("#what-if-reset").ClickAsync();
        await view.WaitForRunsAsync(3);
        await Assertions.Expect(page.Locator("#what-if")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator(".leaflet-marker-pane .cv-hub-moved").CountAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task TheReportPrintsOnA4WithTableMapLegendScaleMethodAndCredits()
    {
        // An A4 sheet's width at 96 dpi.
        await using var view = await OpenAsync("coverage/report.html?municipality=35202&minutes=10&pace=60", waitForRuns: false, width: 794, height: 1123);
        var page = view.Page;
        await page.WaitForSelectorAsync("body[data-ready='true']", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        Assert.False(await page.Locator(".rp-toolbar").IsVisibleAsync());
        Assert.Contains("福祉なんでも相談窓口を 6 圏域すべてに", await page.Locator("#plan-rules").InnerTextAsync());
        Assert.Contains("10 分", await page.Locator("#title").InnerTextAsync());
        Assert.Contains("毎分 60 m", await page.Locator("#conditions").InnerTextAsync());
        var report = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Ube}&minutes=10&pace=60");
        // The 30 districts with the most people out of reach, in that order, then the total; the rest are in the CSV.
        var ranked = report.GetProperty("districts").EnumerateArray().Where(d => d.GetProperty("figures").GetProperty("population").GetInt64() > 0)
            .OrderByDescending(d => d.GetProperty("figures").GetProperty("uncovered").GetInt64()).ToList();
        Assert.True(ranked.Count > 30);
        Assert.Equal(30 + 1, await page.Locator("#districts tbody tr").CountAsync());
        var uncovered = await page.Locator("#districts tbody tr:not(.rp-total) td:nth-of-type(4)").AllInnerTextsAsync();
        Assert.Equal(ranked.Take(30).Select(d => d.GetProperty("figures").GetProperty("uncovered").GetInt64().ToString("N0", CultureInfo.InvariantCulture)), uncovered);
        Assert.Equal($"ほか {ranked.Count - 30} 区域は CSV をご覧ください。", await page.Locator("#districts-more").InnerTextAsync());
        Assert.Contains("format=csv", await page.Locator("#districts-more a").GetAttributeAsync("href"));
        // 町丁・字 rows carry no 「拠点なし」: most 町丁 have no hub by design; the note says so.
        Assert.DoesNotContain("拠点なし", await page.Locator("#districts").InnerTextAsync());
        Assert.Contains("「拠点なし」は示しません", await page.Locator("#rules").InnerTextAsync());
        Assert.True(await page.Locator("#gaps tbody tr").CountAsync() > 0);
        // In print the ranked table comes before the gaps (the figures a reader looks for first).
        Assert.True(await page.EvaluateAsync<bool>("() => !!(document.getElementById('districts').compareDocumentPosition(document.getElementById('gaps')) & Node.DOCUMENT_POSITION_FOLLOWING)"));
        Assert.True(await page.Locator("#map .leaflet-cv-districts-pane path").CountAsync() > 0);
        Assert.True(await page.Locator("#map .leaflet-control-scale-line").IsVisibleAsync());
        Assert.Contains("届く人の割合", await page.Locator("#legend").InnerTextAsync());
        // The report is drawn on FukushiMap's road map: its credit, not 地理院タイル's.
        var mapCredits = await page.Locator("#map-credits").InnerTextAsync();
        Assert.Contains("道路地図（FukushiMap）", mapCredits);
        Assert.Contains("© OpenStreetMap contributors", mapCredits);
        Assert.DoesNotContain("地理院タイル", mapCredits);
        Assert.Contains("OpenStreetMap", await page.Locator("#credits").InnerTextAsync());
        Assert.Contains("e-Stat", await page.Locator("#credits").InnerTextAsync());
        Assert.Contains("ボロノイ", await page.Locator("#method").InnerTextAsync());

        // The map, legend and scale fit the first A4 page's width.
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        Assert.InRange(map.Width, 500, 800);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fukushimap-coverage-report-print.png"), FullPage = true });
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "fukushimap-coverage-report.pdf") });
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ACityWithoutAWalkingNetworkIsCountedByStraightLineAndSaysSoOnScreenAndInTheReport()
    {
        const string Fukutsu = "40224";
        const string Label = "直線距離（道路データなし）";
        await using var view = await OpenAsync($"coverage/?municipality={Fukutsu}&minutes=10&pace=80&straight_radius=800");
        var page = view.Page;
        var report = await GetJsonAsync(server.Client, $"/api/coverage?municipality={Fukutsu}&minutes=10&pace=80&straight_radius=800");
        var totals = report.GetProperty("totals");

        Assert.Equal("800", await page.Locator("#straight-radius").InputValueAsync());
        Assert.Contains(Label, await page.Locator("#straight-banner").InnerTextAsync());
        Assert.Contains(Label, await page.Locator("#subtitle").InnerTextAsync());
        var summary = await page.Locator("#summary").InnerTextAsync();
        Assert.Contains(N(totals.GetProperty("noNetworkStraightLineCovered").GetInt64()), summary);
        Assert.DoesNotContain("歩いて 10 分で届く", summary);
        Assert.Contains(Label, await page.Locator("#district-table thead").InnerTextAsync());
        Assert.Contains(Label, await page.Locator("#legend").InnerTextAsync());
        Assert.Contains(Label, await page.Locator("#gap-list").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fukushimap-coverage-fukutsu-straight-line.png"), FullPage = true });

        await using var printed = await OpenAsync($"coverage/report.html?municipality={Fukutsu}&minutes=10&pace=80&straight_radius=800", waitForRuns: false, width: 794, height: 1123);
        await printed.Page.WaitForSelectorAsync("body[data-ready='true']", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await printed.Page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.Contains(Label, await printed.Page.Locator("#title").InnerTextAsync());
        Assert.Contains(Label, await printed.Page.Locator("#conditions").InnerTextAsync());
        Assert.Contains(Label, await printed.Page.Locator("#districts thead").InnerTextAsync());
        await printed.Page.PdfAsync(new() { Format = "A4", PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "fukushimap-coverage-fukutsu.pdf") });
    }

    private async Task<BrowserPage> OpenAsync(string path, bool waitForRuns = true, int width = 1400, int height = 900)
    {
        var view = await BrowserPage.OpenAsync(browser.Browser, server.BaseUrl + "/" + path, $"{width}x{height}");
        if (waitForRuns)
        {
            await view.WaitForRunsAsync(1, 60_000);
        }
        return view;
    }
}
