using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>
/// One page in its own browser context, as every page test opens it: Japanese locale and time zone, 地理院タイル aborted
/// (offline, as in a 公民館 and on this project's machines), console and page errors recorded (a failed tile is expected;
/// anything else is a defect). Shared by the coverage, siting, finder and stored-payload page tests.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    public const string TileHost = "cyberjapandata.gsi.go.jp";

    /// <summary>A phone's viewport (with touch), as <c>size</c>.</summary>
    public const string Phone = "390x844";

    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private BrowserPage(IBrowserContext context, IPage page, Func<string, bool>? expectedError)
    {
        _context = context;
        Page = page;
        page.Console += (_, msg) =>
        {
            if (msg.Type == "error" && !msg.Location.Contains(TileHost, StringComparison.Ordinal) && !msg.Text.Contains(TileHost, StringComparison.Ordinal)
                && expectedError?.Invoke(msg.Text) != true)
            {
                _errors.Add($"{msg.Text} @ {msg.Location}");
            }
        };
        page.PageError += (_, error) => _errors.Add("pageerror: " + error);
    }

    public IPage Page { get; }

    /// <summary>The console errors and page errors so far.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// A new context and page, offline, of <paramref name="size"/> ("1400x900", or <see cref="Phone"/> with touch);
    /// <paramref name="initScript"/> runs before the page's own scripts; <paramref name="expectedError"/> says which console
    /// errors a test provokes on purpose.
    /// </summary>
    public static async Task<BrowserPage> CreateAsync(IBrowser browser, string size = "1400x900", string? initScript = null,
        Func<string, bool>? expectedError = null)
    {
        var parts = size.Split('x');
        var context = await browser.NewContextAsync(new()
        {
            Locale = "ja-JP",
            TimezoneId = "Asia/Tokyo",
            ViewportSize = new() { Width = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), Height = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) },
            HasTouch = size == Phone,
            IsMobile = size == Phone,
        });
        if (initScript is not null)
        {
            await context.AddInitScriptAsync(initScript);
        }
        var view = new BrowserPage(context, await context.NewPageAsync(), expectedError);
        await view.Page.RouteAsync($"https://{TileHost}/**", route => route.AbortAsync("internetdisconnected"));
        return view;
    }

    /// <summary><see cref="CreateAsync"/>, then opens <paramref name="url"/>.</summary>
    public static async Task<BrowserPage> OpenAsync(IBrowser browser, string url, string size = "1400x900", Func<string, bool>? expectedError = null)
    {
        var view = await CreateAsync(browser, size, expectedError: expectedError);
        await view.Page.GotoAsync(url);
        return view;
    }

    /// <summary>Waits until the page has shown its answer number <paramref name="runs"/> (body[data-runs]).</summary>
    public async Task WaitForRunsAsync(int runs, int timeoutMs = 120_000)
    {
        try
        {
            await Page.WaitForSelectorAsync($"body[data-runs='{runs}']", new() { State = WaitForSelectorState.Attached, Timeout = timeoutMs });
        }
        catch (TimeoutException)
        {
            var status = await Page.Locator("#status").TextContentAsync();
            var done = await Page.EvaluateAsync<string?>("document.body.dataset.runs ?? null");
            throw new TimeoutException($"answer {runs} not shown (runs so far: {done}; status: {status}; errors: {string.Join(" | ", _errors)})");
        }
    }

    public void AssertNoConsoleErrors() => Assert.True(_errors.Count == 0, "console errors:\n" + string.Join("\n", _errors));

    /// <summary>Screenshots and PDFs for a person to look at: the test output's artifacts/<paramref name="folder"/>/.</summary>
    public static string Artifacts(string folder)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", folder);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A PDF Chromium printed is one sheet (or, with <paramref name="oneSheet"/> false, sheets) of <paramref name="width"/> ×
    /// <paramref name="height"/> points (±2; Chromium writes each page object uncompressed).</summary>
    public static void AssertOneSheet(byte[] pdf, double width, double height, bool oneSheet = true)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var pages = PdfPageCount(pdf);
        Assert.True(oneSheet ? pages == 1 : pages >= 1, $"{pages} pages");
        var box = System.Text.RegularExpressions.Regex.Match(text, @"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]");
        Assert.True(box.Success);
        Assert.InRange(double.Parse(box.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), width - 2, width + 2);
        Assert.InRange(double.Parse(box.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), height - 2, height + 2);
    }

    /// <summary>The sheets of a PDF Chromium printed: its page objects (written uncompressed), not the /Pages tree nodes.</summary>
    public static int PdfPageCount(byte[] pdf) =>
        System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page(?![a-zA-Z])").Count;

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
