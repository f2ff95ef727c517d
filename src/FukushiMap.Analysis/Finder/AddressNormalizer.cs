using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FukushiMap.Analysis.Finder;

/// <summary>An address reduced to what matching needs: the 町・字 name and the 丁目 number, if any.</summary>
/// <param name="Name">Canonical name without 都道府県/市区町村, 大字/字 and 丁目 (e.g. 「則貞」).</param>
/// <param name="Chome">The 丁目 number (二丁目 → 2), or null.</param>
/// <param name="Rest">What followed (番地・号), canonical, possibly empty.</param>
public sealed record NormalizedAddress(string Name, int? Chome, string Rest)
{
    /// <summary>Canonical key: name plus 丁目 number (「則貞2」).</summary>
    public string Key => Chome is { } c ? Name + c.ToString(CultureInfo.InvariantCulture) : Name;
}

/// <summary>
/// Turns an address as people type it into a canonical form both the gazetteer and the query share:
/// full/half width, 漢数字 ⇄ 算用数字 for 丁目, 「丁目」 optional, 大字/字 optional, ヶ/ケ/が and ノ/の variants,
/// katakana as hiragana, spaces and punctuation dropped. Symmetric by design: the same function keys the table.
/// </summary>
public static partial class AddressNormalizer
{
    /// <summary>The 47 都道府県, stripped from the front of a query.</summary>
    public static readonly IReadOnlyList<string> Prefectures =
    [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都",
        "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府",
        "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県",
        "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ];

    /// <summary>Words a resident may add that are not part of the address (pace words are read by the page).</summary>
    private static readonly string[] NoiseWords =
        ["やすみやすみ", "休み休み", "ゆっくり", "ふつう", "普通", "のあたり", "あたり", "辺り", "付近", "周辺", "のちかく", "の近く", "近く"];

    private const string KanjiDigits = "〇一二三四五六七八九";

    /// <summary>Canonical text: NFKC, katakana → hiragana, variants unified, numbers in 算用数字, no spaces or punctuation.</summary>
    public static string Canonical(string text)
    {
        var s = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var prev = sb.Length > 0 ? sb[^1] : '\0';
            // Hyphen-like marks between numbers mean 丁目-番-号; a long-vowel mark after a digit is a hyphen typed in kana mode.
            if (c is '-' or '‐' or '‑' or '–' or '—' or '−' or '―' or '－' || (c == 'ー' && char.IsAsciiDigit(prev)))
            {
                sb.Append('-');
                continue;
            }
            if (char.IsWhiteSpace(c) || IsPunctuation(c))
            {
                continue;
            }
            // ヶ/ヵ/ケ/が/け after a kanji are the same 連体助詞 (風呂ヶ迫 = 風呂ケ迫 = 風呂が迫).
            if (c is 'ヶ' or 'ヵ' or 'ケ' or 'が' or 'け' or 'ｹ' && IsKanji(prev))
            {
                sb.Append('ヶ');
                continue;
            }
            // Katakana → hiragana (ノ → の, so 沖ノ旦 = 沖の旦), keeping ヶ handled above.
            if (c is >= 'ァ' and <= 'ヶ' && c != 'ヵ' && c != 'ヶ')
            {
                c = (char)(c - 0x60);
            }
            sb.Append(c);
        }
        return KanjiNumberBeforeUnit().Replace(sb.ToString(), m => KanjiToNumber(m.Groups[1].Value).ToString(CultureInfo.InvariantCulture) + m.Groups[2].Value);
    }

