using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static FukushiMap.Server.Tests.Coverage.CoverageClient;

namespace FukushiMap.Server.Tests.Siting;

/// <summary>
/// A planner opens the siting page, asks for 6 more hubs at 10 minutes and 60 m/min, and gets the sites, the newly covered
/// people per district and a printable comparison — in Debian's Chromium over the real server, offline (tiles blocked).
/// </summary>
[Collection(ServerCollection.Name)]
public class SitingPageTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>
{

    [Fact]
    public async Task APlannerAsksForSixHubsAtTenMinutesAndSixtyMetresAndGetsSitesDistrictsAndAPrintout()
    {
        await using var view = await OpenAsync();
        var page = view.Page;
        await page.Locator("#model-mclp").CheckAsync();
        await page.Locator("#add").FillAsync("6");
        await page.Locator("#minutes").FillAsync("10");
        await page.Locator("#pace-60").CheckAsync();
        await page.Locator("#run").ClickAsync();
        await view.WaitForRunsAsync(1);

        var report = await GetJsonAsync(server.Client, $"api/siting?municipality={Ube}&add=6&minutes=10&pace=60&areas=false");
        long before = report.GetProperty("before").GetProperty("covered").GetInt64();
        long after = report.GetProperty("after").GetProperty("covered").GetInt64();

        // Before and after, and the people newly within reach.
        var summary = await page.Locator("#summary").InnerTextAsync();
        Assert.Contains(N(before), summary);
        Assert.Contains(N(after), summary);
        Assert.Contains(N(after - before), summary);
        int hubs = report.GetProperty("before").GetProperty("hubs").GetInt32();
        Assert.Equal(report.GetProperty("hubs").GetArrayLength(), hubs);
        Assert.Contains($"{hubs} か所", summary);
        Assert.Contains($"{hubs + 6} か所", summary);

        // The six sites, ranked, with their nearest address, on the map with their walking catchments.
        var rows = page.Locator("#site-table tbody tr");
        Assert.Equal(6, await rows.CountAsync());
        var first = report.GetProperty("sites")[0];
        Assert.Contains(first.GetProperty("name").GetString()!, await rows.First.InnerTextAsync());
        Assert.Contains(N(first.GetProperty("newlyCovered").GetInt64()), await rows.First.InnerTextAsync());
        Assert.Equal(6, await page.Locator(".leaflet-marker-pane .st-site").CountAsync());
        Assert.Equal("1", (await page.Locator(".leaflet-marker-pane .st-site").First.InnerTextAsync()).Trim());
        Assert.Equal(hubs, await page.Locator(".leaflet-marker-pane .st-hub").CountAsync());
        Assert.Equal(6, await page.Locator(".leaflet-st-catchments-pane path").CountAsync());
        Assert.True(await page.Locator(".leaflet-st-new-pane path").CountAsync() > 0);

        // Newly covered people per district: the districts that change, and a total row that adds up.
        var districtRows = await page.Locator("#district-table tbody tr").CountAsync();
        int changed = report.GetProperty("districts").EnumerateArray().Count(d => d.GetProperty("newlyCovered").GetInt64() > 0
            || d.GetProperty("hubsAfter").GetInt32() != d.GetProperty("hubsBefore").GetInt32());
        Assert.Equal(changed + 1, districtRows);
        var total = await page.Locator("#district-table tbody tr.st-total").InnerTextAsync();
        Assert.Contains("+" + N(after - before), total);
        Assert.Contains("OpenStreetMap", await page.Locator("#credits").InnerTextAsync());
        Assert.Contains("貪欲法", await page.Locator("#method").InnerTextAsync());

        // The printout: the form gives way to the map, the comparison, the sites and the districts.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.WaitForSelectorAsync("body[data-fit='print']", new() { State = WaitForSelectorState.Attached });
        Assert.False(await page.Locator("#siting-form").IsVisibleAsync());
        Assert.True(await page.Locator("#map").IsVisibleAsync());
        Assert.True(await page.Locator("#summary").IsVisibleAsync());
        Assert.True(await page.Locator("#site-table").IsVisibleAsync());
        Assert.Contains("毎分 60 m", await page.Locator("#print-head").InnerTextAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "fukushimap-siting-ube.pdf") });
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fukushimap-siting-ube.png"), FullPage = true });
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AnAreaDrawnOnTheMapKeepsTheSitesOutOfIt()
    {
        await using var view = await OpenAsync();
        var page = view.Page;
        await page.Locator("#add").FillAsync("3");
        await page.Locator("#run").ClickAsync();
        await view.WaitForRunsAsync(1);
        var firstSite = page.Locator(".leaflet-marker-pane .st-site").First;
        var box = (await firstSite.BoundingBoxAsync())!;
        double cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;

        await page.Locator(".st-more summary").ClickAsync();
        await page.Locator("#draw-exclusion").ClickAsync();
        foreach (var (dx, dy) in new[] { (-30, -30), (30, -30), (30, 30), (-30, 30) })
            await page.Mouse.ClickAsync((float)(cx + dx), (float)(cy + dy));
        await page.Locator("#finish-exclusion").ClickAsync();
        await page.Locator("#draw-exclusion").ClickAsync(); // drawing off
        Assert.Contains("除外する範囲 1 個", await page.Locator("#drawn-summary").InnerTextAsync());
        await page.Locator("#run").ClickAsync();
        await view.WaitForRunsAsync(2);

        // No new site stands inside the drawn square (as drawn on the map after the answer came).
        var area = (await page.Locator(".leaflet-st-exclusions-pane path").First.BoundingBoxAsync())!;
        Assert.True(area.Width > 40 && area.Height > 40);
        foreach (var site in await page.Locator(".leaflet-marker-pane .st-site").AllAsync())
        {
            var b = (await site.BoundingBoxAsync())!;
            double x = b.X + b.Width / 2, y = b.Y + b.Height / 2;
            Assert.False(x > area.X + 1 && x < area.X + area.Width - 1 && y > area.Y + 1 && y < area.Y + area.Height - 1,
                $"a site at ({x}, {y}) is inside the area {area.X},{area.Y} {area.Width}×{area.Height}");
        }
        Assert.Contains("除外", await page.Locator("#solver-note").InnerTextAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task WithoutSigningInTheScenariosAskForAPlannerLogin()
    {
        await using var view = await OpenAsync();
        Assert.True(await view.Page.Locator("#scenarios-signin").IsVisibleAsync());
        Assert.False(await view.Page.Locator("#scenarios-body").IsVisibleAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ForACityWithoutAWalkingNetworkThePageSaysEverywhereThatItIsStraightLine()
    {
        const string label = "直線距離（道路データなし）";
        await using var view = await OpenAsync("?municipality=40224");
        var page = view.Page;
        Assert.True(await page.Locator("#straight-field").IsVisibleAsync());
        Assert.Contains(label, await page.Locator("#subtitle").InnerTextAsync());
        await page.Locator("#straight-radius").SelectOptionAsync("500");
        await page.Locator("#add").FillAsync("3");
        await page.Locator("#run").ClickAsync();
        await view.WaitForRunsAsync(1);

        var report = await GetJsonAsync(server.Client, "api/siting?municipality=40224&add=3&minutes=10&pace=80&straight_radius=500&areas=false");
        var summary = await page.Locator("#summary").InnerTextAsync();
        Assert.Contains(label, summary);
        Assert.Contains(N(report.GetProperty("before").GetProperty("covered").GetInt64()), summary);
        Assert.Contains(N(report.GetProperty("after").GetProperty("covered").GetInt64()), summary);
        Assert.Contains(label, await page.Locator("#distance-note").InnerTextAsync());
        Assert.Contains("直線距離 500 m（道路データなし）", await page.Locator("#question").InnerTextAsync());
        Assert.Contains(label, await page.Locator("#legend").InnerTextAsync());
        Assert.Contains(label, await page.Locator("#sites-heading").InnerTextAsync());
        Assert.Contains(label, await page.Locator("#districts-heading").InnerTextAsync());
        Assert.Contains(label, await page.Locator("#method").InnerTextAsync());
        Assert.Equal(3, await page.Locator("#site-table tbody tr").CountAsync());
        Assert.Equal(3, await page.Locator(".leaflet-st-catchments-pane path").CountAsync());

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.WaitForSelectorAsync("body[data-fit='print']", new() { State = WaitForSelectorState.Attached });
        Assert.Contains("直線距離 500 m（道路データなし）", await page.Locator("#print-head").InnerTextAsync());
        Assert.True(await page.Locator("#distance-note").IsVisibleAsync());
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fukushimap-siting-fukutsu.png"), FullPage = true });
        view.AssertNoConsoleErrors();
    }

    private async Task<BrowserPage> OpenAsync(string query = "")
    {
        var view = await BrowserPage.OpenAsync(browser.Browser, server.BaseUrl + "/siting/" + query);
        await view.Page.WaitForSelectorAsync("body[data-ready='true']", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        return view;
    }
}
