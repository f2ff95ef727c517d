using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.Browser;
using Microsoft.Playwright;
using static FukushiMap.Server.Tests.Security.PayloadFixture;

namespace FukushiMap.Server.Tests.Security;

/// <summary>
/// Stored script payloads in every kind of name (<see cref="PayloadFixture"/>) are shown as the literal text on every page and in
/// every print view, in Debian's Chromium: no dialog opens, no element is injected, and our own pages run clean under the
/// Content-Security-Policy (no violation reported). Map tooltips are opened too, since Leaflet would parse a string as HTML.
/// </summary>
[Collection(PayloadCollection.Name)]
public sealed class StoredPayloadPageTests(PayloadFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly IEnumerable<string> s_hubs = Enumerable.Range(0, Payloads.Length).Select(HubName);
    private static readonly IEnumerable<string> s_units = Enumerable.Range(0, Payloads.Length).Select(UnitName);
    private static readonly IEnumerable<string> s_districts = Enumerable.Range(0, Payloads.Length).Select(DistrictName);
    private static readonly IEnumerable<string> s_chiku = Enumerable.Range(0, Payloads.Length).Select(ChikuName);
    private static readonly IEnumerable<string> s_households = Enumerable.Range(0, Payloads.Length).Select(HouseholdLabel);

    /// <summary>The page at <paramref name="path"/> signed in as a new user with <paramref name="role"/>, once <paramref name="ready"/> is on it.</summary>
    private async Task<PayloadView> SignInAsync(string path, string? ready, string role, params int[] districts)
    {
        var view = await PayloadView.SignInAsync(browser.Browser, fixture.BaseUrl, await fixture.CreateUserAsync(role, districts), path);
        try
        {
            if (ready is not null)
            {
                await view.WaitForSelectorAsync(ready);
            }
            return view;
        }
        catch
        {
            await view.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task TheMapPageShowsHubAndTownNamesAsTextOnScreenAndInPrint()
    {
        await using var view = await PayloadView.OpenAsync(browser.Browser, fixture.BaseUrl, "");
        await view.WaitForTextAsync(s_hubs);
        await view.OpenTooltipsAsync("payload-map-tooltips.png");
        await view.AssertShowsAsync([.. s_hubs, .. s_units]);
        // District names label the map from zoom 13 on; at the city-wide view their labels are in the page, hidden.
        var labels = await view.Page.Locator(".leaflet-tooltip-pane").TextContentAsync();
        Assert.All([.. s_districts, .. s_chiku], name => Assert.Contains(name, labels));
        await view.PrintAsync("payload-map-print.png");
        await view.AssertCleanAsync();
    }

    [Fact]
    public async Task TheCoveragePageAndItsReportShowTownAndHubNamesAsText()
    {
        // By 町丁・字 (the page would open with the coarsest layer, the demo 地区): the payloads are 町丁 names.
        await using (var view = await PayloadView.OpenAsync(browser.Browser, fixture.BaseUrl, "coverage/?municipality=35202&minutes=10&pace=60&by=units"))
        {
            await view.WaitForSelectorAsync("body[data-runs='1']");
            await view.OpenTooltipsAsync("payload-coverage-tooltips.png");
            await view.AssertShowsAsync(s_units);
            await view.PrintAsync("payload-coverage-print.png");
            await view.AssertCleanAsync();
        }
        await using (var report = await PayloadView.OpenAsync(browser.Browser, fixture.BaseUrl, "coverage/report.html?municipality=35202&minutes=10&pace=60"))
        {
            await report.WaitForSelectorAsync("body[data-ready='true']");
            await report.PrintAsync("payload-coverage-report.png");
            await report.AssertCleanAsync();
        }
    }

    [Fact]
    public async Task TheFinderAndItsPrintableHubCardShowHubNamesAsText()
    {
        await using var view = await PayloadView.OpenAsync(browser.Browser, fixture.BaseUrl, "finder/?lat=33.948&lon=131.266&pace=80&place=" + Uri.EscapeDataString(Payloads[0]));
        await view.WaitForSelectorAsync("#results .result");
        await view.OpenTooltipsAsync("payload-finder-tooltips.png");
        await view.AssertShowsAsync(s_hubs.Take(3));
        await view.Page.Locator(".leaflet-marker-icon.hub-marker").First.ClickAsync(new() { Force = true });
        await view.WaitForSelectorAsync(".leaflet-popup");
        await view.PrintAsync("payload-finder-print.png");
        await view.AssertCleanAsync();

        var detail = await view.Page.Locator("#results .result", new() { HasText = HubName(0) }).Locator(".detail-link").GetAttributeAsync("href");
        await view.Page.GotoAsync(new Uri(new Uri(fixture.BaseUrl + "/finder/"), detail).ToString());
        await view.WaitForSelectorAsync("body[data-ready]");
        await view.AssertShowsAsync([HubName(0)]);
        Assert.Equal(HubName(0) + "｜福祉マップ", await view.Page.TitleAsync());
        await view.PrintAsync("payload-finder-hub-card.png");
        await view.AssertShowsAsync([HubName(0)]);
        await view.AssertCleanAsync();
    }

    [Fact]
    public async Task TheSitingPageShowsHubTownAndScenarioNamesAsText()
    {
        await using var view = await SignInAsync("siting/", "body[data-ready='true']", WelfareRoles.Planner);
        await view.Page.Locator("#add").FillAsync("2");
        await view.Page.Locator("#run").ClickAsync();
        await view.WaitForSelectorAsync("body[data-runs='1']");
        await view.Page.Locator("#all-districts").CheckAsync();
        await view.OpenTooltipsAsync("payload-siting-tooltips.png");
        await view.AssertShowsAsync([.. s_hubs, .. s_units, .. Enumerable.Range(0, Scenarios).Select(ScenarioName)]);

        // A saved scenario opened and two compared: their names head the banner and the columns.
        await view.Page.Locator("#scenario-list li", new() { HasText = ScenarioName(0) }).GetByRole(AriaRole.Button).ClickAsync();
        await view.WaitForSelectorAsync("body[data-runs='2']");
        foreach (var i in Enumerable.Range(0, Scenarios))
        {
            await view.Page.Locator("#scenario-list li", new() { HasText = ScenarioName(i) }).Locator("input").CheckAsync();
        }
        await view.Page.Locator("#compare").ClickAsync();
        await view.WaitForSelectorAsync("#comparison:not([hidden])");
        Assert.Contains(ScenarioName(0), await view.Page.Locator("#scenario-banner").InnerTextAsync());
        Assert.Contains(ScenarioName(1), await view.Page.Locator("#comparison-table").InnerTextAsync());
        await view.PrintAsync("payload-siting-print.png");
        await view.AssertShowsAsync([ScenarioName(0)]);
        await view.AssertCleanAsync();
    }

    [Fact]
    public async Task TheMeetingViewShowsHouseholdWatcherDistrictAndShelterNamesAsTextOnScreenAndInPrint()
    {
        await using var view = await SignInAsync("welfare/", null, WelfareRoles.Minsei, fixture.Own, fixture.Other);
        await view.WaitForTextAsync(s_households);
        await view.OpenTooltipsAsync("payload-meeting-tooltips.png");
        var watchers = Enumerable.Range(0, 3).SelectMany(i => new[] { WatcherName(i), WatcherRole(i) }).ToList();
        await view.AssertShowsAsync([.. s_households, DistrictName(0)]);
        Assert.Contains(DistrictName(1), await view.Page.Locator("#district").InnerTextAsync());
        // Watchers in the tooltips on the map, with their roles in their tab.
        await view.AssertShowsAsync(watchers.Where((_, k) => k % 2 == 0));
        await view.Page.ClickAsync("[data-tab=watchers]");
        await view.AssertShowsAsync(watchers);

        // The editor and the evacuation list (the nearest shelters carry payload names).
        await view.Page.ClickAsync("[data-tab=list]");
        await view.Page.Locator("#household-list li", new() { HasText = HouseholdLabel(0) }).GetByRole(AriaRole.Button).ClickAsync();
        await view.WaitForSelectorAsync("#editor:not([hidden]) #f-label");
        Assert.Equal(HouseholdLabel(0), await view.Page.InputValueAsync("#f-label"));
        // The title carries the household's number on the map and in the list.
        Assert.Matches(@"^世帯の編集: \d+番 ", await view.Page.InnerTextAsync("#editor-title"));
        await view.AssertShowsAsync(["番 " + HouseholdLabel(0)]);
        await view.Page.ClickAsync("[data-tab=evacuation]");
        await view.Page.ClickAsync("#evac-run");
        await view.WaitForSelectorAsync("#evac-list li");
        var evacuation = await view.Page.Locator("#evac-list").InnerTextAsync();
        Assert.Contains(Enumerable.Range(0, Payloads.Length).Select(ShelterName), name => evacuation.Contains(name, StringComparison.Ordinal));
        await view.Page.ClickAsync("[data-tab=review]");
        await view.WaitForSelectorAsync("#review-list li");
        await view.AssertShowsAsync(s_households);

        // The printed meeting map.
        await view.Page.ClickAsync("[data-tab=list]");
        await view.Page.EvaluateAsync("() => { window.print = () => { window.__printed = 1; }; }");
        await view.Page.FillAsync("#purpose", "攻撃文字列の表示の確認（テスト）");
        await view.Page.SelectOptionAsync("#paper", "A4");
        await view.Page.ClickAsync("#print");
        await view.Page.WaitForFunctionAsync("() => window.__printed === 1");
        Assert.Contains("size: A4 landscape", await view.Page.EvaluateAsync<string>("() => document.getElementById('page-size').sheet.cssRules[0].cssText"),
            StringComparison.OrdinalIgnoreCase);
        await view.PrintAsync("payload-meeting-print.png");
        await view.AssertShowsAsync([.. s_households, DistrictName(0)]);
        await view.AssertCleanAsync();
    }

    [Fact]
    public async Task ThePlannerViewShowsDistrictAndHubNamesAsText()
    {
        await using var view = await SignInAsync("welfare/planner.html", "#aggregates tbody tr", WelfareRoles.Planner);
        await view.OpenTooltipsAsync("payload-planner-tooltips.png");
        await view.AssertShowsAsync([.. s_chiku, .. s_hubs]);
        await view.PrintAsync("payload-planner-print.png");
        await view.AssertCleanAsync();
    }
}

/// <summary>One page in its own context, offline (tiles aborted), recording dialogs, errors and CSP violations.</summary>
internal sealed class PayloadView : IAsyncDisposable
{
    // Runs before the page's own scripts (Playwright injects it; the page's CSP does not apply to it).
    private const string RecordViolations =
        "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));";

    private readonly BrowserPage _view;
    private readonly List<string> _dialogs = [];

    private PayloadView(BrowserPage view)
    {
        // Offline, a failed tile is expected; anything else (a CSP refusal is logged as an error) is a defect: BrowserPage records it.
        _view = view;
        Page = view.Page;
        Page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    public static async Task<PayloadView> OpenAsync(IBrowser browser, string baseUrl, string path)
    {
        var view = await CreateAsync(browser);
        await view.Page.GotoAsync(baseUrl + "/" + path);
        return view;
    }

    /// <summary>Signs in on /welfare/ as the person does, then opens <paramref name="path"/>.</summary>
    public static async Task<PayloadView> SignInAsync(IBrowser browser, string baseUrl, WelfareMap.WelfareFixture.TestUser user, string path)
    {
        var view = await CreateAsync(browser);
        var p = view.Page;
        await p.GotoAsync(baseUrl + "/welfare/");
        await p.FillAsync("#login-user", user.UserName);
        await p.FillAsync("#login-password", user.Password);
        await p.ClickAsync("#login-form button[type=submit]");
        await p.WaitForSelectorAsync("#user-box:not([hidden])");
        if (path != "welfare/")
        {
            await p.GotoAsync(baseUrl + "/" + path);
        }
        return view;
    }

    private static async Task<PayloadView> CreateAsync(IBrowser browser) => new(await BrowserPage.CreateAsync(browser, initScript: RecordViolations));

    public Task WaitForSelectorAsync(string selector) =>
        Page.WaitForSelectorAsync(selector, new() { State = WaitForSelectorState.Attached, Timeout = 120_000 });

    public async Task WaitForTextAsync(IEnumerable<string> texts)
    {
        try
        {
            await Page.WaitForFunctionAsync("(texts) => texts.every((t) => document.body.innerText.includes(t))", texts.ToArray(), new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            await AssertShowsAsync(texts);
            throw;
        }
    }

    /// <summary>
    /// Hovers every interactive map layer at once, so every tooltip is open (Leaflet builds them on hover), and keeps a
    /// screenshot of the map for a person to look at.
    /// </summary>
    public async Task OpenTooltipsAsync(string screenshot)
    {
        await Page.EvaluateAsync("""
            () => { for (const el of document.querySelectorAll('.leaflet-interactive')) el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true, relatedTarget: document.body })); }
            """);
        await Page.Locator(".leaflet-container").First.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), screenshot) });
    }

    /// <summary>Each text is visible on the page exactly as stored (innerText: what a person sees, not markup).</summary>
    public async Task AssertShowsAsync(IEnumerable<string> texts)
    {
        var shown = await Page.EvaluateAsync<string>("() => document.body.innerText");
        var missing = texts.Where(t => !shown.Contains(t, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"not shown as text: {string.Join(" | ", missing)} (page {Page.Url} shows: {shown[..Math.Min(shown.Length, 600)]})");
    }

    /// <summary>The print view (CSS media print), with a screenshot for a person to look at.</summary>
    public async Task PrintAsync(string screenshot)
    {
        await Page.EmulateMediaAsync(new() { Media = Media.Print });
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), screenshot), FullPage = true });
    }

    /// <summary>No dialog, no element a payload would have made, no CSP violation, no console or page error.</summary>
    public async Task AssertCleanAsync()
    {
        Assert.Empty(_dialogs);
        var injected = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src]), iframe, object, embed, a[href^="javascript:" i]')]
              .map((e) => e.outerHTML.slice(0, 120))
            """);
        Assert.Empty(injected);
        Assert.Empty(await Page.EvaluateAsync<string[]>("() => window.__csp"));
        Assert.Empty(_view.Errors);
    }

    public ValueTask DisposeAsync() => _view.DisposeAsync();
}
