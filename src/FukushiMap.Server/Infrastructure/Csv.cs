using System.Buffers;
using System.Globalization;
using System.Text;

namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// The one way every CSV export writes its cells (coverage, gaps, siting, welfare households, distances): RFC 4180 quoting,
/// and no live formula. Numbers are written as numbers (invariant culture), so <c>-3</c> stays the number −3. Every other
/// value is text, and text a spreadsheet would run as a formula — starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// CR — gets a leading <c>'</c> (OWASP "CSV injection"): a district named <c>=HYPERLINK(…)</c> opens as that text.
/// </summary>
public static class Csv
{
    private static readonly SearchValues<char> s_formulaStart = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> s_needsQuotes = SearchValues.Create(",\"\n\r");

    /// <summary>One cell: null is empty, numbers as numbers (doubles to 7 decimals), anything else as neutralised text.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d => Quote(d.ToString("0.#######", CultureInfo.InvariantCulture)),
        float f => Quote(f.ToString("0.#######", CultureInfo.InvariantCulture)),
        int or long or short or decimal or uint or ulong => Quote(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)),
        string s => Text(s),
        IFormattable f => Text(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Text(value.ToString() ?? ""),
    };

    /// <summary>A text cell: a formula-leading value is prefixed with <c>'</c>, then quoted when needed.</summary>
    public static string Text(string value) =>
        Quote(value.Length > 0 && s_formulaStart.Contains(value[0]) ? "'" + value : value);

    /// <summary>One line (without its line break).</summary>
    public static string Line(IEnumerable<object?> cells) => string.Join(',', cells.Select(Cell));

    /// <summary>A whole table for Excel: header and rows, CRLF line ends, no BOM (see <see cref="WithBom"/>).</summary>
    public static string Table(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        text.Append(Line(header)).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(Line(row)).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>A whole table as the bytes of a file Excel opens: UTF-8 with a byte order mark, CRLF line ends.</summary>
    public static byte[] Document(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows) => WithBom(Table(header, rows));

    /// <summary>UTF-8 with a byte order mark, which Excel needs to read Japanese.</summary>
    public static byte[] WithBom(string text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    private static string Quote(string value) =>
        value.AsSpan().ContainsAny(s_needsQuotes) ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
