using System.Text.Json;
using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.Setup;

/// <summary>
/// The upload page as a planner of 江戸川区 uses it in Debian's Chromium (background tiles blocked): an Excel list with a bad
/// row is named by row and field; the fixed list, whose name column the page cannot guess, is mapped by hand, previewed on the
/// map and committed with progress; the version is listed and the hubs are public at once. Screenshots go to artifacts/setup.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class UploadPageTests(WelfareFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly string Artifacts = BrowserPage.Artifacts("setup");

    [Fact]
    public async Task APlannerUploadsAnExcelListSeesTheBadRowFixesItMapsTheNameColumnAndCommits()
    {
        var planner = await UploadApiTests.PlannerUserAsync(fixture, "13123");
        var marker = Guid.NewGuid().ToString("N")[..6];
        await using var context = await browser.Browser.NewContextAsync(new() { Locale = "ja-JP", TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.Contains("internetdisconnected") && !m.Text.Contains("Failed to load resource")) errors.Add(m.Text); };
        await page.RouteAsync("https://cyberjapandata.gsi.go.jp/**", route => route.AbortAsync("internetdisconnected"));
        await page.GotoAsync(fixture.BaseUrl + "/welfare/");
        await page.FillAsync("#login-user", planner.UserName);
        await page.FillAsync("#login-password", planner.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#user-box:not([hidden])");
        await page.GotoAsync(fixture.BaseUrl + "/welfare/setup.html?municipality=13123");
        await page.WaitForSelectorAsync("#u-city option[value='13123']", new() { State = WaitForSelectorState.Attached });
        Assert.Equal("13123", await page.InputValueAsync("#u-city"));

        // The list with a longitude typed as text: the problem is named by row and field, and nothing can be committed.
        await page.SelectOptionAsync("#u-kind", "hubs");
        await page.SelectOptionAsync("#u-hubtype", "nagomi");
        await page.SetInputFilesAsync("#u-file", new FilePayload
        {
            Name = "なごみの家.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = UploadApiTests.HubWorkbook(marker, badLongitude: "東経139.88"),
        });
        await page.ClickAsync("#upload-form button[type=submit]");
        var badRow = page.Locator("#problems tbody tr", new() { HasTextString = "経度" });
        try
        {
            await badRow.WaitForAsync(new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "upload-failed.png"), FullPage = true });
            Assert.Fail($"no problem row; status 「{await page.InnerTextAsync("#status")}」 problems 「{await page.InnerTextAsync("#problems")}」, console: {string.Join(" | ", errors)}");
        }
        Assert.Contains("2件目（表の 3 行目）", await badRow.InnerTextAsync());
        Assert.True(await page.IsDisabledAsync("#commit"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "upload-bad-row.png"), FullPage = true });

        // The fixed list calls its name column 拠点名, which the importer does not guess: the planner picks it.
        await page.SetInputFilesAsync("#u-file", new FilePayload
        {
            Name = "なごみの家（修正）.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = UploadApiTests.HubWorkbook(marker, badLongitude: null, nameHeader: "拠点名"),
        });
        await page.ClickAsync("#upload-form button[type=submit]");
        await page.WaitForSelectorAsync("#problems tbody tr:has-text('名前の項目')");
        await page.SelectOptionAsync("#m-name", "拠点名");
        await page.ClickAsync("#mapping-form button[type=submit]");
        await page.WaitForSelectorAsync("#preview-summary .ok-text");
        Assert.Equal(3, await page.Locator(".leaflet-overlay-pane path.leaflet-interactive").CountAsync());
        Assert.Contains("一之江三丁目", await page.InnerTextAsync("#geocoded"));
        Assert.True(await page.IsEnabledAsync("#commit"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "upload-preview.png"), FullPage = true });

        await page.ClickAsync("#commit");
        await page.WaitForSelectorAsync("#commit-message:has-text('取り込みました')");
        await page.WaitForSelectorAsync("#versions tbody tr:has-text('なごみの家（修正）.xlsx') .ok-text");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "upload-committed.png"), FullPage = true });

        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl + "/") };
        var items = JsonDocument.Parse(await http.GetStringAsync("collections/hubs/items?limit=10000&municipality_code=13123")).RootElement;
        Assert.Equal(3, items.GetProperty("features").EnumerateArray().Count(f => f.GetProperty("properties").GetProperty("name").GetString()!.EndsWith(marker)));

        var violations = await PageAudit.AxeAsync(page);
        output.WriteLine($"axe setup: {string.Join("; ", violations.Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"))}");
        Assert.DoesNotContain(violations, v => v.Impact is "serious" or "critical");
        var contrast = await PageAudit.LowContrastTextAsync(page);
        Assert.True(contrast.Count == 0, string.Join("\n", contrast.Select(l => $"{l.Where} 「{l.Text}」 {l.Ratio}:1")));
        Assert.Empty(errors);
    }
}
