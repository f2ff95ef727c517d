using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FukushiMap.Server.Features;

/// <summary>
/// The query parameters of <c>/collections/{collectionId}/items</c> as the OpenAPI document shows them.
/// They are bound as text and validated by <see cref="ItemsRequest.Parse"/>, so a malformed value is answered with a
/// Japanese problem detail rather than a framework binding error.
/// </summary>
public sealed class ItemsParameters
{
    [FromQuery(Name = "limit")]
    [Description("1ページの件数（1〜10000、既定 10）。10000 を超える値は 10000 として扱います。")]
    public string? Limit { get; init; }

    [FromQuery(Name = "offset")]
    [Description("読み飛ばす件数（0 以上、既定 0）。応答の next リンクをたどればページ送りできます。")]
    public string? Offset { get; init; }

    [FromQuery(Name = "bbox")]
    [Description("経度・緯度の範囲 minx,miny,maxx,maxy（CRS84）。範囲と交わる地物だけを返します。")]
    public string? Bbox { get; init; }

    [FromQuery(Name = "municipality_code")]
    [Description("市区町村コード（5桁、例 35202）。すべてのコレクションで使えます。")]
    public string? MunicipalityCode { get; init; }

    [FromQuery(Name = "type")]
    [Description("hubs のみ：拠点の種類のキー（例 fureai-center）。")]
    public string? Type { get; init; }

    [FromQuery(Name = "layer")]
    [Description("districts のみ：区域レイヤーのキー（例 elementary）。")]
    public string? Layer { get; init; }

    [FromQuery(Name = "kind")]
    [Description("districts：区域の種類（例 小学校区）／shelters：種別（例 指定避難所）。")]
    public string? Kind { get; init; }

    [FromQuery(Name = "key_code")]
    [Description("population-units のみ：e-Stat の KEY_CODE。")]
    public string? KeyCode { get; init; }

    [FromQuery(Name = "f")]
    [Description("応答の形式。json だけが使えます（GeoJSON）。")]
    public string? F { get; init; }
}

/// <summary>A validated items request: filter and page.</summary>
public sealed record ItemsRequest(FeatureFilter Filter, int Limit, long Offset)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 10_000;

    /// <summary>Parameters every collection accepts besides its queryables.</summary>
    public static readonly IReadOnlyList<string> CommonParameters = ["limit", "offset", "bbox", "f"];

    private static readonly Regex s_municipalityCode = new(@"^[0-9]{5}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Validates the query string against <paramref name="collection"/>. Unknown parameters, repeated parameters and
    /// malformed values are refused with 400 and a Japanese detail naming the parameter.
    /// </summary>
    public static ItemsRequest Parse(FeatureCollectionDefinition collection, IQueryCollection query)
    {
        var allowed = CommonParameters.Concat(collection.Queryables.Select(q => q.Name)).ToList();
        foreach (var (key, values) in query)
        {
            if (!allowed.Contains(key))
            {
                throw Invalid(key,
                    $"パラメーター「{key}」はコレクション「{collection.Id}」では使えません。使えるのは {string.Join(", ", allowed)} です。",
                    new Dictionary<string, object?> { ["allowed"] = allowed });
            }
            if (values.Count > 1)
            {
                throw Invalid(key, $"パラメーター「{key}」が複数回指定されています。1回だけ指定してください。");
            }
        }

        ParseFormat(query);
        var limit = ParseLimit(query["limit"]);
        var offset = ParseOffset(query["offset"]);
        var bbox = ParseBbox(query["bbox"]);
        var equals = new Dictionary<string, string>();
        foreach (var q in collection.Queryables)
        {
            if (query.TryGetValue(q.Name, out var v))
            {
                var value = v.ToString();
                if (value.Length == 0)
                {
                    throw Invalid(q.Name, $"パラメーター「{q.Name}」の値が空です。");
                }
                if (q.Name == "municipality_code" && !s_municipalityCode.IsMatch(value))
                {
                    throw Invalid(q.Name, $"市区町村コード「{value}」は5桁の数字ではありません（例 35202）。");
                }
                if (value.Length > 200)
                {
                    throw Invalid(q.Name, $"パラメーター「{q.Name}」の値が長すぎます（200文字まで）。");
                }
                equals[q.Name] = value;
            }
        }
        return new ItemsRequest(new FeatureFilter(bbox, equals), limit, offset);
    }

    /// <summary>Only JSON is offered; <c>f=json</c> may be given explicitly.</summary>
    public static void ParseFormat(IQueryCollection query)
    {
        if (query.TryGetValue("f", out var f) && !string.Equals(f.ToString(), "json", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("f", $"形式「{f}」には対応していません。f=json（既定）だけが使えます。");
        }
    }

    private static int ParseLimit(string? text)
    {
        if (text is null)
        {
            return DefaultLimit;
        }
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            throw Invalid("limit", $"limit「{text}」は 1 以上の整数で指定してください（最大 {MaxLimit}）。");
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            value = long.MaxValue; // a digit string too long for a long is still just "more than the maximum"
        }
        if (value < 1)
        {
            throw Invalid("limit", $"limit「{text}」は 1 以上の整数で指定してください（最大 {MaxLimit}）。");
        }
        // OGC: a limit above the server's maximum is not an error; the maximum is used.
        return (int)Math.Min(value, MaxLimit);
    }

    private static long ParseOffset(string? text)
    {
        if (text is null)
        {
            return 0;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw Invalid("offset", $"offset「{text}」は 0 以上の整数で指定してください。");
        }
        return value;
    }

    private static double[]? ParseBbox(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var parts = text.Split(',');
        if (parts.Length != 4)
        {
            throw Invalid("bbox", $"bbox「{text}」は「最小経度,最小緯度,最大経度,最大緯度」の4つの数値で指定してください（例 131.2,33.9,131.3,34.0）。");
        }
        var numbers = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                throw Invalid("bbox", $"bbox の「{parts[i]}」は数値ではありません。「最小経度,最小緯度,最大経度,最大緯度」で指定してください。");
            }
        }
        var (minX, minY, maxX, maxY) = (numbers[0], numbers[1], numbers[2], numbers[3]);
        if (minX < -180 || maxX > 180 || minX > 180 || maxX < -180)
        {
            throw Invalid("bbox", $"bbox の経度は -180〜180 の範囲で指定してください（{text}）。");
        }
        if (minY < -90 || maxY > 90 || minY > 90 || maxY < -90)
        {
            throw Invalid("bbox", $"bbox の緯度は -90〜90 の範囲で指定してください（{text}）。");
        }
        if (minX > maxX || minY > maxY)
        {
            throw Invalid("bbox", $"bbox の最小値が最大値より大きくなっています（{text}）。「最小経度,最小緯度,最大経度,最大緯度」の順で指定してください。");
        }
        return numbers;
    }

    private static FukushiMapError Invalid(string parameter, string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["parameter"] = parameter;
        return FukushiMapError.Invalid("invalid-parameter", detail, extensions);
    }
}
