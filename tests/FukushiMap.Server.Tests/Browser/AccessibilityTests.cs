using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>
/// Every public page, on screen and in print, as Debian's Chromium draws it offline (background tiles blocked): text contrast
/// from computed colours, axe-core's serious and critical findings, and the keyboard path on the map page.
/// </summary>
[Collection(ServerCollection.Name)]
public class AccessibilityTests(ServerFixture server, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string TileHost = "cyberjapandata.gsi.go.jp";

    /// <summary>A page, and what to do before it is audited (wait for its data, run an analysis).</summary>
    public static TheoryData<string> Pages => ["", "coverage/", "coverage/report.html", "siting/", "finder/", "finder/hub.html", "welfare/"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryTextHasAContrastOfAtLeastFourAndAHalfOnScreenAndInPrint(string path)
    {
        await using var context = await NewContextAsync();
        var page = await OpenAsync(context, path);
        var failures = await OnScreenAndInPrintAsync(page, async _ =>
            (await PageAudit.LowContrastTextAsync(page)).Select(l => $"{l.Where} 「{l.Text}」 {l.Colour} on {l.Background} = {l.Ratio}:1"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"fukushimap-a11y-{Slug(path)}.png"), FullPage = true });
        Assert.True(failures.Count == 0, $"/{path}: {failures.Count} texts below 4.5:1\n" + string.Join("\n", failures.Take(40)));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task AxeFindsNothingSeriousOrCriticalOnScreenOrInPrint(string path)
    {
        await using var context = await NewContextAsync();
        var page = await OpenAsync(context, path);
        var serious = await OnScreenAndInPrintAsync(page, async media =>
        {
            var violations = await PageAudit.AxeAsync(page);
            output.WriteLine($"axe /{path} ({media}): {string.Join("; ", violations.Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"))}");
            return violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}");
        });
        Assert.True(serious.Count == 0, $"/{path}:\n" + string.Join("\n", serious));
    }

    [Fact]
    public async Task OnTheMapPageTheLayerControlsAreWithinTenTabStopsOfTheSkipLinkAndNoPopulationSymbolIsATabStop()
    {
        await using var context = await NewContextAsync();
        var page = await OpenAsync(context, "");
        Assert.True(await page.Locator(".fm-population-circle").CountAsync() > 100);

        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.classList.contains('skip-link')"));
        var stops = 0;
        var passed = new List<string>();
        while (stops < 10 && !await page.EvaluateAsync<bool>("() => !!document.activeElement.closest('#layer-toggles')"))
        {
            await page.Keyboard.PressAsync("Tab");
            stops++;
            passed.Add(await page.EvaluateAsync<string>("() => document.activeElement.tagName + ' ' + (document.activeElement.textContent || document.activeElement.id || '').trim().slice(0, 20)"));
        }
        output.WriteLine($"Tab stops from the skip link to the first layer control: {stops} ({string.Join(" → ", passed)})");
        Assert.True(await page.EvaluateAsync<bool>("() => !!document.activeElement.closest('#layer-toggles')"),
            $"after 10 Tab stops focus is on {passed.LastOrDefault()}, not a layer control");

        // Leaflet's tooltips make Chromium focus SVG shapes; every population circle is kept out of the Tab order.
        Assert.Equal(0, await page.Locator(".fm-population-circle:not([tabindex='-1'])").CountAsync());
    }

    [Fact]
    public async Task EveryDistrictLayerOnTheMapPageHasItsOwnLineStyleAndTheLegendShowsIt()
    {
        await using var context = await NewContextAsync();
        var page = await OpenAsync(context, "");
        // 札幌市 has two district layers in the reference data (小学校区, 中学校区); 宇部市's 地区 and 民生委員担当区域 come with the
        // welfare demo data, not loaded here.
        await page.SelectOptionAsync("#municipality", "01100");
        await page.WaitForSelectorAsync("body[data-municipality='01100']");
        // Turn every district layer on, then compare the outlines drawn in the districts' pane with the legend's samples.
        var toggles = page.Locator("#layer-toggles input[id^='layer-districts-']:not(:disabled)");
        var layers = await toggles.CountAsync();
        foreach (var toggle in await toggles.AllAsync())
        {
            if (!await toggle.IsCheckedAsync()) await toggle.CheckAsync();
        }
        const string Style = "els => [...new Set(els.map(e => e.getAttribute('stroke') + ' ' + (e.getAttribute('stroke-dasharray') ?? 'solid')))]";
        var drawn = await page.Locator(".leaflet-fm-districts-pane path").EvaluateAllAsync<string[]>(Style);
        var legend = await page.Locator("#legend-body .fm-line-sample rect").EvaluateAllAsync<string[]>(Style);
        output.WriteLine($"{layers} district layers; outlines: {string.Join(" | ", drawn)}; legend: {string.Join(" | ", legend)}");
        Assert.True(layers >= 2, "札幌市 has more than one district layer");
        Assert.Equal(layers, drawn.Length);
        Assert.All(drawn, s => Assert.Contains(s.Replace(", ", ","), legend.Select(l => l.Replace(", ", ","))));
        // Colour and dash both differ between any two layers.
        Assert.Equal(layers, drawn.Select(s => s.Split(' ')[0]).Distinct().Count());
        Assert.Equal(layers, drawn.Select(s => s[(s.IndexOf(' ') + 1)..]).Distinct().Count());
    }

    private async Task<IBrowserContext> NewContextAsync() => await browser.Browser.NewContextAsync(new()
    {
        Locale = "ja-JP",
        TimezoneId = "Asia/Tokyo",
        ViewportSize = new() { Width = 1400, Height = 900 },
    });

    /// <summary>What <paramref name="audit"/> finds on screen and then in print, each line prefixed by its medium; leaves the page on screen.</summary>
    private static async Task<List<string>> OnScreenAndInPrintAsync(IPage page, Func<Media, Task<IEnumerable<string>>> audit)
    {
        var found = new List<string>();
        foreach (var media in new[] { Media.Screen, Media.Print })
        {
            await page.EmulateMediaAsync(new() { Media = media });
            found.AddRange((await audit(media)).Select(line => $"{media}: {line}"));
        }
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        return found;
    }

    private async Task<IPage> OpenAsync(IBrowserContext context, string path)
    {
        var page = await context.NewPageAsync();
        await page.RouteAsync($"https://{TileHost}/**", route => route.AbortAsync("internetdisconnected"));
        await page.GotoAsync(server.BaseUrl + "/" + path);
        var ready = new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 };
        switch (path)
        {
            case "":
                await page.WaitForSelectorAsync("body[data-municipality]", ready);
                break;
            case "coverage/":
                await page.WaitForSelectorAsync("body[data-runs='1']", ready);
                break;
            case "coverage/report.html":
            case "finder/hub.html":
                await page.WaitForSelectorAsync("body[data-ready]", ready);
                break;
            case "siting/":
                await page.WaitForSelectorAsync("body[data-ready='true']", ready);
                await page.Locator("#run").ClickAsync();
                await page.WaitForSelectorAsync("body[data-runs='1']", ready);
                break;
            case "finder/":
                await page.FillAsync("#q", "則貞2丁目、ゆっくり");
                await page.ClickAsync("#search-form button[type=submit]");
                await page.WaitForSelectorAsync("#results .result", ready);
                break;
            case "welfare/":
                await page.WaitForSelectorAsync("#login-form", ready);
                break;
        }
        return page;
    }

    private static string Slug(string path) => path.Length == 0 ? "map" : path.Replace('/', '-').Replace(".html", "").Trim('-');
}
