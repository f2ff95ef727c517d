using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FukushiMap.Data.Import.Formats;

namespace FukushiMap.Data.Import.Importers;

/// <summary>An age range of a column or row: <see cref="From"/> to <see cref="To"/> years inclusive; <see cref="To"/> null = 「以上」.</summary>
internal readonly record struct AgeRange(int From, int? To)
{
    public bool Within(int from, int? to) => From >= from && (to is null ? true : To is { } t && t <= to);

    /// <summary>The range has ages both below and from <paramref name="edge"/>.</summary>
    public bool Straddles(int edge) => From < edge && (To is null || To >= edge);

    public override string ToString() => To is null ? $"{From}歳以上" : To == From ? $"{From}歳" : $"{From}～{To}歳";
}

/// <summary>One 町丁 of a 住民基本台帳 file: its total, its ages (when the file has them), and where in the file it was.</summary>
internal sealed record ResidentRow(int Row, string Name, int Population, string PopulationField, AgeBands? Ages, int? Households);

/// <summary>Population of a 町丁 by the four bands <see cref="Entities.PopulationUnit"/> keeps.</summary>
/// <remarks>A band is null when the file's age ranges straddle its edge (「0～64歳」 gives no 0–14, 「65歳以上」 no 75+).</remarks>
internal sealed record AgeBands(int? Age0To14, int? Age15To64, int? Age65Plus, int? Age75Plus);

/// <summary>
/// 住民基本台帳 町丁別年齢別人口 as cities publish it (CSV or Excel, Shift_JIS or UTF-8): no KEY_CODE, no coordinates; one row per
/// 町丁 (町丁名 / 町名 …, then 総数 / 計 / 合計, 男, 女, and ages as single years 「0歳」…「100歳以上」 or bands 「0～4歳」「0-4歳」
/// …「85歳以上」), or the long layout (町丁名, 年齢, 男, 女, 計: one row per 町丁 and age). Title and 基準日 lines above the
/// header are skipped by the table reader. Numbers may carry thousands separators; 「-」 and an empty cell are 0.
/// </summary>
internal static partial class ResidentRegisterTable
{
    /// <summary>Headers naming the 町丁 column, in order of preference.</summary>
    private static readonly string[] s_nameHeaders =
        ["町丁名", "町丁字名", "町丁目名", "町字名", "大字町丁名", "大字・町丁名", "町名", "町丁", "町丁目", "字名", "地区名", "町丁・字"];

    private static readonly string[] s_totalHeaders = ["総数", "計", "合計", "総計", "男女計", "人口総数", "総人口", "人口計", "人口", "人口総数（人）"];
    private static readonly string[] s_ageHeaders = ["年齢", "年齢区分", "年齢階級", "年齢（各歳）", "年齢(各歳)", "歳"];
    private static readonly string[] s_householdHeaders = ["世帯数", "世帯", "世帯計"];

    /// <summary>Names of rows that total the whole city (or a part): left out, never matched to a 町丁.</summary>
    private static readonly string[] s_totalRowNames = ["合計", "総計", "計", "総数", "市計", "区計", "町計", "全市", "市全体", "区全体", "全体", "小計"];

    /// <summary>The 町丁 column when the file looks like a 住民基本台帳 table (a 町丁 column and a total or age column).</summary>
    public static string? NameField(IReadOnlyList<string> fields)
    {
        var name = s_nameHeaders.Select(h => fields.FirstOrDefault(f => Header(f) == h)).FirstOrDefault(f => f is not null);
        if (name is null)
        {
            return null;
        }
        var hasNumbers = fields.Any(f => s_totalHeaders.Contains(Header(f)) || s_ageHeaders.Contains(Header(f)) || ParseAge(f) is not null)
            || (fields.Any(f => IsMale(Header(f))) && fields.Any(f => IsFemale(Header(f))));
        return hasNumbers ? name : null;
    }

    private static bool IsMale(string header) => header is "男" or "男性" or "男（人）";

    private static bool IsFemale(string header) => header is "女" or "女性" or "女（人）";