    /// <summary>
    /// Parses an address (or a gazetteer name) into name, 丁目 and rest. <paramref name="knownMunicipalities"/> are 市区町村 names
    /// (宇部市, 世田谷区 …) stripped from the front; the one found is returned in <paramref name="municipality"/>.
    /// </summary>
    public static NormalizedAddress Parse(string text, IEnumerable<string>? knownMunicipalities, out string? prefecture, out string? municipality)
    {
        var s = Canonical(text);
        foreach (var word in NoiseWords)
        {
            s = s.Replace(word, "", StringComparison.Ordinal);
        }
        prefecture = Prefectures.FirstOrDefault(p => s.StartsWith(p, StringComparison.Ordinal));
        if (prefecture is not null)
        {
            s = s[prefecture.Length..];
        }
        municipality = null;
        if (knownMunicipalities is not null)
        {
            foreach (var name in knownMunicipalities.OrderByDescending(n => n.Length))
            {
                var canonical = Canonical(name);
                if (canonical.Length > 0 && s.StartsWith(canonical, StringComparison.Ordinal))
                {
                    municipality = name;
                    s = s[canonical.Length..];
                    break;
                }
            }
        }
        return ParseLocal(s);
    }

    /// <summary>Parses canonical text that has no prefecture or municipality in front.</summary>
    public static NormalizedAddress ParseLocal(string canonical)
    {
        var s = canonical;
        if (s.StartsWith("大字", StringComparison.Ordinal))
        {
            s = s[2..];
        }
        else if (s.StartsWith('字'))
        {
            s = s[1..];
        }
        // 「東岐波字丸尾」: the 小字 marker inside a name is optional too.
        s = s.Replace("大字", "", StringComparison.Ordinal);
        s = InnerAza().Replace(s, "");

        var m = NameAndNumbers().Match(s);
        if (!m.Success)
        {
            return new NormalizedAddress(s, null, "");
        }
        var name = m.Groups["name"].Value;
        int? chome = null;
        var rest = m.Groups["rest"].Value;
        if (m.Groups["num"].Success && int.TryParse(m.Groups["num"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            chome = n;
        }
        rest = rest.TrimStart('-');
        return new NormalizedAddress(name, chome, rest);
    }

    /// <summary>Name without a trailing 町 (恩田町 ≈ 恩田), for the looser comparison people make.</summary>
    public static string Loose(string name) => name.Length > 1 && name.EndsWith('町') ? name[..^1] : name;

    /// <summary>漢数字 to a number: 二 → 2, 十二 → 12, 二十 → 20, 一〇 → 10.</summary>
    public static int KanjiToNumber(string kanji)
    {
        if (kanji.All(c => KanjiDigits.Contains(c)))
        {
            return kanji.Aggregate(0, (acc, c) => acc * 10 + KanjiDigits.IndexOf(c));
        }
        var total = 0;
        var current = 0;
        foreach (var c in kanji)
        {
            var d = KanjiDigits.IndexOf(c);
            if (d >= 0)
            {
                current = d;
            }
            else if (c == '十')
            {
                total += (current == 0 ? 1 : current) * 10;
                current = 0;
            }
            else if (c == '百')
            {
                total += (current == 0 ? 1 : current) * 100;
                current = 0;
            }
        }
        return total + current;
    }

    private static bool IsKanji(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or '々';

    private static bool IsPunctuation(char c)
    {
        if (c is '々' or 'ー' or 'ヶ' or '〇' or '-')
        {
            return false;
        }
        var cat = CharUnicodeInfo.GetUnicodeCategory(c);
        return cat is UnicodeCategory.OtherPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.OtherSymbol
            or UnicodeCategory.ModifierSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.Control or UnicodeCategory.Format;
    }

    // 漢数字 followed by 丁目, 番, 番地 or 号 (only there: 八王子町 and 五十目山町 keep their names).
    [GeneratedRegex("([〇一二三四五六七八九十百]+)(丁目|丁|番地|番|号)")]
    private static partial Regex KanjiNumberBeforeUnit();

    // name, then a number (丁目 optional), then whatever follows (番地・号 as numbers or with units).
    [GeneratedRegex(@"^(?<name>[^0-9]*?)(?:(?<num>[0-9]+)(?:丁目|丁)?(?<rest>.*))?$")]
    private static partial Regex NameAndNumbers();

    // A 字 between a name and a 小字 (東須恵字下岡の上 → 東須恵下岡の上); never at the start of a kana word.
    [GeneratedRegex("(?<=[\u4E00-\u9FFF々])字(?=[\u3040-\u30FF\u4E00-\u9FFF])")]
    private static partial Regex InnerAza();
}
