using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>
/// 「歩いて行ける範囲」 on the map page: walking isochrones from GET /api/isochrones drawn under the hub markers. Every figure
/// on the page is compared with what the API answers to the very query the page sent.
/// </summary>
[Collection(ServerCollection.Name)]
public class WalkingRangeTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Ube = "35202";
    private const string Sapporo = "01100";
    private const string Bands = ".leaflet-fm-walk-pane path.fm-walk-band";
    private const string ShowLabel = "歩いて行ける範囲を表示する";

    /// <summary>The first isochrone request of a run loads the city's walking graph from PostGIS; later ones are quick.</summary>
    private const float FirstLoadTimeoutMs = 180_000;

    [Fact]
    public async Task TurningItOnDrawsOneBandForEachFeatureTheApiReturnsForTheSameQuery()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;

        await page.GetByLabel(ShowLabel).CheckAsync();
        // Defaults: ふつう (80 m/分), 10 minutes, one dissolved area.
        var query = await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");
        await AssertBandsMatchApiAsync(page, query);

        await page.GetByLabel("15分", new() { Exact = true }).CheckAsync();
        query = await WaitForBandsAsync(page, minutes: "10,15", pace: "80", grouping: "dissolved");
        await AssertBandsMatchApiAsync(page, query);

        await page.GetByLabel("拠点ごとに分ける").CheckAsync();
        query = await WaitForBandsAsync(page, minutes: "10,15", pace: "80", grouping: "per-hub");
        await AssertBandsMatchApiAsync(page, query);

        // Under the hub markers: the bands' pane is below the marker pane.
        var z = await page.EvaluateAsync<int[]>(
            "() => ['.leaflet-fm-walk-pane', '.leaflet-marker-pane'].map(s => +getComputedStyle(document.querySelector(s)).zIndex)");
        Assert.True(z[0] < z[1]);
        await view.ScreenshotAsync("fukushimap-walk-per-hub.png", fullPage: false);
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ASlowerPaceAsksForSixtyMetresAMinuteAndDrawsASmallerTenMinuteBand()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        var sent = new List<string>();
        page.Request += (_, r) => { if (r.Url.Contains("/api/isochrones", StringComparison.Ordinal)) sent.Add(r.Url); };

        await page.GetByLabel(ShowLabel).CheckAsync();
        var normalQuery = await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");
        var normalBox = await page.Locator(Bands).BoundingBoxAsync();

        await page.GetByLabel("ゆっくり（60 m/分）").CheckAsync();
        var slowQuery = await WaitForBandsAsync(page, minutes: "10", pace: "60", grouping: "dissolved");
        var slowBox = await page.Locator(Bands).BoundingBoxAsync();

        Assert.Contains(sent, url => QueryOf(url)["pace"] == "60");
        var normal = await GetApiAsync(normalQuery);
        var slow = await GetApiAsync(slowQuery);
        var normalMetres = normal.GetProperty("features")[0].GetProperty("properties").GetProperty("metres").GetDouble();
        var slowMetres = slow.GetProperty("features")[0].GetProperty("properties").GetProperty("metres").GetDouble();
        Assert.True(slowMetres < normalMetres);
        Assert.Equal(slowMetres, double.Parse((await page.Locator(Bands).GetAttributeAsync("data-metres"))!, CultureInfo.InvariantCulture));
        Assert.Equal("60", await page.Locator(Bands).GetAttributeAsync("data-pace"));

        // The same map view before and after: the slower band's outline lies within a smaller box.
        Assert.NotNull(normalBox);
        Assert.NotNull(slowBox);
        Assert.True(slowBox.Width <= normalBox.Width && slowBox.Height <= normalBox.Height);
        Assert.True(slowBox.Width * slowBox.Height < normalBox.Width * normalBox.Height);
        await Assertions.Expect(page.Locator("#walk-status")).ToContainTextAsync("60 m/分");
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ListsEveryHubTheRoadNetworkDoesNotReachWithItsDistanceFromTheRoad()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;

        await page.GetByLabel(ShowLabel).CheckAsync();
        var query = await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");
        var api = await GetApiAsync(query);
        var off = api.GetProperty("offNetworkHubs").EnumerateArray().ToList();
        Assert.NotEmpty(off); // 宇部市's network covers the urban south only

        var items = page.Locator("#walk-off-network-list li");
        Assert.Equal(off.Select(h => h.GetProperty("name").GetString()), await items.Locator(".fm-walk-off-name").AllTextContentsAsync());
        var texts = await items.AllTextContentsAsync();
        for (var i = 0; i < off.Count; i++)
        {
            var metres = Math.Round(off[i].GetProperty("snapMetres").GetDouble()).ToString("N0", CultureInfo.InvariantCulture);
            Assert.Contains($"道路から {metres} m", texts[i]);
        }
        await Assertions.Expect(page.Locator("#walk-off-network")).ToContainTextAsync($"計算できない拠点（{off.Count}か所）");
        await Assertions.Expect(page.Locator("#walk-status")).ToContainTextAsync($"{off.Count}か所");
    }

    [Fact]
    public async Task WorksWithTheKeyboardAlone()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;

        // From the background-map choice, Tab leads into the walking section.
        await page.Locator("#basemap-gsi").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("walk-toggle", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Space");
        await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("walk-pace-normal", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("ArrowDown"); // radio buttons: the arrow key moves and selects
        Assert.Equal("walk-pace-slow", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("walk-minutes-5", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("walk-minutes-15", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Space");
        var query = await WaitForBandsAsync(page, minutes: "10,15", pace: "60", grouping: "dissolved");
        await AssertBandsMatchApiAsync(page, query);

        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("walk-per-hub", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Space");
        query = await WaitForBandsAsync(page, minutes: "10,15", pace: "60", grouping: "per-hub");
        await AssertBandsMatchApiAsync(page, query);

        // Off again from the keyboard: the bands go.
        await page.Locator("#walk-toggle").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Locator(Bands)).ToHaveCountAsync(0);
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task TheLegendAndTheOpenStreetMapCreditAppearWhileTheBandsAreShown()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        // The road map's credit (© OpenStreetMap contributors) heads the one credits box; the walking network's is a data line.
        Assert.DoesNotContain(await page.Locator("#map-attribution .fm-attribution-line").AllInnerTextsAsync(), l => l.Contains("OpenStreetMap", StringComparison.Ordinal));

        await page.GetByLabel(ShowLabel).CheckAsync();
        await page.GetByLabel("5分", new() { Exact = true }).CheckAsync();
        var query = await WaitForBandsAsync(page, minutes: "5,10", pace: "80", grouping: "dissolved");
        var api = await GetApiAsync(query);

        var legend = await page.Locator("#legend-body").InnerTextAsync();
        foreach (var band in api.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")))
        {
            var minutes = band.GetProperty("minutes").GetDouble().ToString(CultureInfo.InvariantCulture);
            var pace = band.GetProperty("pace").GetDouble().ToString(CultureInfo.InvariantCulture);
            Assert.Contains($"徒歩{minutes}分（{pace} m/分）", legend);
        }
        // Each band's legend swatch shows its own hatching (a pattern), not only a colour.
        var swatchFills = await page.Locator("#legend-body .fm-walk-swatch rect").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('fill'))");
        Assert.Equal(2, swatchFills.Distinct().Count());
        Assert.All(swatchFills, f => Assert.StartsWith("url(#", f));
        var attribution = api.GetProperty("attribution").GetString()!;
        Assert.Contains("OpenStreetMap", attribution);
        Assert.Contains(attribution, await page.Locator("#map-attribution").InnerTextAsync());
        Assert.Contains(attribution, await page.Locator("#sources-body").InnerTextAsync());
        // The credits name the live walking network and since when it serves.
        Assert.Matches(@"歩行ネットワーク「ube-walk」（\d{4}-\d{2}-\d{2} から使用）", await page.Locator("#map-attribution").InnerTextAsync());

        await page.GetByLabel(ShowLabel).UncheckAsync();
        await Assertions.Expect(page.Locator(Bands)).ToHaveCountAsync(0);
        Assert.DoesNotContain("徒歩", await page.Locator("#legend-body").InnerTextAsync());
        Assert.DoesNotContain(await page.Locator("#map-attribution .fm-attribution-line").AllInnerTextsAsync(), l => l.Contains(attribution, StringComparison.Ordinal));
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task WithoutAWalkingNetworkItDrawsStraightLineCirclesSaysSoAndDrawsUbeAgainOnTheWayBack()
    {
        const string Fukutsu = "40224";
        using (var response = await server.Client.GetAsync($"/api/isochrones?municipality={Fukutsu}&minutes=10&pace=80"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("straight-line", await response.Content.ReadAsStringAsync());
        }

        await using var view = await OpenMapAsync();
        var page = view.Page;
        await page.GetByLabel(ShowLabel).CheckAsync();
        await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");

        // 福津市 has hubs but no walking network: circles of 10 min × 80 m/min, said to be straight-line, with no network credit.
        await page.SelectOptionAsync("#municipality", Fukutsu);
        await Assertions.Expect(page.Locator("#walk-status")).ToContainTextAsync("直線距離（道路データなし）", new() { Timeout = FirstLoadTimeoutMs });
        Assert.True(await page.Locator(Bands).CountAsync() > 0);
        Assert.Contains("直線距離（道路データなし）", await page.Locator("#legend-body").InnerTextAsync());
        Assert.DoesNotContain(await page.Locator("#map-attribution .fm-attribution-line").AllInnerTextsAsync(), l => l.Contains("OpenStreetMap", StringComparison.Ordinal));
        await view.ScreenshotAsync("fukushimap-walk-fukutsu-straight-line.png", fullPage: false);

        // 札幌市 (a test city) has neither hubs nor a network: nothing to draw, said politely.
        await page.SelectOptionAsync("#municipality", Sapporo);
        await Assertions.Expect(page.Locator("#walk-status")).ToContainTextAsync("拠点がない", new() { Timeout = FirstLoadTimeoutMs });
        Assert.Equal(0, await page.Locator(Bands).CountAsync());
        await Assertions.Expect(page.Locator("#walk-off-network")).ToBeHiddenAsync();

        await page.SelectOptionAsync("#municipality", Ube);
        var query = await WaitForBandsAsync(page, minutes: "10", pace: "80", grouping: "dissolved");
        await AssertBandsMatchApiAsync(page, query);
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AChangeWhileARequestIsRunningCancelsItAndOnlyTheNewerFigureIsDrawn()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.RequestFailed += (_, r) =>
        {
            if (r.Url.Contains("/api/isochrones", StringComparison.Ordinal))
            {
                failed.TrySetResult(r.Url);
            }
        };
        // Requests at 80 m/分 are held (never answered) so that the change below finds one still running.
        var held = new List<IRoute>();
        await page.RouteAsync("**/api/isochrones?**", async route =>
        {
            if (QueryOf(route.Request.Url)["pace"] == "80")
            {
                held.Add(route);
                return;
            }
            await route.ContinueAsync();
        });

        var first = page.WaitForRequestAsync(r => r.Url.Contains("/api/isochrones", StringComparison.Ordinal));
        await page.GetByLabel(ShowLabel).CheckAsync();
        await first;
        await Assertions.Expect(page.Locator("#walk-status")).ToHaveTextAsync("計算中…");

        await page.GetByLabel("休み休み（48 m/分）").CheckAsync();
        var query = await WaitForBandsAsync(page, minutes: "10", pace: "48", grouping: "dissolved");
        Assert.Equal("80", QueryOf(await failed.Task.WaitAsync(TimeSpan.FromSeconds(60)))["pace"]);
        await AssertBandsMatchApiAsync(page, query);
        Assert.All(await page.Locator(Bands).EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.pace)"), p => Assert.Equal("48", p));
    }

    [Fact]
    public async Task PrintsTheBandsTheirLegendAndTheHubsLeftOutOnOneA4Sheet()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        await page.GetByLabel(ShowLabel).CheckAsync();
        await page.GetByLabel("15分", new() { Exact = true }).CheckAsync();
        var query = await WaitForBandsAsync(page, minutes: "10,15", pace: "80", grouping: "dissolved");
        var api = await GetApiAsync(query);

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.Equal(api.GetProperty("features").GetArrayLength(), await page.Locator(Bands).CountAsync());
        await Assertions.Expect(page.Locator(Bands).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#legend-body")).ToContainTextAsync("徒歩15分（80 m/分）");
        await Assertions.Expect(page.Locator("#walk-status")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#walk-off-network")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#map-attribution")).ToContainTextAsync("OpenStreetMap");
        await Assertions.Expect(page.Locator("#walk-toggle")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#walk-options")).ToBeHiddenAsync();

        var pdf = Path.Combine(Path.GetTempPath(), "fukushimap-walk-ube.pdf");
        await page.PdfAsync(new() { Path = pdf, PreferCSSPageSize = true, PrintBackground = true });
        var text = await File.ReadAllTextAsync(pdf, Encoding.Latin1);
        Assert.Single(Regex.Matches(text, @"/Type\s*/Page(?![a-zA-Z])"));
    }

    // ---------- helpers ----------

    private Task<MapView> OpenMapAsync(string query = "") => MapView.OpenAsync(browser.Browser, server.BaseUrl, query);

    /// <summary>Waits until the page has drawn the bands of this question; returns the query it sent (relative URL).</summary>
    private static async Task<string> WaitForBandsAsync(IPage page, string minutes, string pace, string grouping)
    {
        var handle = await page.WaitForFunctionAsync(
            """
            (want) => {
              const q = document.getElementById('map').dataset.walkQuery;
              if (!q) return null;
              const p = new URLSearchParams(q.split('?')[1]);
              return Object.entries(want).every(([k, v]) => p.get(k) === v) ? q : null;
            }
            """,
            new Dictionary<string, string> { ["municipality"] = Ube, ["minutes"] = minutes, ["pace"] = pace, ["grouping"] = grouping },
            new() { Timeout = FirstLoadTimeoutMs });
        return await handle.JsonValueAsync<string>();
    }

    private async Task<JsonElement> GetApiAsync(string pageQuery) =>
        await server.Client.GetFromJsonAsync<JsonElement>(pageQuery.TrimStart('/'));

    /// <summary>One path per API feature, each with the API's minutes, in the API's order (largest band first).</summary>
    private async Task AssertBandsMatchApiAsync(IPage page, string pageQuery)
    {
        var api = await GetApiAsync(pageQuery);
        var expected = api.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("minutes").GetDouble().ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(expected);
        var drawn = await page.Locator(Bands).EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.minutes)");
        Assert.Equal(expected, drawn);
    }

    private static Dictionary<string, string> QueryOf(string url) =>
        QueryHelpers.ParseQuery(new Uri(new Uri("http://x/"), url).Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    private static Task<string> ActiveIdAsync(IPage page) => page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''");
}