    /// <summary>
    /// Reads every 町丁 row of <paramref name="file"/>; a value that is not a count, ages that do not add up to the total,
    /// age columns that cannot be split at 15, 65 and 75, become problems (row, field).
    /// </summary>
    public static List<ResidentRow> Read(FeatureFile file, string nameField, ProblemList problems, List<string> notes)
    {
        var fields = file.FieldNames;
        string? Find(string[] headers) => headers.Select(h => fields.FirstOrDefault(f => Header(f) == h)).FirstOrDefault(f => f is not null);
        var totalField = Find(s_totalHeaders);
        var ageField = Find(s_ageHeaders);
        var householdField = Find(s_householdHeaders);
        var male = fields.FirstOrDefault(f => IsMale(Header(f)));
        var female = fields.FirstOrDefault(f => IsFemale(Header(f)));
        var skippedTotals = new List<string>();
        List<ResidentRow> rows = [];
        if (ageField is not null && fields.All(f => ParseAge(f) is null))
        {
            rows = ReadLong(file, nameField, ageField, totalField, male, female, problems, skippedTotals, notes);
            notes.Add($"住民基本台帳の町丁別年齢別人口（縦長の形: {nameField}・{ageField}・{totalField ?? $"{male}＋{female}"}）として読みました。");
        }
        else
        {
            var ageColumns = AgeColumns(fields, notes);
            if (ageColumns is not null)
            {
                NoteStraddles(ageColumns.Select(c => c.Range), notes);
            }
            // Without a total column, 男 and 女 side by side make it (as many 町丁別 tables publish them).
            var sexes = totalField is null && male is not null && female is not null;
            if (totalField is null && ageColumns is null && !sexes)
            {
                throw problems.Fatal(null, null,
                    $"人口の列（総数・計・合計、または男と女）も、0 歳から「○歳以上」までそろった年齢の列もありません（ある項目: {string.Join(", ", fields)}）。");
            }
            var totalName = totalField ?? (sexes ? $"{male}＋{female}" : "年齢別の計");
            foreach (var f in file.Features)
            {
                var name = f.Get(nameField);
                if (name is null)
                {
                    if (f.Attributes.Values.Any(v => v is not null))
                    {
                        problems.Add(f.Row, nameField, "町丁名が空です。");
                    }
                    continue;
                }
                if (IsTotalRow(name))
                {
                    skippedTotals.Add(name);
                    continue;
                }
                var ok = true;
                int? Count(string field)
                {
                    var v = CountOf(f.Get(field));
                    if (v is null)
                    {
                        problems.Add(f.Row, field, $"「{f.Get(field)}」が 0 以上の整数（人数）ではありません。");
                        ok = false;
                    }
                    return v;
                }
                int? total = totalField is not null ? Count(totalField) : sexes ? Count(male!) + Count(female!) : null;
                var ages = ageColumns?.Select(c => (c.Range, Count: Count(c.Field) ?? 0)).ToList();
                int? households = householdField is null ? null : Count(householdField);
                if (!ok)
                {
                    continue;
                }
                if (ages is not null && total is not null && ages.Sum(a => a.Count) != total)
                {
                    problems.Add(f.Row, totalField ?? male, $"{totalName} {total:N0} 人が年齢別の人数の計 {ages.Sum(a => a.Count):N0} 人と合いません。");
                    continue;
                }
                rows.Add(new ResidentRow(f.Row, name, total ?? ages!.Sum(a => a.Count), totalField ?? (sexes ? male! : "年齢別の計"), ages is null ? null : Bands(ages), households));
            }
            notes.Add($"住民基本台帳の町丁別年齢別人口（横長の形: 町丁 {nameField}、人口 {totalName}、年齢の列 {ageColumns?.Count ?? 0} 列）として読みました。");
        }
        if (skippedTotals.Count > 0)
        {
            notes.Add($"合計の行（{string.Join("、", skippedTotals.Distinct())}）は町丁ではないので除きました。");
        }
        return rows;
    }

