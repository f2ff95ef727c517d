using System.Globalization;
using System.Net;
using System.Text;
using FukushiMap.Server.Tests.Browser;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.Setup;

/// <summary>
/// On the upload page, the census a population upload replaced is listed as 「取り込み前のデータ（…）」 with e-Stat's credit, and
/// the planner restores it from there. Screenshot in artifacts/setup. The census of 福津市 is current again at the end.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class PopulationVersionPageTests(WelfareFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Fukutsu = "40224";
    private static readonly string Artifacts = BrowserPage.Artifacts("setup");

    [Fact]
    public async Task TheCensusAnUploadReplacedIsListedWithItsCreditAndRestoredFromThePage()
    {
        var planner = await UploadApiTests.PlannerUserAsync(fixture, Fukutsu);
        using var client = await fixture.SignInAsync(planner);
        await PopulationUploadTests.RestoreCensusAsync(client, Fukutsu);
        var census = PopulationUploadTests.Census(Fukutsu);
        try
        {
            var csv = "KEY_CODE,MOJI,JINKO,X_CODE,Y_CODE\n" + string.Join("\n", census.Take(3).Select(u =>
                string.Create(CultureInfo.InvariantCulture, $"{u.KeyCode},{u.Name},500,{u.Lon},{u.Lat}"))) + "\n";
            var preview = await PopulationUploadTests.PreviewAsync(client, Encoding.UTF8.GetBytes(csv), "福津市人口.csv", Fukutsu);
            Assert.Equal(HttpStatusCode.OK, (await PopulationUploadTests.CommitAsync(client, preview)).StatusCode);

            await using var context = await browser.Browser.NewContextAsync(new() { Locale = "ja-JP", TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1400, Height = 1000 } });
            var page = await context.NewPageAsync();
            await page.RouteAsync("https://cyberjapandata.gsi.go.jp/**", route => route.AbortAsync("internetdisconnected"));
            page.Dialog += (_, dialog) => dialog.AcceptAsync();
            await page.GotoAsync(fixture.BaseUrl + "/welfare/");
            await page.FillAsync("#login-user", planner.UserName);
            await page.FillAsync("#login-password", planner.Password);
            await page.ClickAsync("#login-form button[type=submit]");
            await page.WaitForSelectorAsync("#user-box:not([hidden])");
            await page.GotoAsync(fixture.BaseUrl + $"/welfare/setup.html?municipality={Fukutsu}");
            await page.WaitForSelectorAsync($"#u-city option[value='{Fukutsu}']", new() { State = WaitForSelectorState.Attached });
            await page.SelectOptionAsync("#u-kind", "population");

            var kept = page.Locator("#versions tbody tr", new() { HasTextString = "取り込み前のデータ（平成27年国勢調査" });
            await kept.WaitForAsync(new() { Timeout = 20_000 });
            var text = await kept.InnerTextAsync();
            Assert.Contains("国勢調査", text);
            Assert.Contains("出典：政府統計の総合窓口(e-Stat)", text);
            Assert.Contains($"{census.Count} 件", text);
            Assert.Contains("福津市人口.csv", await page.Locator("#versions tbody tr", new() { HasTextString = "使用中" }).InnerTextAsync());
            await kept.ScrollIntoViewIfNeededAsync();
            await page.Locator("#versions").ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "population-pre-upload-version.png") });

            await kept.Locator("button").ClickAsync();
            await page.WaitForSelectorAsync("#versions tbody tr:has-text('取り込み前のデータ（平成27年国勢調査') .ok-text");
            Assert.Contains("に戻しました", await page.InnerTextAsync("#versions-result"));
            await page.Locator("#versions").ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "population-census-restored.png") });
            var current = await PopulationUploadTests.PreUploadVersionAsync(client, Fukutsu);
            Assert.True(current!.Value.GetProperty("isCurrent").GetBoolean());
        }
        finally
        {
            await PopulationUploadTests.RestoreCensusAsync(client, Fukutsu);
        }
    }
}
