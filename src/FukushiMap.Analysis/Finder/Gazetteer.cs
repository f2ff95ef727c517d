using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FukushiMap.Analysis.Finder;

/// <summary>Where a 町丁 point comes from.</summary>
public static class GazetteerSources
{
    /// <summary>Geolonia 住所データ (国土交通省 位置参照情報 based), CC BY 4.0.</summary>
    public const string Geolonia = "geolonia";

    /// <summary>e-Stat 2015 census 町丁・字 representative points (population_units), the fallback.</summary>
    public const string Census = "census";
}

/// <summary>One place name of the table: a 町丁目 / 大字 (and 小字 when given) with a representative point (JGD2011 lon/lat).</summary>
/// <param name="Readings">Kana readings when the source has them (none of the bundled sources do).</param>
public sealed record GazetteerEntry(
    string MunicipalityCode, string Prefecture, string Municipality, string Town, string? Koaza, double Lat, double Lon, string Source,
    IReadOnlyList<string>? Readings = null)
{
    /// <summary>What a resident reads: 「宇部市則貞二丁目」.</summary>
    public string Label => Municipality + Town + (string.IsNullOrEmpty(Koaza) ? "" : " " + Koaza);
}

/// <summary>
/// A real place of a city to show as an example of what to type: <paramref name="Typed"/> as people type it (「則貞2丁目」),
/// <see cref="GazetteerEntry.Town"/> as the table writes it (「則貞二丁目」).
/// </summary>
public sealed record AddressExample(GazetteerEntry Entry, string Typed);

/// <summary>A ranked match (score 0–1; 1 = the name and 丁目 as typed).</summary>
public sealed record GazetteerMatch(GazetteerEntry Entry, double Score);

/// <summary>
/// The offline address table and its ranking: exact name and 丁目 first, then the right town with another 丁目, then names the
/// query starts (typing), then names that merely resemble it (bigram similarity, for suggestions).
/// </summary>
public sealed partial class Gazetteer
{
    /// <summary>A match must score at least this to be offered as the place; lower scores are only suggestions.</summary>
    public const double MatchThreshold = 0.55;

    private readonly List<Indexed> _entries;
    private readonly string[] _municipalities;

    private sealed record Indexed(GazetteerEntry Entry, NormalizedAddress Address, string Loose, string[] ReadingKeys);

    public Gazetteer(IEnumerable<GazetteerEntry> entries, IEnumerable<string>? servedMunicipalityCodes = null)
    {
        _entries = [];
        var seen = new HashSet<(string, string)>();
        // Geolonia first: a census point stands in only for a 町丁 the address table lacks (or has without coordinates).
        foreach (var e in entries.OrderBy(e => e.Source == GazetteerSources.Geolonia ? 0 : 1))
        {
            if (!double.IsFinite(e.Lat) || !double.IsFinite(e.Lon))
            {
                continue;
            }
            var address = AddressNormalizer.ParseLocal(AddressNormalizer.Canonical(e.Town + (e.Koaza ?? "")));
            if (!seen.Add((e.MunicipalityCode, address.Key)))
            {
                continue;
            }
            var readings = (e.Readings ?? []).Select(r => AddressNormalizer.ParseLocal(AddressNormalizer.Canonical(r)).Key)
                .Where(k => k.Length > 0).ToArray();
            _entries.Add(new Indexed(e, address, AddressNormalizer.Loose(address.Name), readings));
        }
        _municipalities = [.. _entries.Select(e => e.Entry.Municipality).Distinct()];
        Served = servedMunicipalityCodes?.ToHashSet() ?? [];
        ServedNames = [.. _entries.Where(e => Served.Contains(e.Entry.MunicipalityCode)).Select(e => e.Entry.Municipality).Distinct()];
        _prefectures = [.. _entries.Select(e => e.Entry.Prefecture).Distinct()];
    }

    private readonly HashSet<string> _prefectures;

    /// <summary>Names of the municipalities the walking finder serves (宇部市).</summary>
    public IReadOnlyList<string> ServedNames { get; }

    private readonly ConcurrentDictionary<string, AddressExample?> _examples = new(StringComparer.Ordinal);

    /// <summary>
    /// An example address of municipality <paramref name="municipalityCode"/> (see <see cref="Example(Func{GazetteerEntry, bool})"/>);
    /// null when the table has no place of it.
    /// </summary>
    public AddressExample? Example(string municipalityCode) =>
        _examples.GetOrAdd("code:" + municipalityCode, _ => Example(e => e.MunicipalityCode == municipalityCode));

    /// <summary>An example address of the municipality named <paramref name="municipality"/> (「福津市」), else null.</summary>
    public AddressExample? ExampleNamed(string municipality) =>
        _examples.GetOrAdd("name:" + municipality, _ => Example(e => e.Municipality == municipality));