    /// <summary>Long layout: one row per 町丁 and age, grouped by 町丁 in file order.</summary>
    private static List<ResidentRow> ReadLong(FeatureFile file, string nameField, string ageField, string? totalField, string? male, string? female,
        ProblemList problems, List<string> skippedTotals, List<string> notes)
    {
        if (totalField is null && (male is null || female is null))
        {
            throw problems.Fatal(null, null, $"人数の列（計・総数、または男と女）がありません（ある項目: {string.Join(", ", file.FieldNames)}）。");
        }
        var groups = new List<(string Name, int Row, List<(AgeRange Range, int Count)> Ages, int? Total, bool Bad)>();
        var index = new Dictionary<string, int>();
        foreach (var f in file.Features)
        {
            var name = f.Get(nameField);
            if (name is null)
            {
                problems.Add(f.Row, nameField, "町丁名が空です。");
                continue;
            }
            if (IsTotalRow(name))
            {
                skippedTotals.Add(name);
                continue;
            }
            int? count;
            string countField;
            if (totalField is not null)
            {
                (count, countField) = (CountOf(f.Get(totalField)), totalField);
            }
            else
            {
                var (m, w) = (CountOf(f.Get(male!)), CountOf(f.Get(female!)));
                (count, countField) = (m is null || w is null ? null : m + w, m is null ? male! : female!);
            }
            if (!index.TryGetValue(name, out var i))
            {
                index[name] = i = groups.Count;
                groups.Add((name, f.Row, [], null, false));
            }
            var g = groups[i];
            if (count is null)
            {
                problems.Add(f.Row, countField, $"「{f.Get(countField)}」が 0 以上の整数（人数）ではありません。");
                groups[i] = g with { Bad = true };
                continue;
            }
            var ageText = f.Get(ageField);
            if (ageText is not null && IsTotalRow(ageText))
            {
                groups[i] = g with { Total = count };
                continue;
            }
            if (ageText is null || ParseAge(ageText.EndsWith('歳') || ageText.EndsWith("以上") ? ageText : ageText + "歳") is not { } range)
            {
                problems.Add(f.Row, ageField, $"年齢「{ageText}」が読めません（「5」「5歳」「0～4歳」「100歳以上」のように書いてください）。");
                groups[i] = g with { Bad = true };
                continue;
            }
            g.Ages.Add((range, count.Value));
        }
        var rows = new List<ResidentRow>();
        foreach (var g in groups.Where(g => !g.Bad))
        {
            if (!Covers(g.Ages.Select(a => a.Range)))
            {
                problems.Add(g.Row, ageField,
                    $"「{g.Name}」の年齢が 0 歳から「○歳以上」まで重なりも切れ目もなくそろっていません（{string.Join("、", g.Ages.Select(a => a.Range).OrderBy(r => r.From))}）。");
                continue;
            }
            var sum = g.Ages.Sum(a => a.Count);
            if (g.Total is { } total && total != sum)
            {
                problems.Add(g.Row, ageField, $"「{g.Name}」の計 {total:N0} 人が年齢別の人数の計 {sum:N0} 人と合いません。");
                continue;
            }
            rows.Add(new ResidentRow(g.Row, g.Name, sum, totalField ?? $"{male}＋{female}", Bands(g.Ages), null));
        }
        NoteStraddles(groups.SelectMany(g => g.Ages.Select(a => a.Range)).Distinct(), notes);
        return rows;
    }

    /// <summary>
    /// The file's age columns: single years when they run from 0 to 「○歳以上」 without a gap, else 5-year (or other) bands that
    /// do; null when neither does (the total column is used alone).
    /// </summary>
    private static List<(string Field, AgeRange Range)>? AgeColumns(IReadOnlyList<string> fields, List<string> notes)
    {
        var all = fields.Select(f => (Field: f, Range: ParseAge(f))).Where(x => x.Range is not null).Select(x => (x.Field, Range: x.Range!.Value)).ToList();
        if (all.Count == 0)
        {
            return null;
        }
        var singles = all.Where(a => a.Range.To == a.Range.From || a.Range.To is null).ToList();
        if (Covers(singles.Select(s => s.Range)))
        {
            return singles;
        }
        var bands = all.Where(a => a.Range.To != a.Range.From).ToList();
        if (Covers(bands.Select(b => b.Range)))
        {
            return bands;
        }
        if (Covers(all.Select(a => a.Range)))
        {
            return all;
        }
        notes.Add($"年齢の列（{string.Join("、", all.Select(a => a.Field))}）が 0 歳から「○歳以上」まで切れ目なくそろっていないため、年齢別の人口は使いません（総数だけを使います）。");
        return null;
    }

    /// <summary>Ranges that run from 0 to an open end, each starting where the last ended.</summary>
    private static bool Covers(IEnumerable<AgeRange> ranges)
    {
        var next = 0;
        foreach (var r in ranges.OrderBy(r => r.From))
        {
            if (r.From != next)
            {
                return false;
            }
            if (r.To is null)
            {
                return true;
            }
            next = r.To.Value + 1;
        }
        return false;
    }

    /// <summary>Says which of the four bands the ranges cannot give (a range straddles 15, 65 or 75): those stay empty.</summary>
    private static void NoteStraddles(IEnumerable<AgeRange> ranges, List<string> notes)
    {
        var list = ranges.ToList();
        var missing = new List<string>();
        if (list.Any(r => r.Straddles(15)))
        {
            missing.Add("0～14 歳・15～64 歳");
        }
        if (list.Any(r => r.Straddles(65)))
        {
            missing.Add("15～64 歳・65 歳以上");
        }
        if (list.Any(r => r.Straddles(75)))
        {
            missing.Add("75 歳以上");
        }
        if (missing.Count > 0)
        {
            var straddling = list.Where(r => r.Straddles(15) || r.Straddles(65) || r.Straddles(75)).OrderBy(r => r.From);
            notes.Add($"年齢の区切り（{string.Join("、", straddling)}）が 15・65・75 歳をまたぐため、{string.Join("・", missing.Distinct())}の人口は空にします（分からない値を推し量りません）。");
        }
    }

