using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>
/// The map page open in its own browser context, as in an offline meeting hall: background tiles never arrive.
/// Collects console errors, page errors and dialogs so a test can assert there were none.
/// </summary>
public sealed class MapView : IAsyncDisposable
{
    public const string TileHost = "cyberjapandata.gsi.go.jp";

    private readonly IBrowserContext _context;
    private readonly List<(string Text, string Location)> _errors = [];

    private MapView(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, msg) =>
        {
            // A failed background tile is expected offline; any other console error is a defect.
            if (msg.Type == "error" && !msg.Location.Contains(TileHost, StringComparison.Ordinal))
            {
                _errors.Add((msg.Text, msg.Location));
            }
        };
        page.PageError += (_, error) => _errors.Add(("pageerror: " + error, ""));
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    public List<string> Dialogs { get; } = [];

    /// <summary>Opens the page at <paramref name="baseUrl"/>/<paramref name="query"/> and waits until a municipality is drawn.</summary>
    public static async Task<MapView> OpenAsync(IBrowser browser, string baseUrl, string query = "", int viewportWidth = 1400, int viewportHeight = 900)
    {
        var context = await browser.NewContextAsync(new()
        {
            Locale = "ja-JP",
            TimezoneId = "Asia/Tokyo",
            ViewportSize = new() { Width = viewportWidth, Height = viewportHeight },
        });
        var view = new MapView(context, await context.NewPageAsync());
        await view.Page.RouteAsync($"https://{TileHost}/**", route => route.AbortAsync("internetdisconnected"));
        await view.Page.GotoAsync(baseUrl + "/" + query);
        await view.Page.WaitForSelectorAsync("body[data-municipality]", new() { State = WaitForSelectorState.Attached });
        return view;
    }

    /// <summary>
    /// No console or page errors, except those logged at a location containing one of <paramref name="expectedAt"/>
    /// (Chromium logs every 404 response as a console error, even one the page expects and handles).
    /// </summary>
    public void AssertNoConsoleErrors(params string[] expectedAt) =>
        Assert.Empty(_errors.Where(e => !expectedAt.Any(x => e.Location.Contains(x, StringComparison.Ordinal)))
            .Select(e => $"{e.Text} @ {e.Location}"));

    /// <summary>For a person to look at the design; not committed, not compared.</summary>
    public async Task ScreenshotAsync(string name, bool fullPage = true) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), name), FullPage = fullPage });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
