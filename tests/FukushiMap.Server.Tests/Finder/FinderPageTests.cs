using System.Net.Http.Json;
using System.Text.Json;
using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.Finder;

/// <summary>
/// The resident finder at /finder/ in Debian's Chromium over the real server, as a new user on a phone would use it.
/// Background tiles are blocked (offline meeting hall): the page must work without them.
/// </summary>
[Collection(ServerCollection.Name)]
public class FinderPageTests(ServerFixture server, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string Phone = BrowserPage.Phone;

    [Fact]
    public async Task TypingAnAddressWithAPaceGivesARankedListWithMinutesAndDrawsTheRoute()
    {
        await using var view = await OpenAsync("finder/");
        var page = view.Page;

        await page.FillAsync("#q", "則貞2丁目、ゆっくり");
        await page.ClickAsync("#search-form button[type=submit]");
        await page.WaitForSelectorAsync("#results .result");

        // The pace word in the query chose ゆっくり (60 m/min).
        Assert.True(await page.IsCheckedAsync("input[name=pace][value='60']"));
        var expected = await NearestAsync("則貞2丁目", 60);
        var names = await page.Locator("#results .result-name .name-text").AllInnerTextsAsync();
        Assert.Equal(expected.Select(h => h.Name), names);
        var first = page.Locator("#results .result").First;
        Assert.Contains("ふれあいセンター", await first.InnerTextAsync());
        Assert.Contains($"約{Math.Ceiling(expected[0].Minutes - 1e-9)}分", await first.Locator(".walk-minutes").InnerTextAsync());
        Assert.Contains("開館時間の情報がありません", await first.InnerTextAsync());

        // The route of the nearest one is an SVG path in Leaflet's overlay pane.
        var route = page.Locator(".leaflet-overlay-pane svg path.route-line");
        await route.WaitForAsync();
        Assert.True((await route.GetAttributeAsync("d"))?.Length > 20);
        Assert.Equal(expected.Count, await page.Locator(".leaflet-marker-pane .hub-marker").CountAsync());
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task TheChosenHubListsItsWalkingStepsInOrderInBothKindsOfJapanese()
    {
        await using var view = await OpenAsync("finder/");
        var page = view.Page;
        await page.FillAsync("#q", "則貞2丁目、ゆっくり");
        await page.Keyboard.PressAsync("Enter");
        var steps = page.Locator("#results .result.is-selected ol.step-list > li");
        await steps.First.WaitForAsync();

        var expected = await NearestStepsAsync("則貞2丁目", 60);
        var texts = await steps.AllInnerTextsAsync();
        output.WriteLine(string.Join("\n", texts));
        Assert.Equal(expected.Count, texts.Count);
        Assert.StartsWith("◎出発：", texts[0].Replace(" ", "").Replace("\n", ""));
        var hubName = await page.Locator("#results .result-name .name-text").First.InnerTextAsync();
        Assert.Contains($"{hubName}に着きます", texts[^1]);
        foreach (var (step, text) in expected.Zip(texts))
        {
            if (step.Name is not null)
            {
                Assert.Contains($"{step.Name}を約 {step.Metres} m", text);
            }
            else if (step.Kind != "arrive")
            {
                Assert.Contains($"道なりに約 {step.Metres} m", text);
            }
        }
        // The steps are a list a screen reader announces with its heading; only the chosen hub carries them.
        Assert.Equal(1, await page.Locator("#results ol.step-list").CountAsync());
        Assert.Equal("歩く道順", await page.Locator("#results .steps-heading").InnerTextAsync());
        await page.Locator("#results .result").Nth(1).Locator(".show-route").ClickAsync();
        await page.Locator("#results .result").Nth(1).Locator("ol.step-list > li").First.WaitForAsync();
        Assert.Equal(1, await page.Locator("#results ol.step-list").CountAsync());

        await page.Locator("#results .result.is-selected").ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-steps.png") });
        await page.ClickAsync("#easy-toggle");
        await page.Locator("#results .result.is-selected").ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-steps-easy.png") });
        var easy = await page.Locator("#results .result.is-selected ol.step-list > li").AllInnerTextsAsync();
        output.WriteLine(string.Join("\n", easy));
        Assert.Contains("ほうへ いきます", easy[0]);
        Assert.Contains("に つきます", easy[^1]);
        Assert.DoesNotContain(easy, s => s.Contains("曲がり") || s.Contains("歩きます"));
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task OnAPhoneTheRouteButtonBringsTheMapIntoViewAndFocusesIt()
    {
        await using var view = await SearchOnPhoneAsync("則貞2丁目、ゆっくり", "#results .result");
        var page = view.Page;
        var button = page.Locator("#results .result").Nth(1).Locator(".show-route");
        await button.ScrollIntoViewIfNeededAsync();
        Assert.False(await InViewAsync(page, "#map"), "the map starts below the list on a phone");

        await button.ClickAsync();
        // The whole map comes into view (scrolling smoothly unless the resident asked for reduced motion).
        await page.WaitForFunctionAsync("() => { const r = document.querySelector('#map').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }");
        Assert.Equal("map-heading", await ActiveIdAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-phone-route-map.png") });

        // A button by the map leads back to the steps of the chosen hub.
        await page.ClickAsync("#back-to-steps");
        Assert.Equal($"steps-{await page.Locator("#results .result").Nth(1).GetAttributeAsync("data-hub-id")}", await ActiveIdAsync(page));
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AFailedSearchClearsTheEarlierResultsAndSaysWhatHappened()
    {
        await using var view = await SearchOnPhoneAsync("則貞2丁目", ".leaflet-overlay-pane svg path.route-line");
        var page = view.Page;

        await page.FillAsync("#q", "のりさだ");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#problem:not([hidden])");

        Assert.Contains("漢字", await page.InnerTextAsync("#problem"));
        Assert.Equal(0, await page.Locator("#results .result").CountAsync());
        Assert.DoesNotContain("分", await page.InnerTextAsync(".results-section"));
        Assert.Contains("前の結果は消しました", await page.InnerTextAsync("#status"));
        Assert.Equal(0, await page.Locator(".leaflet-overlay-pane svg path.route-line, .leaflet-marker-pane .hub-marker, .start-marker").CountAsync());
        Assert.DoesNotContain("lat=", page.Url);
    }

    [Fact]
    public async Task SuggestionsKeepThe丁目ThatWasTyped()
    {
        await using var view = await SearchOnPhoneAsync("則定2丁目", "#choices .choice");
        var page = view.Page;
        Assert.Equal("宇部市則貞二丁目", await page.Locator("#choices .choice").First.InnerTextAsync());
        Assert.Contains("則貞二丁目", await page.InnerTextAsync("#problem"));
    }

    [Theory]
    [InlineData("のりさだ", "かんじで")]
    [InlineData("則定2丁目", "したの なまえから えらんで")]
    [InlineData("山口市中央2丁目", "さがせる ちいきの そと")]
    public async Task InEasyJapaneseModeErrorsAreInEasyJapaneseToo(string typed, string said)
    {
        await using var view = await OpenAsync("finder/", Phone);
        var page = view.Page;
        await page.ClickAsync("#easy-toggle");
        await page.FillAsync("#q", typed);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#problem:not([hidden])");

        var text = await page.InnerTextAsync("#problem");
        Assert.Contains(said, text);
        // No word of the server's ordinary-Japanese sentence (入力, 見つかり, 対象地域) is left.
        Assert.DoesNotContain("入力", text);
        Assert.DoesNotContain("見つかり", text);
        Assert.DoesNotContain("対象地域", text);

        // Back to ordinary Japanese: the same problem, in the server's words.
        await page.ClickAsync("#easy-toggle");
        Assert.DoesNotContain(said, await page.InnerTextAsync("#problem"));
    }

    [Fact]
    public async Task EverythingCanBeDoneWithTheKeyboardAlone()
    {
        await using var view = await OpenAsync("finder/");
        var page = view.Page;

        // Tab from the top of the page to the address box, type, Enter.
        await TabUntilAsync(page, "#q");
        await page.Keyboard.TypeAsync("則貞二丁目、ゆっくり");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#results .result");
        // Focus moved to the results heading; the next Tab reaches the first result's route button.
        Assert.Equal("results-heading", await ActiveIdAsync(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.classList.contains('show-route')"));
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.classList.contains('detail-link')"));
        // Choosing the second result's route with Enter.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("true", await page.Locator("#results .result").Nth(1).Locator(".show-route").GetAttributeAsync("aria-pressed"));

        // Every map marker is reachable with Tab; Enter opens its popup, Escape closes it and gives focus back.
        await TabUntilAsync(page, ".leaflet-marker-pane .hub-marker");
        var markerId = await page.EvaluateAsync<string>("document.activeElement.dataset.hubId");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync(".leaflet-popup .popup-title");
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.classList.contains('popup-title')"));
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync(".leaflet-popup", new() { State = WaitForSelectorState.Detached });
        Assert.Equal(markerId, await page.EvaluateAsync<string>("document.activeElement.dataset.hubId"));
        var reachable = 1;
        for (var i = 0; i < 10 && reachable < await page.Locator(".hub-marker").CountAsync(); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("document.activeElement.classList.contains('hub-marker')"))
            {
                reachable++;
            }
        }
        Assert.Equal(await page.Locator(".hub-marker").CountAsync(), reachable);

        // Focus is visible: the focused element draws an outline.
        var outline = await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle");
        Assert.NotEqual("none", outline);

        // The map itself: focused, Enter searches from its centre.
        await TabUntilAsync(page, "#map", 30);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('#status').innerText.includes('地図の中心')");
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task OnAPhoneNothingScrollsSidewaysEvenWithTextAtTwiceTheSize()
    {
        await using var view = await SearchOnPhoneAsync("則貞2丁目", "#results .result");
        var page = view.Page;
        await page.EvaluateAsync("document.querySelector('#filters').open = true");

        Assert.True(await NoSidewaysScrollAsync(page), "no horizontal scroll at 390 px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-phone.png"), FullPage = true });
        await page.Locator(".finder-map").ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-phone-map.png") });

        await page.EvaluateAsync("document.documentElement.style.fontSize = '200%'");
        Assert.True(await NoSidewaysScrollAsync(page), "no horizontal scroll with text at 200 %");
        // The list comes before the map on a phone: the list is the primary interface.
        var listTop = await page.EvaluateAsync<double>("document.querySelector('#results').getBoundingClientRect().top");
        var mapTop = await page.EvaluateAsync<double>("document.querySelector('#map').getBoundingClientRect().top");
        Assert.True(listTop < mapTop);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-phone-200.png"), FullPage = false });
    }

    [Fact]
    public async Task AnUnknownAddressSaysSoAndOffersTheClosestNames()
    {
        await using var view = await SearchOnPhoneAsync("則定", "#choices .choice");
        var page = view.Page;
        Assert.Contains("見つかりませんでした", await page.Locator("#problem").InnerTextAsync());
        var choice = page.Locator("#choices .choice", new() { HasText = "則貞" }).First;
        await choice.ClickAsync();
        await page.WaitForSelectorAsync("#results .result");
        // Walking answers over OpenStreetMap's roads: the road data is credited.
        Assert.Contains("道のり：© OpenStreetMap contributors", await page.Locator("#credits").InnerTextAsync());
    }

    [Fact]
    public async Task APointInTheSeaOrOutsideTheCitySaysWhereTheServiceCovers()
    {
        await using var view = await OpenAsync("finder/?lat=33.80&lon=131.30&place=%E6%B5%B7");
        var page = view.Page;
        await page.WaitForSelectorAsync("#problem:not([hidden])");
        Assert.Contains("宇部市", await page.Locator("#problem").InnerTextAsync());

        await page.FillAsync("#q", "山口市中央2丁目");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('#problem').innerText.includes('山口市')");
        Assert.Contains("宇部市", await page.Locator("#problem").InnerTextAsync());

        // A real address in a city without a walking network: found, and its hubs listed by straight-line distance, said so.
        await page.FillAsync("#q", "福津市小竹1丁目");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#results .result");
        Assert.True(await page.Locator("#problem").IsHiddenAsync());
        Assert.Contains("直線距離（道路データなし）", await page.Locator("#status").InnerTextAsync());
        var results = page.Locator("#results .result");
        for (var i = 0; i < await results.CountAsync(); i++)
        {
            Assert.Contains("直線距離（道路データなし）", await results.Nth(i).Locator(".walk").InnerTextAsync());
            Assert.Equal(0, await results.Nth(i).Locator(".show-route").CountAsync());
        }
        // No answer walked over OpenStreetMap's roads, so they are not credited as the route's source.
        var credits = await page.Locator("#credits").InnerTextAsync();
        Assert.DoesNotContain("道のり", credits);
        // The hubs' own credit is given once as a credit (「場所の出典：…」), not 「場所：出典：…」.
        Assert.Contains("場所の出典：", credits);
        Assert.DoesNotContain("場所：出典", credits);

        // The card of one of those hubs: a straight-line answer, credited without the road data.
        await page.Locator(".detail-link").First.ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Contains("直線距離（道路データなし）", await page.Locator("main").InnerTextAsync());
        Assert.DoesNotContain("道のり", await page.Locator("#credits").InnerTextAsync());
    }

    [Fact]
    public async Task ScriptTypedIntoTheAddressBoxIsNeverRunOrInserted()
    {
        await using var view = await OpenAsync("finder/?lat=33.944046&lon=131.277889&place=" + Uri.EscapeDataString("<img src=x onerror=window.__xss=1>"));
        var page = view.Page;
        await page.WaitForSelectorAsync("#results .result");
        // The place name from the URL is shown as text.
        Assert.Contains("<img src=x", await page.Locator("#status").InnerTextAsync());
        // The card link carries the place name from the URL (a failed search below clears the list, so it is read first).
        var detail = await page.Locator(".detail-link").First.GetAttributeAsync("href");
        const string Payload = "<script>window.__xss=1</script><img src=x onerror=window.__xss=1>則定";
        await page.FillAsync("#q", Payload);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#problem:not([hidden])");

        Assert.False(await page.EvaluateAsync<bool>("window.__xss === 1"));
        Assert.Equal(0, await page.Locator("#results img, #status *, #problem img, #problem script, #choices img, main script").CountAsync());
        await page.GotoAsync(new Uri(new Uri(server.BaseUrl + "/finder/"), detail).ToString());
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.False(await page.EvaluateAsync<bool>("window.__xss === 1"));
    }

    [Fact]
    public async Task EasyJapaneseModeRewritesThePagesOwnText()
    {
        await using var view = await OpenAsync("finder/");
        var page = view.Page;
        var title = await page.InnerTextAsync("h1");
        await page.ClickAsync("#easy-toggle");

        Assert.Equal("true", await page.GetAttributeAsync("#easy-toggle", "aria-pressed"));
        Assert.NotEqual(title, await page.InnerTextAsync("h1"));
        Assert.Contains("さがす", await page.InnerTextAsync("h1"));
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Contains("さがす", await page.InnerTextAsync("h1"));
        await page.ClickAsync("#easy-toggle");
        Assert.Equal(title, await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task TheDetailPageIsAPrintableCardWithMapRouteHoursAndContact()
    {
        await using var view = await OpenAsync("finder/");
        var page = view.Page;
        await page.FillAsync("#q", "則貞2丁目、ゆっくり");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#results .result");
        var name = await page.Locator("#results .result-name .name-text").First.InnerTextAsync();
        await page.Locator(".detail-link").First.ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready]");

        Assert.Equal(name, await page.InnerTextAsync("#hub-name"));
        Assert.Matches(@"約\d+分", await page.InnerTextAsync("#walk"));
        Assert.Contains("開館時間の情報がありません", await page.InnerTextAsync("#facts"));
        Assert.Contains("連絡先", await page.InnerTextAsync(".card-contact"));
        await page.Locator(".leaflet-overlay-pane svg path.route-line").WaitForAsync();
        // The walking steps are on the card: from the start to the hub.
        var steps = await page.Locator("#card-steps ol.step-list > li").AllInnerTextsAsync();
        Assert.True(steps.Count >= 2);
        Assert.Contains("出発", steps[0]);
        Assert.Contains($"{name}に着きます", steps[^1]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "finder-card.png"), FullPage = true });

        // Printed on A4, the card is one sheet, with the steps on it.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.True(await page.Locator("#card-steps ol.step-list").IsVisibleAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "finder-card.pdf") });
        var pages = System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page[^s]").Count;
        Assert.Equal(1, pages);
        view.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AxeFindsNoSeriousOrCriticalWcag21AaViolationsOnTheFinder()
    {
        await using var view = await SearchOnPhoneAsync("則貞2丁目、ゆっくり", "#results .result");
        var page = view.Page;
        await page.EvaluateAsync("document.querySelector('#filters').open = true");
        var list = await AxeAsync(page, "finder (list)");

        await page.ClickAsync("#easy-toggle");
        var easy = await AxeAsync(page, "finder (やさしい日本語)");

        await page.Locator(".detail-link").First.ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready]");
        var card = await AxeAsync(page, "finder (detail card)");

        Assert.DoesNotContain(list.Concat(easy).Concat(card), v => v.Impact is "serious" or "critical");
    }

    [Fact]
    public async Task AxeFiguresForTheMainMapPageAreReported()
    {
        // The map page belongs to another part of the project: report its figures, do not fail on them.
        await using var view = await OpenAsync("", "1400x900");
        await view.Page.WaitForSelectorAsync("body[data-municipality]", new() { State = WaitForSelectorState.Attached });
        var violations = await AxeAsync(view.Page, "map page /");
        Assert.NotNull(violations);
    }

    // ---------- helpers ----------

    private async Task<List<PageAudit.Violation>> AxeAsync(IPage page, string what)
    {
        var list = await PageAudit.AxeAsync(page);
        var counts = string.Join(", ", new[] { "critical", "serious", "moderate", "minor" }.Select(i => $"{i} {list.Count(v => v.Impact == i)}"));
        output.WriteLine($"axe {what}: {list.Count} violations ({counts}) {string.Join("; ", list.Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"))}");
        return list;
    }

    private sealed record Nearest(string Name, double Minutes);

    private async Task<List<Nearest>> NearestAsync(string address, int pace)
    {
        var matches = await server.Client.GetFromJsonAsync<JsonElement>($"/api/geocode?q={Uri.EscapeDataString(address)}");
        var (lat, lon) = (matches[0].GetProperty("lat").GetDouble(), matches[0].GetProperty("lon").GetDouble());
        var hubs = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={lat:F6}&lon={lon:F6}&pace={pace}&limit=5");
        return [.. hubs.EnumerateArray().Select(h => new Nearest(h.GetProperty("name").GetString()!, h.GetProperty("minutes").GetDouble()))];
    }

    private sealed record Step(string Kind, string? Name, int Metres);

    private async Task<List<Step>> NearestStepsAsync(string address, int pace)
    {
        var matches = await server.Client.GetFromJsonAsync<JsonElement>($"/api/geocode?q={Uri.EscapeDataString(address)}");
        var (lat, lon) = (matches[0].GetProperty("lat").GetDouble(), matches[0].GetProperty("lon").GetDouble());
        var hubs = await server.Client.GetFromJsonAsync<JsonElement>($"/api/nearest-hubs?lat={lat:F6}&lon={lon:F6}&pace={pace}&limit=5");
        return [.. hubs[0].GetProperty("steps").EnumerateArray().Select(s => new Step(s.GetProperty("kind").GetString()!,
            s.GetProperty("name").ValueKind == JsonValueKind.String ? s.GetProperty("name").GetString() : null, (int)s.GetProperty("metres").GetDouble()))];
    }

    private static Task<bool> InViewAsync(IPage page, string selector) => page.EvaluateAsync<bool>(
        $"() => {{ const r = document.querySelector({JsonSerializer.Serialize(selector)}).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }}");

    private static async Task TabUntilAsync(IPage page, string selector, int maxTabs = 80)
    {
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"document.activeElement && document.activeElement.matches({JsonSerializer.Serialize(selector)})"))
            {
                return;
            }
        }
        throw new Xunit.Sdk.XunitException($"Tab never reached {selector}");
    }

    private static Task<string> ActiveIdAsync(IPage page) => page.EvaluateAsync<string>("document.activeElement?.id ?? ''");

    /// <summary>The finder on a phone after typing <paramref name="typed"/> and Enter, once <paramref name="shown"/> is on the page.</summary>
    private async Task<BrowserPage> SearchOnPhoneAsync(string typed, string shown)
    {
        var view = await OpenAsync("finder/", Phone);
        await view.Page.FillAsync("#q", typed);
        await view.Page.Keyboard.PressAsync("Enter");
        await view.Page.WaitForSelectorAsync(shown);
        return view;
    }

    [Fact]
    public async Task TheAddressExampleFollowsTheChosenCity()
    {
        async Task<string> TypedAsync(string code) =>
            (await server.Client.GetFromJsonAsync<JsonElement>($"/api/geocode/example?municipality={code}")).GetProperty("typed").GetString()!;
        var cities = (await server.Client.GetFromJsonAsync<JsonElement>("/api/municipalities")).EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("code").GetString()!);
        var (fukutsu, ube) = (cities["福津市"], cities["宇部市"]);
        var (fukutsuExample, ubeExample) = (await TypedAsync(fukutsu), await TypedAsync(ube));
        Assert.NotEqual(fukutsuExample, ubeExample);

        await using var view = await OpenAsync($"finder/?municipality={fukutsu}");
        var page = view.Page;

        Assert.Contains($"例：{fukutsuExample}", await page.InnerTextAsync("#q-hint"));
        Assert.DoesNotContain(ubeExample, await page.InnerTextAsync("#q-hint"));
        // An empty search names the same city's example; typed as shown, it is found there.
        await page.ClickAsync("#search-form button[type=submit]");
        Assert.Contains(fukutsuExample, await page.InnerTextAsync("#problem"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPage.Artifacts("finder"), "finder-example-fukutsu.png"), FullPage = true });
        await page.FillAsync("#q", fukutsuExample);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#results .result");

        await page.SelectOptionAsync("#city", ube);
        await page.WaitForFunctionAsync($"() => document.querySelector('#q-hint').textContent.includes({JsonSerializer.Serialize(ubeExample)})");
        Assert.DoesNotContain(fukutsuExample, await page.InnerTextAsync("#q-hint"));
        // やさしい日本語 keeps the city's example.
        await page.ClickAsync("#easy-toggle");
        Assert.Contains($"れい：{ubeExample}", await page.InnerTextAsync("#q-hint"));
        await page.ClickAsync("#easy-toggle");
    }

    private static Task<bool> NoSidewaysScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1");

    private async Task<BrowserPage> OpenAsync(string path, string size = "1280x900")
    {
        // Searches that find nothing answer 404/400 on purpose; the browser logs those as errors.
        var view = await BrowserPage.OpenAsync(browser.Browser, server.BaseUrl + "/" + path, size,
            text => text.Contains("404", StringComparison.Ordinal) || text.Contains("400", StringComparison.Ordinal));
        if (path.StartsWith("finder", StringComparison.Ordinal))
        {
            await view.Page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
        }
        return view;
    }
}
