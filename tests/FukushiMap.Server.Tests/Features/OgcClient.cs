using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FukushiMap.Server.Tests.Features;

/// <summary>A small OGC API client for the tests: JSON requests, following next links.</summary>
internal static class OgcClient
{
    /// <summary>GETs <paramref name="url"/> with Accept: application/json and parses the body; fails on a non-200 answer.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The href of the link with this rel, or null.</summary>
    public static string? Link(this JsonElement document, string rel) =>
        document.GetProperty("links").EnumerateArray()
            .Where(l => l.GetProperty("rel").GetString() == rel)
            .Select(l => l.GetProperty("href").GetString())
            .FirstOrDefault();

    /// <summary>Every page of an items request, following next links from <paramref name="firstUrl"/>.</summary>
    public static async Task<List<JsonElement>> GetAllPagesAsync(this HttpClient client, string firstUrl)
    {
        var pages = new List<JsonElement>();
        for (string? url = firstUrl; url is not null;)
        {
            var page = await client.GetJsonAsync(url);
            pages.Add(page);
            url = page.Link("next");
            Assert.True(pages.Count <= 10_000, "next リンクが終わりません");
        }
        return pages;
    }

    /// <summary>The features of every page, in order.</summary>
    public static List<JsonElement> Features(this IEnumerable<JsonElement> pages) =>
        pages.SelectMany(p => p.GetProperty("features").EnumerateArray()).ToList();

    /// <summary>The feature's id as text (numbers and strings alike).</summary>
    public static string Id(this JsonElement feature) =>
        feature.GetProperty("id") is { ValueKind: JsonValueKind.Number } n ? n.GetRawText() : feature.GetProperty("id").GetString()!;

    public static JsonElement Property(this JsonElement feature, string name) => feature.GetProperty("properties").GetProperty(name);
}
