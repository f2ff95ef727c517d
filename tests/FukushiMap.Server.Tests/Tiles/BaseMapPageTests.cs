using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FukushiMap.Server.Tests.Features;
using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.Tiles;

/// <summary>
/// Every map page in Chromium with 地理院タイル unreachable (as here, and in a 公民館 without internet): each falls back to
/// FukushiMap's own road map from /tiles/base by itself, with a north arrow, a metric scale and the base map's credits.
/// Screenshots are kept under the test output's artifacts/basemap/ for a person to look at.
/// </summary>
[Collection(ServerCollection.Name)]
public partial class BaseMapPageTests(ServerFixture server, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string TileHost = "cyberjapandata.gsi.go.jp";
    public static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "basemap");

    [Theory]
    [InlineData("", "map")]
    [InlineData("coverage/", "coverage")]
    [InlineData("siting/", "siting")]
    [InlineData("finder/", "finder")]
    public async Task EveryMapPageFallsBackToTheRoadMapWithNorthArrowScaleAndCredits(string path, string name)
    {
        await using var view = await OpenAsync(path);
        var page = view.Page;

        // Offline: the page switched by itself and says so.
        Assert.Contains("オフラインのため、FukushiMap の道路地図を表示しています", await page.InnerTextAsync("body"));
        await AssertBaseMapDrawnAsync(view, name);
    }

    [Fact]
    public async Task ZoomedToAHubTheMapPageShowsStreetsAndPlaceNames()
    {
        await using var view = await OpenAsync("");
        var page = view.Page;
        await page.WaitForSelectorAsync("#hub-list .fm-hub-button");
        await page.WaitForSelectorAsync(".leaflet-container[data-basemap='base']", new() { State = WaitForSelectorState.Attached });
        await page.Locator("#hub-list .fm-hub-button").Nth(8).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await AssertBaseMapDrawnAsync(view, "map-z15");
        Assert.Contains(view.Tiles, t => t.Url.Contains("/tiles/base/14/", StringComparison.Ordinal) || t.Url.Contains("/tiles/base/15/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHubCardPrintsOnTheRoadMap()
    {
        int id;
        await using (var db = server.Database.CreateContext())
        {
            id = await db.Hubs.Where(h => h.MunicipalityCode == "35202" && h.RetiredAt == null).OrderBy(h => h.Id).Select(h => h.Id).FirstAsync();
        }
        await using var view = await OpenAsync($"finder/hub.html?id={id}");
        await AssertBaseMapDrawnAsync(view, "hub-card");
    }

    [Fact]
    public async Task TheMapPagePrintsToPdfWithTheRoadMapNorthArrowAndCredits()
    {
        await using var view = await PrintMapPageAsync("map");
        Assert.True(await view.Page.Locator("#map .north-arrow").IsVisibleAsync());
        Assert.Contains("© OpenStreetMap contributors", await view.Page.Locator("#map").InnerTextAsync());
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(view.Pdf!, 0, 4));
        output.WriteLine("PDF: " + Path.Combine(Artifacts, "map-print.pdf"));
    }

    /// <summary>
    /// The map page (<c>/</c>) drawn on the road map (screenshot <paramref name="name"/>-before-print.png), then printed on A4
    /// landscape to artifacts/basemap/<paramref name="name"/>-print.pdf (kept in <see cref="PageView.Pdf"/>).
    /// </summary>
    private async Task<PageView> PrintMapPageAsync(string name)
    {
        var view = await OpenAsync("");
        try
        {
            var page = view.Page;
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            await AssertBaseMapDrawnAsync(view, $"{name}-before-print");
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            // The sheet's map box differs from the screen's: let the canvases draw the new area.
            await page.WaitForTimeoutAsync(2500);
            Directory.CreateDirectory(Artifacts);
            view.Pdf = await page.PdfAsync(new() { Format = "A4", Landscape = true, PrintBackground = true, Path = Path.Combine(Artifacts, $"{name}-print.pdf") });
            await page.WaitForTimeoutAsync(2500);
            return view;
        }
        catch
        {
            await view.DisposeAsync();
            throw;
        }
    }

    [RequiresOgrinfoFact]
    public async Task AWholeCityPrintOfTheMapPageReadsTilesCarryingTheMainRoadsByClassWithTheirNames()
    {
        await using var view = await PrintMapPageAsync("map-city");

        // The tiles the sheet drew the whole city from (the deepest zoom the page asked for: before the city is fitted it shows
        // Japan at zoom 5), read as GDAL reads them.
        var asked = view.Tiles.Select(t => TileName().Match(t.Url)).Where(m => m.Success)
            .Select(m => (Z: int.Parse(m.Groups["z"].Value), X: int.Parse(m.Groups["x"].Value), Y: int.Parse(m.Groups["y"].Value))).Distinct().ToList();
        Assert.NotEmpty(asked);
        var z = asked.Max(t => t.Z);
        var dir = Directory.CreateTempSubdirectory("fukushimap-city-tiles-");
        var text = new System.Text.StringBuilder();
        foreach (var (_, x, y) in asked.Where(t => t.Z == z))
        {
            var response = await server.Client.GetAsync($"/tiles/base/{z}/{x}/{y}.pbf");
            if (response.StatusCode != System.Net.HttpStatusCode.OK) continue;
            var file = Path.Combine(dir.FullName, z.ToString(), x.ToString(), $"{y}.pbf");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
            var (exitCode, info) = await Ogrinfo.RunAsync("-ro", "-al", "MVT:" + file);
            Assert.True(exitCode == 0, info);
            text.Append(info);
        }
        var classes = Highway().Matches(text.ToString()).Select(m => m.Groups["class"].Value).ToList();
        output.WriteLine($"z{z}: {classes.Count} road lines: {string.Join(", ", classes.GroupBy(c => c).Select(g => $"{g.Key} {g.Count()}"))}");
        // 国道 and 県道 (trunk/primary, secondary/tertiary) make the network; no footpath crowds a whole-city sheet.
        Assert.Contains(classes, c => c is "trunk" or "primary");
        Assert.True(classes.Count(c => c is "secondary" or "tertiary") >= 10, "secondary/tertiary roads");
        Assert.DoesNotContain(classes, c => c is "footway" or "path" or "steps" or "service");
        Assert.Matches(@"name \(String\) = 国道", text.ToString());
    }

    [GeneratedRegex(@"/tiles/base/(?<z>\d+)/(?<x>\d+)/(?<y>\d+)\.pbf")]
    private static partial Regex TileName();

    [GeneratedRegex(@"highway \(String\) = (?<class>\w+)")]
    private static partial Regex Highway();

    private async Task AssertBaseMapDrawnAsync(PageView view, string name)
    {
        var page = view.Page;
        await page.WaitForSelectorAsync(".leaflet-container[data-basemap='base']", new() { State = WaitForSelectorState.Attached });
        // Tiles arrive and are drawn (protomaps-leaflet paints canvases a few ms after each fetch).
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.leaflet-tile-container canvas').length > 0");
        // A canvas stands before its tile arrives: wait (up to 20 s, a first cut under load) for a tile with content.
        for (var waited = 0; waited < 20_000 && !view.Tiles.Any(t => t.Status == 200); waited += 250)
        {
            await page.WaitForTimeoutAsync(250);
        }
        await page.WaitForTimeoutAsync(2500);

        Assert.Contains(view.Tiles, t => t.Status == 200);
        Assert.True(await page.Locator(".leaflet-container .north-arrow").First.IsVisibleAsync(), "north arrow");
        Assert.Contains("北", await page.Locator(".leaflet-container .north-arrow").First.InnerTextAsync());
        Assert.Matches(@"\d+ k?m", await page.Locator(".leaflet-control-scale-line").First.InnerTextAsync());
        Assert.Contains("© OpenStreetMap contributors", await page.Locator(".leaflet-container").First.InnerTextAsync());

        Directory.CreateDirectory(Artifacts);
        var file = Path.Combine(Artifacts, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = false });
        output.WriteLine($"{name}: {view.Tiles.Count} tile requests ({view.Tiles.Count(t => t.Status == 200)} × 200), screenshot {file}");
        view.AssertNoErrors();
    }

    private async Task<PageView> OpenAsync(string path)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            Locale = "ja-JP", TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1280, Height = 860 },
        });
        var view = new PageView(context, await context.NewPageAsync());
        await view.Page.RouteAsync($"https://{TileHost}/**", route => route.AbortAsync("internetdisconnected"));
        await view.Page.GotoAsync(server.BaseUrl + "/" + path);
        return view;
    }

    private sealed class PageView : IAsyncDisposable
    {
        private readonly IBrowserContext _context;
        private readonly ConcurrentQueue<string> _errors = new();

        public PageView(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.Response += (_, r) =>
            {
                if (r.Url.Contains("/tiles/base/", StringComparison.Ordinal)) Tiles.Add((r.Url, r.Status));
            };
            page.Console += (_, msg) =>
            {
                if (msg.Type == "error" && !msg.Location.Contains(TileHost, StringComparison.Ordinal)) _errors.Enqueue($"{msg.Text} @ {msg.Location}");
            };
            page.PageError += (_, e) => _errors.Enqueue("pageerror: " + e);
        }

        public IPage Page { get; }
        public ConcurrentBag<(string Url, int Status)> Tiles { get; } = [];

        /// <summary>The page printed to PDF, once printed.</summary>
        public byte[]? Pdf { get; set; }

        public void AssertNoErrors() => Assert.Empty(_errors);

        public async ValueTask DisposeAsync() => await _context.CloseAsync();
    }
}