    /// <summary>
    /// The example of the places <paramref name="inCity"/> keeps: a 町丁目 of the address data with a 丁目 and no 小字 when
    /// the city has one (people then see both ways of writing the 丁目), else any of its places; of those, the one nearest
    /// the middle of the city's places (the mean of their points), so the choice follows the data and stays the same
    /// between runs. Null when no place passes.
    /// </summary>
    public AddressExample? Example(Func<GazetteerEntry, bool> inCity)
    {
        var places = _entries.Where(e => inCity(e.Entry)).ToList();
        if (places.Count == 0)
        {
            return null;
        }
        var lat = places.Average(e => e.Entry.Lat);
        var lon = places.Average(e => e.Entry.Lon);
        var cos = Math.Cos(lat * Math.PI / 180);
        var best = places
            .OrderBy(e => e.Address.Chome is not null && string.IsNullOrEmpty(e.Entry.Koaza) && ChomeSuffix().IsMatch(e.Entry.Town) ? 0 : 1)
            .ThenBy(e => e.Entry.Source == GazetteerSources.Geolonia ? 0 : 1)
            .ThenBy(e => Math.Pow((e.Entry.Lon - lon) * cos, 2) + Math.Pow(e.Entry.Lat - lat, 2))
            .ThenBy(e => e.Entry.Label, StringComparer.Ordinal)
            .First();
        var town = best.Entry.Town + (string.IsNullOrEmpty(best.Entry.Koaza) ? "" : best.Entry.Koaza);
        var typed = best.Address.Chome is { } chome && ChomeSuffix().Match(best.Entry.Town) is { Success: true } m && string.IsNullOrEmpty(best.Entry.Koaza)
            ? best.Entry.Town[..m.Index] + chome.ToString(CultureInfo.InvariantCulture) + "丁目"
            : town;
        return new AddressExample(best.Entry, typed);
    }

    /// <summary>The 丁目 at the end of a town name, in 漢数字 or digits (「二丁目」「2丁目」).</summary>
    [GeneratedRegex("[〇一二三四五六七八九十百0-9０-９]+丁目$")]
    private static partial Regex ChomeSuffix();

    /// <summary>Whether a town name of the table starts with <paramref name="canonicalPrefix"/> (canonical form).</summary>
    public bool HasTownStartingWith(string canonicalPrefix) =>
        _entries.Any(e => e.Address.Name.StartsWith(canonicalPrefix, StringComparison.Ordinal));

    /// <summary>Whether any place of the table is in <paramref name="prefecture"/>.</summary>
    public bool HasPrefecture(string prefecture) => _prefectures.Contains(prefecture);

    /// <summary>Number of places in the table.</summary>
    public int Count => _entries.Count;

    /// <summary>Municipality names in the table (宇部市, 世田谷区 …).</summary>
    public IReadOnlyList<string> Municipalities => _municipalities;

    /// <summary>Municipality codes the walking finder serves (ranked first when a name exists in several cities).</summary>
    public IReadOnlySet<string> Served { get; }

    /// <summary>True when the text is kana only (a reading such as のりさだ).</summary>
    public static bool IsKanaOnly(string text) => text.Length > 0 && text.All(c => c is >= '\u3041' and <= '\u309F' or >= '\u30A1' and <= '\u30FF' or 'ー');

    /// <summary>Whether any entry has a kana reading.</summary>
    public bool HasReadings => _entries.Any(e => e.ReadingKeys.Length > 0);

    /// <summary>Places matching <paramref name="query"/>, best first (score ≥ <see cref="MatchThreshold"/>).</summary>
    public List<GazetteerMatch> Search(string query, int limit) => Search(query, limit, out _);

