using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Data.Entities;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>
/// The map page at / in a real Chromium over the real server and the reference data. Background tiles are blocked, as in an
/// offline meeting hall: every check here must hold without them.
/// </summary>
[Collection(ServerCollection.Name)]
public class MapPageTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Ube = "35202";
    private const string Sapporo = "01100";

    [Fact]
    public async Task ShowsOneKeyboardReachableMarkerPerHubOfUbe()
    {
        var expected = await CountFeaturesAsync("hubs", Ube);
        // 宇部市: one ふれあいセンター per 校区 and its 10 地域包括支援センター (福祉なんでも相談窓口).
        await using (var db = server.Database.CreateContext())
        {
            Assert.Equal(await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.RetiredAt == null), expected);
            Assert.Equal(24, await db.Hubs.CountAsync(h => h.MunicipalityCode == Ube && h.HubType!.Key == "fureai-center"));
        }

        await using var view = await OpenMapAsync();
        var markers = view.Page.Locator(".leaflet-marker-pane .fm-hub-marker");
        Assert.Equal(expected, await markers.CountAsync());
        foreach (var marker in await markers.AllAsync())
        {
            Assert.Equal("0", await marker.GetAttributeAsync("tabindex"));
            Assert.Equal("button", await marker.GetAttributeAsync("role"));
            Assert.False(string.IsNullOrWhiteSpace(await marker.GetAttributeAsync("aria-label")));
            Assert.False(string.IsNullOrWhiteSpace(await marker.GetAttributeAsync("data-hub-id")));
        }
        // The same hubs as a text list, so the page is complete without the map.
        Assert.Equal(expected, await view.Page.Locator("#hub-list .fm-hub-button").CountAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task FitsUbeOnLoadSoThatEveryHubIsInView()
    {
        await using var view = await OpenMapAsync();
        var map = await view.Page.Locator("#map").BoundingBoxAsync();
        Assert.NotNull(map);
        var markers = await view.Page.Locator(".fm-hub-marker").AllAsync();
        Assert.NotEmpty(markers);
        foreach (var marker in markers)
        {
            var box = await marker.BoundingBoxAsync();
            Assert.NotNull(box);
            var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
            Assert.InRange(x, map.X, map.X + map.Width);
            Assert.InRange(y, map.Y, map.Y + map.Height);
        }
    }

    [Fact]
    public async Task ShowsLegendScaleAndTheCreditsOfTheDataInView()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;

        var legend = await page.Locator("#legend-body").InnerTextAsync();
        var hubTypes = await server.Client.GetFromJsonAsync<JsonElement>("/api/hub-types");
        var hubs = await GetFeaturesAsync("hubs", Ube);
        var shownTypeKeys = hubs.Select(f => TypeKey(f.GetProperty("properties"))).Where(k => k is not null).ToHashSet();
        foreach (var type in hubTypes.EnumerateArray().Where(t => shownTypeKeys.Contains(t.GetProperty("key").GetString())))
        {
            Assert.Contains(type.GetProperty("name").GetString()!, legend);
        }
        Assert.Contains("ふれあいセンター", legend);
        Assert.Contains("町丁・字別人口", legend);
        Assert.Matches(@"[0-9,]+人", legend);

        var scale = await page.Locator(".leaflet-control-scale-line").InnerTextAsync();
        Assert.Matches(@"^\s*[0-9]+\s*(m|km)\s*$", scale);

        var credits = await page.Locator("#map-attribution").InnerTextAsync();
        Assert.Contains("地理院タイル", credits);
        Assert.Contains("出典：政府統計の総合窓口(e-Stat)（平成27年国勢調査 小地域境界データ）を加工して作成", credits);
        // Every dataset behind a layer on the map has its credit line on the map.
        var datasets = await server.Client.GetFromJsonAsync<JsonElement>($"/api/datasets?municipality_code={Ube}");
        var visibleLayers = new[] { "municipalities", "hubs", "population-units" };
        foreach (var d in datasets.EnumerateArray())
        {
            var layers = d.GetProperty("layers").EnumerateArray().Select(l => l.GetString()).ToList();
            if (layers.Intersect(visibleLayers).Any())
            {
                Assert.Contains(d.GetProperty("attribution").GetString()!, credits);
            }
        }
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task SaysTheBackgroundIsMissingWhenTilesCannotLoadAndStillDrawsTheLayers()
    {
        await using var view = await OpenMapAsync();
        await Assertions.Expect(view.Page.Locator("#map-status")).ToContainTextAsync("背景地図");
        Assert.True(await view.Page.Locator(".leaflet-fm-population-pane path.fm-population-circle").CountAsync() > 0);
        Assert.True(await view.Page.Locator(".fm-hub-marker").CountAsync() > 0);

        await Screenshot(view.Page, "fukushimap-map-ube.png");
    }

    [Fact]
    public async Task ShowsAHubNameWithMarkupAsPlainText()
    {
        const string hostileName = "<img src=x onerror=alert(1)>";
        int hubId;
        await using (var db = server.Database.CreateContext())
        {
            var type = await db.HubTypes.SingleAsync(t => t.Key == "fureai-center");
            var hub = new Hub
            {
                MunicipalityCode = Ube,
                HubTypeId = type.Id,
                Name = hostileName,
                Address = "<b>宇部市</b>",
                Functions = ["<script>alert(2)</script>"],
                Location = new Point(131.2500, 33.9500) { SRID = 6668 },
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Hubs.Add(hub);
            await db.SaveChangesAsync();
            hubId = hub.Id;
        }
        try
        {
            await using var view = await OpenMapAsync();
            var page = view.Page;

            var button = page.Locator("#hub-list .fm-hub-button", new() { HasText = hostileName });
            Assert.Equal(1, await button.CountAsync());
            Assert.Equal(hostileName, await button.Locator(".fm-hub-name").TextContentAsync());
            Assert.Equal(1, await page.Locator(".fm-hub-marker[aria-label*='<img src=x']").CountAsync());

            await button.ClickAsync();
            var popup = page.Locator(".leaflet-popup-content");
            await Assertions.Expect(popup).ToBeVisibleAsync();
            Assert.Equal(hostileName, await popup.Locator(".fm-popup-title").TextContentAsync());
            Assert.Contains("<b>宇部市</b>", await popup.InnerTextAsync());
            Assert.Contains("<script>alert(2)</script>", await popup.InnerTextAsync());

            Assert.Equal(0, await page.Locator("img[src='x'], .leaflet-popup-content script, .leaflet-popup-content b").CountAsync());
            Assert.Empty(view.Dialogs);
            view.AssertNoConsoleErrors();
        }
        finally
        {
            await using var db = server.Database.CreateContext();
            await db.Hubs.Where(h => h.Id == hubId).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task HubTypesThatShareAStoredShapeStillGetDifferentSymbols()
    {
        // なごみの家 and ふれあいセンター are both stored as circles; on one map colour alone must not tell them apart.
        int hubId;
        await using (var db = server.Database.CreateContext())
        {
            var nagomi = await db.HubTypes.SingleAsync(t => t.Key == "nagomi");
            var fureai = await db.HubTypes.SingleAsync(t => t.Key == "fureai-center");
            Assert.Equal(fureai.Shape, nagomi.Shape);
            var hub = new Hub
            {
                MunicipalityCode = Ube, HubTypeId = nagomi.Id, Name = "試験用なごみの家",
                Location = new Point(131.2400, 33.9600) { SRID = 6668 },
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Hubs.Add(hub);
            await db.SaveChangesAsync();
            hubId = hub.Id;
        }
        try
        {
            await using var view = await OpenMapAsync();
            var page = view.Page;
            var fureaiShapes = await page.Locator(".fm-hub-marker[data-hub-type='fureai-center']")
                .EvaluateAllAsync<string[]>("els => [...new Set(els.map(e => e.dataset.hubShape))]");
            var nagomiShapes = await page.Locator(".fm-hub-marker[data-hub-type='nagomi']")
                .EvaluateAllAsync<string[]>("els => [...new Set(els.map(e => e.dataset.hubShape))]");
            Assert.Single(fureaiShapes);
            Assert.Single(nagomiShapes);
            Assert.NotEqual(fureaiShapes[0], nagomiShapes[0]);
            var legend = await page.Locator("#legend-body").InnerTextAsync();
            Assert.Contains("なごみの家", legend);
            Assert.Contains("ふれあいセンター", legend);
        }
        finally
        {
            await using var db = server.Database.CreateContext();
            await db.Hubs.Where(h => h.Id == hubId).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task EscapeClosesAHubPopupAndReturnsFocusToTheList()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        var first = page.Locator("#hub-list .fm-hub-button").First;
        var name = await first.Locator(".fm-hub-name").TextContentAsync();

        var title = await EnterOpensThenEscapeClosesAsync(page, first);
        Assert.Equal(name, title);
    }

    [Fact]
    public async Task EnterOnAFocusedHubMarkerOpensItsDetails()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        var marker = page.Locator(".fm-hub-marker").First;
        var label = await marker.GetAttributeAsync("aria-label");

        var title = await EnterOpensThenEscapeClosesAsync(page, marker);
        Assert.StartsWith(title ?? "", label);
    }

    /// <summary>
    /// Enter on the focused <paramref name="target"/> opens a popup, Escape closes it and gives focus back to the target;
    /// returns the popup's title.
    /// </summary>
    private static async Task<string?> EnterOpensThenEscapeClosesAsync(IPage page, ILocator target)
    {
        await target.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var popup = page.Locator(".leaflet-popup");
        await Assertions.Expect(popup).ToBeVisibleAsync();
        var title = await popup.Locator(".fm-popup-title").TextContentAsync();

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(popup).ToHaveCountAsync(0);
        Assert.True(await target.EvaluateAsync<bool>("el => el === document.activeElement"));
        return title;
    }

    [Fact]
    public async Task TogglingALayerRemovesItFromTheMapTheLegendAndTheCredits()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        const string estat = "e-Stat";
        Assert.Contains(estat, await page.Locator("#map-attribution").InnerTextAsync());

        await page.GetByLabel("町丁・字別人口").UncheckAsync();

        Assert.Equal(0, await page.Locator("path.fm-population-circle").CountAsync());
        Assert.DoesNotContain("町丁・字別人口", await page.Locator("#legend-body").InnerTextAsync());
        // The road map's own credit (which names e-Stat for its 町丁 names) heads the box; the layer's data lines are gone.
        Assert.DoesNotContain(await page.Locator("#map-attribution .fm-attribution-line").AllInnerTextsAsync(), l => l.Contains(estat, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SwitchingToSapporoDrawsItsSchoolDistricts()
    {
        var expected = await CountFeaturesAsync("districts", Sapporo);
        Assert.True(expected > 0);

        await using var view = await OpenMapAsync();
        await view.Page.SelectOptionAsync("#municipality", Sapporo);
        await view.Page.WaitForSelectorAsync($"body[data-municipality='{Sapporo}']");

        Assert.Equal(expected, await view.Page.Locator(".leaflet-fm-districts-pane path").CountAsync());
        Assert.Equal(0, await view.Page.Locator(".fm-hub-marker").CountAsync());
        Assert.Contains("札幌市", await view.Page.Locator("h1").InnerTextAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task PrintsTitleLegendScaleAndCreditsOnOneA4LandscapeSheetWithoutTheControls()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#legend-body")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".leaflet-control-scale")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#map-attribution")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#municipality")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#layer-toggles")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".leaflet-control-zoom")).ToBeHiddenAsync();

        var pdf = Path.Combine(Path.GetTempPath(), "fukushimap-map-ube.pdf");
        // One A4 landscape sheet: 297 × 210 mm in points.
        BrowserPage.AssertOneSheet(await page.PdfAsync(new() { Path = pdf, PreferCSSPageSize = true, PrintBackground = true }), 842, 595);
    }

    [Fact]
    public async Task KeepsWorkingWithTextEnlargedTo200Percent()
    {
        await using var view = await OpenMapAsync(viewportWidth: 700, viewportHeight: 450);
        var page = view.Page;
        await page.EvaluateAsync("() => { document.documentElement.style.fontSize = '200%'; }");

        // Nothing scrolls sideways, and the list and controls are still reachable below the map.
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow);
        var button = page.Locator("#hub-list .fm-hub-button").First;
        await button.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(button).ToBeVisibleAsync();
        await Screenshot(page, "fukushimap-map-ube-200.png");
    }

    [Fact]
    public async Task ThePrintButtonDrawsTheSheetsViewBeforeTheDialogSoTheCityPrintsWithItsStreets()
    {
        await using var view = await OpenMapAsync();
        var page = view.Page;
        // The dialog itself is left out: the test only needs to know it was asked for, after the sheet was ready.
        await page.EvaluateAsync("() => { window.__printedWhenReady = null; window.print = () => { window.__printedWhenReady = document.body.dataset.sheet === 'ready'; }; }");
        await page.Locator("#print-sheet").ClickAsync();
        await page.WaitForFunctionAsync("() => window.__printedWhenReady !== null", null, new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__printedWhenReady"));

        // The view drawn for the sheet is the one printed: laying the page out for paper changes neither size nor zoom,
        // so no tile of another zoom is waited for (or missing) when the print snapshot is taken.
        const string View = "() => { const r = document.querySelector('#map').getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), document.querySelector('#map .leaflet-tile-container:not(:empty)') !== null]; }";
        var before = await page.EvaluateAsync<object[]>(View);
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        var printed = await page.EvaluateAsync<object[]>(View);
        Assert.Equal(before[0].ToString(), printed[0].ToString());
        Assert.Equal(before[1].ToString(), printed[1].ToString());
        await page.PdfAsync(new() { Format = "A4", Landscape = true, PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "fukushimap-map-ube-button.pdf") });
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
    }

    // ---------- helpers ----------

    private static string? TypeKey(JsonElement properties)
    {
        foreach (var name in new[] { "type", "type_key", "hub_type", "hub_type_key" })
        {
            if (properties.TryGetProperty(name, out var v))
            {
                if (v.ValueKind == JsonValueKind.String)
                {
                    return v.GetString();
                }
                if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("key", out var k))
                {
                    return k.GetString();
                }
            }
        }
        return null;
    }

    private async Task<List<JsonElement>> GetFeaturesAsync(string collection, string municipality)
    {
        var fc = await server.Client.GetFromJsonAsync<JsonElement>($"/collections/{collection}/items?municipality_code={municipality}&limit=10000");
        return [.. fc.GetProperty("features").EnumerateArray()];
    }

    private async Task<int> CountFeaturesAsync(string collection, string municipality) =>
        (await GetFeaturesAsync(collection, municipality)).Count;

    private static async Task Screenshot(IPage page, string name)
    {
        // For a person to look at the design; not committed, not compared.
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), name), FullPage = true });
    }

    private Task<MapView> OpenMapAsync(string query = "", int viewportWidth = 1400, int viewportHeight = 900) =>
        MapView.OpenAsync(browser.Browser, server.BaseUrl, query, viewportWidth, viewportHeight);
}
