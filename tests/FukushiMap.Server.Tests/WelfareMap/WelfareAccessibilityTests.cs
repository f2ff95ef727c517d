using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// The signed-in 福祉マップ (the screen a 民生委員 edits on, and the meeting map it prints): text contrast from computed colours
/// and axe-core's serious and critical findings, on screen and in print.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class WelfareAccessibilityTests(WelfareFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheSignedInMapAndItsMeetingPrintHaveReadableTextAndNothingSeriousForAxe()
    {
        var minsei = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        await using var context = await browser.Browser.NewContextAsync(new() { Locale = "ja-JP", TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.RouteAsync("https://cyberjapandata.gsi.go.jp/**", route => route.AbortAsync("internetdisconnected"));
        await page.GotoAsync(fixture.BaseUrl + "/welfare/");
        await page.FillAsync("#login-user", minsei.UserName);
        await page.FillAsync("#login-password", minsei.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#household-list li");

        var problems = new List<string>();
        foreach (var media in new[] { Media.Screen, Media.Print })
        {
            await page.EmulateMediaAsync(new() { Media = media });
            problems.AddRange((await PageAudit.LowContrastTextAsync(page))
                .Select(l => $"{media}: {l.Where} 「{l.Text}」 {l.Colour} on {l.Background} = {l.Ratio}:1"));
            var violations = await PageAudit.AxeAsync(page);
            output.WriteLine($"axe welfare ({media}): {string.Join("; ", violations.Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"))}");
            problems.AddRange(violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{media}: axe {v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
    }
}