    private static AgeBands Bands(IReadOnlyList<(AgeRange Range, int Count)> ages)
    {
        // A band is known when no range crosses its edges; then its ranges are exactly those within it.
        int? Sum(int from, int? to) =>
            ages.Any(a => a.Range.Straddles(from) || (to is not null && a.Range.Straddles(to.Value + 1))) ? null
            : ages.Where(a => a.Range.Within(from, to)).Sum(a => a.Count);
        return new AgeBands(Sum(0, 14), Sum(15, 64), Sum(65, null), Sum(75, null));
    }

    /// <summary>
    /// An age header or value: 「5歳」, 「０～４歳」, 「0-4歳」, 「0歳～4歳」, 「100歳以上」, 「85歳～」; a trailing 「計」「人」 is allowed; null otherwise
    /// (「男」「0～4歳男」 are not ages of both sexes).
    /// </summary>
    public static AgeRange? ParseAge(string text)
    {
        var t = Header(text);
        var m = AgePattern().Match(t);
        if (!m.Success)
        {
            return null;
        }
        var from = int.Parse(m.Groups["from"].Value, CultureInfo.InvariantCulture);
        if (m.Groups["to"].Success)
        {
            var to = int.Parse(m.Groups["to"].Value, CultureInfo.InvariantCulture);
            return to >= from ? new AgeRange(from, to) : null;
        }
        return m.Groups["open"].Success ? new AgeRange(from, null) : new AgeRange(from, from);
    }

    [GeneratedRegex(@"^(?<from>\d{1,3})歳?(?:[~\-－ー―‐〜～](?<to>\d{1,3})歳|(?<open>以上|～|~|〜)|歳)(?:計|人)?$")]
    private static partial Regex AgePattern();

    /// <summary>A count: digits (全角 too), thousands separators allowed; 「-」 and an empty cell are 0; null when not a count.</summary>
    private static int? CountOf(string? value)
    {
        if (value is null)
        {
            return 0;
        }
        var t = value.Normalize(NormalizationForm.FormKC).Replace(",", "").Trim();
        if (t is "-" or "－" or "―" or "‐" or "ー" or "")
        {
            return 0;
        }
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && d == Math.Floor(d) && d <= int.MaxValue ? (int)d : null;
    }

    private static bool IsTotalRow(string name)
    {
        var n = Header(name);
        return s_totalRowNames.Contains(n) || n.EndsWith("合計", StringComparison.Ordinal) || n.EndsWith("総計", StringComparison.Ordinal)
            || n.EndsWith("小計", StringComparison.Ordinal);
    }

    /// <summary>A header as compared: NFKC (全角 digits and letters → 半角), no spaces.</summary>
    private static string Header(string text) => WhiteSpace().Replace(text.Normalize(NormalizationForm.FormKC), "");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}

/// <summary>
/// Compares 町丁 names as a city's 住民基本台帳 and the census write them: NFKC (全角 ↔ 半角 digits), no spaces, no 「大字」
/// and no leading 「字」, 漢数字 丁目 as digits (「二丁目」 = 「２丁目」 = 「2丁目」), ヶ/ケ/が/ガ alike, and the city's own name dropped.
/// </summary>
internal static partial class ChomeNames
{
    public static string Key(string name, string? cityName)
    {
        var n = WhiteSpace().Replace(name.Normalize(NormalizationForm.FormKC), "");
        if (!string.IsNullOrEmpty(cityName) && n.StartsWith(cityName, StringComparison.Ordinal) && n.Length > cityName.Length)
        {
            n = n[cityName.Length..];
        }
        n = n.Replace("大字", "");
        if (n.StartsWith('字') && n.Length > 1)
        {
            n = n[1..];
        }
        n = KanjiChome().Replace(n, m => $"{KanjiNumber(m.Groups["n"].Value)}丁目");
        n = n.Replace('ヶ', 'ケ').Replace('ヵ', 'カ').Replace('ｹ', 'ケ').Replace("が丘", "ケ丘").Replace("ガ丘", "ケ丘");
        return n;
    }

    /// <summary>一 … 九十九 as a number (二十三 = 23, 十 = 10).</summary>
    private static int KanjiNumber(string kanji)
    {
        const string digits = "〇一二三四五六七八九";
        var total = 0;
        var current = 0;
        foreach (var c in kanji)
        {
            if (c == '十')
            {
                total += (current == 0 ? 1 : current) * 10;
                current = 0;
            }
            else
            {
                current = digits.IndexOf(c);
            }
        }
        return total + current;
    }

    [GeneratedRegex(@"(?<n>[〇一二三四五六七八九十]+)丁目")]
    private static partial Regex KanjiChome();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