    /// <summary>Same as <see cref="Search(string,int)"/>, also telling how the query was read.</summary>
    public List<GazetteerMatch> Search(string query, int limit, out QueryReading reading)
    {
        var address = AddressNormalizer.Parse(query, _municipalities, out var prefecture, out var municipality);
        reading = new QueryReading(address, prefecture, municipality);
        if (address.Name.Length == 0)
        {
            return [];
        }
        return Rank(address, prefecture, municipality)
            .Where(m => m.Score >= MatchThreshold)
            .OrderByDescending(m => m.Score).ThenBy(m => m.Entry.Label, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }

    /// <summary>Names that resemble the query, for 「もしかして」 when nothing matched: one per town, with the 丁目 typed when the
    /// town has it (「則定2丁目」 → 則貞二丁目), else its first.</summary>
    public List<GazetteerEntry> Suggest(string query, int limit)
    {
        var address = AddressNormalizer.Parse(query, _municipalities, out _, out var municipality);
        if (address.Name.Length == 0)
        {
            return [];
        }
        return _entries
            // Without a municipality named, only where the finder can walk: a near name in another city would not help.
            .Where(e => municipality is not null ? e.Entry.Municipality == municipality : Served.Count == 0 || Served.Contains(e.Entry.MunicipalityCode))
            .Select(e => (e, score: Similarity(address.Name, e.Address.Name)))
            .Where(x => x.score > 0)
            .OrderByDescending(x => x.score).ThenBy(x => x.e.Address.Chome == address.Chome ? 0 : 1).ThenBy(x => x.e.Address.Chome ?? 0)
            .DistinctBy(x => (x.e.Entry.MunicipalityCode, x.e.Address.Name))
            .Take(limit)
            .Select(x => x.e.Entry)
            .ToList();
    }

    private IEnumerable<GazetteerMatch> Rank(NormalizedAddress q, string? prefecture, string? municipality)
    {
        var qLoose = AddressNormalizer.Loose(q.Name);
        foreach (var e in _entries)
        {
            if (municipality is not null && e.Entry.Municipality != municipality)
            {
                continue;
            }
            if (prefecture is not null && e.Entry.Prefecture != prefecture)
            {
                continue;
            }
            var score = Math.Max(NameScore(q, qLoose, e.Address.Name, e.Loose) * ChomeFactor(q.Chome, e.Address.Chome),
                e.ReadingKeys.Length == 0 ? 0 : e.ReadingKeys.Max(r => ReadingScore(q, r)));
            if (score <= 0)
            {
                continue;
            }
            if (!Served.Contains(e.Entry.MunicipalityCode))
            {
                score *= 0.9;
            }
            if (e.Entry.Source != GazetteerSources.Geolonia)
            {
                score *= 0.99;
            }
            yield return new GazetteerMatch(e.Entry, Math.Round(score, 3));
        }
    }

    private static double NameScore(NormalizedAddress q, string qLoose, string name, string loose)
    {
        if (q.Name == name)
        {
            return 1.0;
        }
        if (qLoose == loose)
        {
            return 0.97;
        }
        if (name.StartsWith(q.Name, StringComparison.Ordinal) || loose.StartsWith(qLoose, StringComparison.Ordinal))
        {
            // Typing: 「西宇部」 → 西宇部北, 西宇部南; the more of the name typed, the better.
            return q.Name.Length >= 2 ? 0.6 + 0.3 * q.Name.Length / name.Length : 0;
        }
        if (loose.Length >= 2 && q.Name.Contains(loose, StringComparison.Ordinal))
        {
            // Extra words around a known name (「宇部の則貞」).
            return 0.6 + 0.2 * loose.Length / q.Name.Length;
        }
        return 0;
    }

    private static double ChomeFactor(int? asked, int? has) => (asked, has) switch
    {
        (null, null) => 1.0,
        // No 丁目 typed: every 丁目 of the town, first 丁目 first.
        (null, { } c) => 0.9 - Math.Min(c, 50) * 0.001,
        // A number but the place has no 丁目: it is a 番地.
        ({ }, null) => 0.95,
        var (a, c) when a == c => 1.0,
        // The right town with another 丁目 (e.g. 則貞9丁目, which does not exist) still helps, lower.
        _ => 0.7,
    };

    private static double ReadingScore(NormalizedAddress q, string readingKey)
    {
        var key = q.Key;
        if (key == readingKey || q.Name == readingKey)
        {
            return 0.98;
        }
        return readingKey.StartsWith(q.Name, StringComparison.Ordinal) && q.Name.Length >= 2 ? 0.6 + 0.3 * q.Name.Length / readingKey.Length : 0;
    }

    /// <summary>Dice coefficient over character bigrams (single characters for one-character names).</summary>
    public static double Similarity(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        var ga = Grams(a);
        var gb = Grams(b);
        var common = 0;
        var pool = gb.ToList();
        foreach (var g in ga)
        {
            var i = pool.IndexOf(g);
            if (i >= 0)
            {
                common++;
                pool.RemoveAt(i);
            }
        }
        var dice = 2.0 * common / (ga.Count + gb.Count);
        // Shared characters count a little too (則定 ≈ 則貞 share one of two characters).
        var chars = a.Distinct().Count(b.Contains) / (double)Math.Max(a.Distinct().Count(), b.Distinct().Count());
        return Math.Max(dice, 0.5 * chars);
    }

    private static List<string> Grams(string s) =>
        s.Length < 2 ? [s] : [.. Enumerable.Range(0, s.Length - 1).Select(i => s.Substring(i, 2))];

    /// <summary>How a query was read: what the normaliser kept, and which prefecture or municipality it named.</summary>
    public sealed record QueryReading(NormalizedAddress Address, string? Prefecture, string? Municipality)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Prefecture}{Municipality}{Address.Name}{(Address.Chome is { } c ? c + "丁目" : "")}");
    }
}
