using System.ComponentModel;
using System.Text.RegularExpressions;
using FukushiMap.Data;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FukushiMap.Server.Finder;

/// <summary>
/// The resident finder: /api/geocode (an address as people type it → ranked 町丁 points, offline) and /api/finder/hubs/{id}
/// (one hub's facts for the detail page and its printable card). The page itself is wwwroot/finder/.
/// </summary>
public static partial class FinderApi
{

    public static IEndpointRouteBuilder MapFinder(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("近くの拠点さがし").AllowAnonymous();
        api.MapGet("/geocode", GeocodeAsync).WithName("Geocode")
            .WithSummary("住所（町丁目・大字）から地点を探す（オフライン、よく合う順）")
            .WithDescription("見つからないときは 404 の problem details（type no-address-match）で、似た名前を suggestions に入れて返す。"
                + "対象地域の外の市区町村名のときは 404（type outside-service-area）。")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/geocode/example", ExampleAsync).WithName("GetAddressExample")
            .WithSummary("市区町村の住所の入力例（住所の表にある実際の町丁目。例: 則貞2丁目・則貞二丁目）")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/finder/hubs/{id:int}", GetHubAsync).WithName("GetFinderHub")
            .WithSummary("拠点の詳しい情報（機能・対象・開館時間・連絡先）")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>A place the address box can go to.</summary>
    /// <param name="Label">What to show (「宇部市則貞二丁目」).</param>
    /// <param name="Score">0–1, 1 = the name and 丁目 exactly as typed.</param>
    /// <param name="Source">geolonia (Geolonia 住所データ) or census (国勢調査の町丁の代表点).</param>
    /// <param name="Served">True when the walking finder covers this municipality.</param>
    public sealed record GeocodeMatch(string Label, double Lat, double Lon, double Score, string Source, string MunicipalityCode,
        string Municipality, string Town, bool Served);

    public sealed record GeocodeQuery
    {
        [Description("住所（例: 宇部市則貞2丁目、則貞二丁目）")]
        public string? Q { get; init; }

        [Description("件数（1〜20）")] [DefaultValue(5)]
        public int? Limit { get; init; }
    }

    /// <summary>An example of what to type for a city: a real 町丁目 of the address table.</summary>
    /// <param name="Typed">As people type it (「則貞2丁目」).</param>
    /// <param name="Written">As the table writes it (「則貞二丁目」); the same as <paramref name="Typed"/> for a place without 丁目.</param>
    public sealed record AddressExampleView(string MunicipalityCode, string Municipality, string Typed, string Written, double Lat, double Lon);

    internal static async Task<Results<Ok<AddressExampleView>, ProblemHttpResult>> ExampleAsync(
        [Description("市区町村コード（5桁、例: 40224）")] string? municipality, GazetteerProvider provider, CancellationToken ct)
    {
        var code = string.IsNullOrWhiteSpace(municipality)
            ? throw FukushiMapError.Invalid("invalid-municipality", "市区町村コード（municipality、5 桁の数字）を指定してください。")
            : FukushiMap.Analysis.Parameters.Parse.Municipality(municipality.Trim());
        var gazetteer = await provider.GetAsync(ct);
        if (gazetteer.Example(code) is not { } example)
        {
            return Problems.NotFound("no-addresses", $"市区町村 {code} の住所は住所の表にありません。");
        }
        var e = example.Entry;
        return TypedResults.Ok(new AddressExampleView(e.MunicipalityCode, e.Municipality, example.Typed,
            e.Town + (string.IsNullOrEmpty(e.Koaza) ? "" : e.Koaza), e.Lat, e.Lon));
    }

    /// <summary>
    /// 「（例: 則貞2丁目）」 for the problems below: a place of the municipality the query named, else of the first served one;
    /// empty when the table has neither.
    /// </summary>
    private static string ExampleNote(Gazetteer g, string? municipality)
    {
        var example = (municipality is null ? null : g.ExampleNamed(municipality))
            ?? g.Served.Order(StringComparer.Ordinal).Select(g.Example).FirstOrDefault(x => x is not null);
        return example is null ? "" : $"（例: {example.Typed}）";
    }

    internal static async Task<Results<Ok<List<GeocodeMatch>>, ProblemHttpResult>> GeocodeAsync([AsParameters] GeocodeQuery query, GazetteerProvider provider,
        CancellationToken ct)
    {
        var q = query.Q?.Trim() ?? "";
        if (q.Length == 0)
        {
            throw FukushiMapError.Invalid("missing-query", $"住所を入力してください{ExampleNote(await provider.GetAsync(ct), null)}。");
        }
        if (q.Length > Limits.MaxAddressLength)
        {
            throw FukushiMapError.Invalid("query-too-long", $"住所は {Limits.MaxAddressLength} 文字以内で入力してください。");
        }
        var limit = query.Limit ?? 5;
        if (limit is < 1 or > Limits.MaxAddressMatches)
        {
            throw FukushiMapError.Invalid("invalid-limit", $"limit は 1〜{Limits.MaxAddressMatches} で指定してください。");
        }
        var gazetteer = await provider.GetAsync(ct);
        var matches = gazetteer.Search(q, limit, out var reading);
        var coverage = Coverage(gazetteer);
        var outside = OutsideArea(gazetteer, reading);
        if (outside is not null && (matches.Count == 0 || matches[0].Score < 0.9))
        {
            return Problems.Result(FukushiMapError.NotFound("outside-service-area", $"「{outside}」は対象地域の外です。{coverage}",
                new Dictionary<string, object?> { ["suggestions"] = Array.Empty<GeocodeMatch>() }, "対象地域の外です"));
        }
        if (matches.Count > 0)
        {
            return TypedResults.Ok(matches.Select(m => ToMatch(m.Entry, m.Score, gazetteer)).ToList());
        }
        if (Gazetteer.IsKanaOnly(reading.Address.Name) && !gazetteer.HasReadings)
        {
            return NoAddressMatch($"住所の表に読みがながないため、ひらがな・カタカナだけでは探せません。漢字で入力するか{ExampleNote(gazetteer, reading.Municipality)}、地図をタップするか、現在地を使ってください。", []);
        }
        var suggestions = gazetteer.Suggest(q, 5).Select(e => ToMatch(e, 0, gazetteer)).ToList();
        var detail = reading.Address.Name.Length == 0
            ? $"町や字の名前が読み取れませんでした。町名から入力してください{ExampleNote(gazetteer, reading.Municipality)}。"
            : suggestions.Count > 0
                ? $"「{Shorten(q)}」に合う住所が見つかりませんでした。近い名前: {string.Join("、", suggestions.Select(s => s.Town))}。"
                : $"「{Shorten(q)}」に合う住所が見つかりませんでした。{coverage}";
        return NoAddressMatch(detail, suggestions);
    }

    private static ProblemHttpResult NoAddressMatch(string detail, IReadOnlyList<GeocodeMatch> suggestions) => Problems.Result(
        FukushiMapError.NotFound("no-address-match", detail, new Dictionary<string, object?> { ["suggestions"] = suggestions }, "住所が見つかりません"));

    internal static async Task<Results<Ok<HubView>, ProblemHttpResult>> GetHubAsync(int id, FukushiMapDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var hub = await db.Hubs.AsNoTracking().Include(h => h.HubType).Include(h => h.Dataset).Include(h => h.Municipality)
            .FirstOrDefaultAsync(h => h.Id == id && h.RetiredAt == null, ct);
        if (hub is null)
        {
            return Problems.NotFound("hub-not-found", $"拠点 {id} は見つかりません（閉じたか、番号が違います）。");
        }
        return TypedResults.Ok(new HubView(hub.Id, hub.Name, hub.HubType!.Key, hub.HubType.Name, hub.Address, hub.Location.X, hub.Location.Y,
            hub.MunicipalityCode, hub.Municipality?.Name, HubFactsView.ToFacts(hub, HubFactsView.TokyoTime(clock.GetUtcNow())), hub.Dataset?.Attribution));
    }

    /// <summary>One hub for the detail page.</summary>
    /// <param name="Attribution">The credit line of the dataset the hub came from (null for hubs entered by hand).</param>
    public sealed record HubView(int Id, string Name, string Type, string TypeName, string? Address, double Lon, double Lat,
        string MunicipalityCode, string? Municipality, HubFacts Facts, string? Attribution);

    private static GeocodeMatch ToMatch(GazetteerEntry e, double score, Gazetteer g) => new(e.Label, e.Lat, e.Lon, score, e.Source,
        e.MunicipalityCode, e.Municipality, e.Town + (string.IsNullOrEmpty(e.Koaza) ? "" : " " + e.Koaza), g.Served.Contains(e.MunicipalityCode));

    /// <summary>「歩いて探せるのは 宇部市 です。」</summary>
    public static string Coverage(Gazetteer g) => g.ServedNames.Count == 0
        ? "いまは歩いて探せる地域がありません。"
        : $"歩いて探せるのは {string.Join("・", g.ServedNames)} です。";

    /// <summary>
    /// The place a query named that the table does not cover: a 都道府県 with no municipality in the table, or a leading
    /// 「○○市/区」 that is not in the table while the rest of the query names a known town. Null when neither.
    /// </summary>
    private static string? OutsideArea(Gazetteer g, Gazetteer.QueryReading reading)
    {
        if (reading.Municipality is not null)
        {
            return null;
        }
        var m = LeadingMunicipality().Match(reading.Address.Name);
        // A leading 「○○市/区/郡」 that is neither a municipality of the table nor the start of one of its town names.
        var unknownCity = m.Success && !g.Municipalities.Contains(m.Groups[1].Value) && !g.HasTownStartingWith(m.Groups[1].Value)
            ? m.Groups[1].Value : null;
        if (reading.Prefecture is { } pref && !g.HasPrefecture(pref))
        {
            return pref + unknownCity;
        }
        return unknownCity is null ? null : reading.Prefecture + unknownCity;
    }

    private static string Shorten(string q) => q.Length <= 30 ? q : q[..30] + "…";

    [GeneratedRegex("^(.{1,6}?[市区郡])")]
    private static partial Regex LeadingMunicipality();
}
