using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.Browser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// The administration page as a 管理者 uses it in Debian's Chromium, by keyboard: 福津市 given to a 計画担当 who held no city;
/// that planner's setup page then offers 福津市 (and only it), and so does their hub page. Text contrast and axe checked;
/// screenshots go to artifacts/admin.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class PlannerCitiesPageTests(WelfareFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly string Artifacts = BrowserPage.Artifacts("admin");

    private async Task<BrowserPage> SignInAsync(WelfareFixture.TestUser user)
    {
        var view = await BrowserPage.CreateAsync(browser.Browser, "1400x1000");
        var page = view.Page;
        await page.GotoAsync(fixture.BaseUrl + "/welfare/");
        await page.FillAsync("#login-user", user.UserName);
        await page.FillAsync("#login-password", user.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#user-box:not([hidden])");
        return view;
    }

    [Fact]
    public async Task AnAdminGivesAPlannerFukutsuAndThePlannersSetupPageThenOffersIt()
    {
        await using var db = fixture.Database.CreateContext();
        var fukutsu = await db.Municipalities.Where(m => m.Name == "福津市").Select(m => m.Code).SingleAsync();
        var admin = await fixture.CreateUserAsync(WelfareRoles.Admin);
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);

        await using (var adminView = await SignInAsync(admin))
        {
            var page = adminView.Page;
            await page.GotoAsync(fixture.BaseUrl + "/welfare/admin.html");
            var row = page.Locator($"#planners tbody tr[data-user='{planner.UserName}']");
            await row.WaitForAsync();
            Assert.Contains("なし", await row.Locator("td").First.InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "admin-before.png"), FullPage = true });

            // By keyboard: the row's choice has a label naming the person; Tab reaches 付与, Enter presses it.
            var choice = row.Locator("select");
            Assert.Contains(planner.UserName, await choice.GetAttributeAsync("aria-label"));
            await choice.FocusAsync();
            await choice.SelectOptionAsync(fukutsu);
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("付与", await page.EvaluateAsync<string>("document.activeElement.textContent"));
            await page.Keyboard.PressAsync("Enter");

            await page.WaitForSelectorAsync($"#planners tbody tr[data-user='{planner.UserName}'] li:has-text('福津市')");
            Assert.Contains("福津市", await page.InnerTextAsync("#status"));
            await page.WaitForSelectorAsync("#audit tbody tr:has-text('grant-municipality')");
            // Focus stays in the person's row for the next step.
            Assert.Equal(planner.UserName, await page.EvaluateAsync<string>("document.activeElement.closest('tr')?.dataset.user ?? ''"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "admin-granted.png"), FullPage = true });

            var problems = (await PageAudit.LowContrastTextAsync(page)).Select(l => $"{l.Where} 「{l.Text}」 {l.Colour} on {l.Background} = {l.Ratio}:1").ToList();
            var violations = await PageAudit.AxeAsync(page);
            output.WriteLine($"axe admin: {string.Join("; ", violations.Select(v => $"{v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"))}");
            problems.AddRange(violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"axe {v.Id}[{v.Impact}]×{v.Nodes} at {v.Where}"));
            Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
            adminView.AssertNoConsoleErrors();
        }

        await using var plannerView = await SignInAsync(planner);
        var p = plannerView.Page;
        await p.GotoAsync(fixture.BaseUrl + "/welfare/setup.html");
        await p.WaitForSelectorAsync($"#u-city option[value='{fukutsu}']", new() { State = WaitForSelectorState.Attached });
        Assert.Equal([fukutsu], await p.Locator("#u-city option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        Assert.Equal(fukutsu, await p.InputValueAsync("#u-city"));
        await p.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "setup-fukutsu.png"), FullPage = true });

        // The hub page offers the same one city.
        await p.GotoAsync(fixture.BaseUrl + "/welfare/planner.html");
        await p.WaitForSelectorAsync($"#h-city option[value='{fukutsu}']", new() { State = WaitForSelectorState.Attached });
        Assert.Equal([fukutsu], await p.Locator("#h-city option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await p.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "planner-hubs-fukutsu.png"), FullPage = true });
    }

    [Fact]
    public async Task APlannerWithoutACityIsToldWhyTheHubPageHasNoForm()
    {
        var planner = await fixture.CreateUserAsync(WelfareRoles.Planner);
        await using var view = await SignInAsync(planner);
        var page = view.Page;
        await page.GotoAsync(fixture.BaseUrl + "/welfare/planner.html");
        await page.WaitForSelectorAsync("#h-none:has-text('担当の市区町村がない')");
        Assert.True(await page.IsHiddenAsync("#hub-form"));
        Assert.True(await page.IsHiddenAsync("#h-city"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "planner-no-city.png"), FullPage = true });
    }
}
