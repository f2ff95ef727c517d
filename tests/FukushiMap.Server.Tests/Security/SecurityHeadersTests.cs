using System.Text.RegularExpressions;
using FukushiMap.Server.Tests.Infrastructure;

namespace FukushiMap.Server.Tests.Security;

/// <summary>The Content-Security-Policy and its companions on every response, and pages that can live under it.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class SecurityHeadersTests(ServerFixture server)
{
    public static TheoryData<string> Addresses => new()
    {
        // Every page…
        "", "coverage/", "coverage/report.html", "finder/", "finder/hub.html?id=1", "siting/", "welfare/", "welfare/planner.html", "welfare/admin.html",
        // …static files…
        "js/dom.js", "css/map.css", "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "favicon.svg", "welfare/css/page.css",
        // …API answers, problems and a missing file.
        "api/municipalities", "api/auth/session", "api/coverage?municipality=99999", "collections", "nothing-here.html",
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task EveryResponseCarriesTheContentSecurityPolicyAndItsCompanions(string address)
    {
        using var response = await server.Client.GetAsync(address);

        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://cyberjapandata.gsi.go.jp; connect-src 'self'; " +
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(", ", response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", string.Join(", ", response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public void NoPageHasInlineScriptEventHandlerAttributesOrInlineStyles()
    {
        var pages = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot"), "*.html", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(pages);
        var found = pages.SelectMany(path => InlineCode().Matches(File.ReadAllText(path)).Select(m => $"{Path.GetFileName(path)}: {m.Value}")).ToList();
        Assert.Empty(found);
    }

    [Fact]
    public void NoScriptOfOursMakesHtmlFromStrings()
    {
        var scripts = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot"), "*.js", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}vendor{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scripts);
        var found = scripts.SelectMany(path => HtmlFromStrings().Matches(File.ReadAllText(path)).Select(m => $"{Path.GetFileName(path)}: {m.Value}")).ToList();
        Assert.Empty(found);
    }

    /// <summary>&lt;script&gt; without src, &lt;style&gt;, style="…" and on…="…" attributes.</summary>
    [GeneratedRegex("""<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCode();

    /// <summary>innerHTML and its relatives, and Leaflet content given as a string literal or template (Leaflet parses it as HTML).</summary>
    [GeneratedRegex("""\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*['"`]""")]
    private static partial Regex HtmlFromStrings();
}
