using System.Globalization;
using System.Text;

namespace FukushiMap.Bench;

/// <summary>Number formatting shared by every table (invariant culture, so results files diff cleanly).</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Milliseconds with a precision that suits the size: 0.0123, 1.23, 12.3, 123.</summary>
    public static string Ms(double ms) => ms switch
    {
        < 0.1 => ms.ToString("0.0000", Inv),
        < 1 => ms.ToString("0.000", Inv),
        < 10 => ms.ToString("0.00", Inv),
        < 100 => ms.ToString("0.0", Inv),
        _ => ms.ToString("0", Inv),
    };

    public static string Ratio(double r) => r >= 100 ? r.ToString("0", Inv) + "×" : r.ToString("0.0", Inv) + "×";

    public static string Int(long n) => n.ToString("N0", Inv);

    public static string Num(double x, string format) => x.ToString(format, Inv);
}

/// <summary>What the bench found: headings, paragraphs and tables, rendered as plain text and as Markdown.</summary>
public sealed class Report
{
    private abstract record Block;
    private sealed record Heading(int Level, string Text) : Block;
    private sealed record Paragraph(string Text) : Block;
    private sealed record Bullets(IReadOnlyList<string> Items) : Block;
    private sealed record Table(string[] Headers, bool[] RightAligned, List<string[]> Rows) : Block;

    private readonly List<Block> _blocks = [];

    public void AddHeading(int level, string text) => _blocks.Add(new Heading(level, text));

    public void AddParagraph(string text) => _blocks.Add(new Paragraph(text));

    public void AddBullets(params string[] items) => _blocks.Add(new Bullets(items));

    /// <summary>Starts a table; a header starting with '>' is right-aligned (the '>' is dropped).</summary>
    public TableWriter AddTable(params string[] headers)
    {
        var table = new Table(headers.Select(h => h.TrimStart('>')).ToArray(), headers.Select(h => h.StartsWith('>')).ToArray(), []);
        _blocks.Add(table);
        return new TableWriter(table.Rows, headers.Length);
    }

    public sealed class TableWriter(List<string[]> rows, int columns)
    {
        public void Row(params string[] cells)
        {
            if (cells.Length != columns) throw new ArgumentException($"A row needs {columns} cells, got {cells.Length}.");
            rows.Add(cells);
        }
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine();
                    break;
                case Paragraph p:
                    sb.AppendLine(p.Text).AppendLine();
                    break;
                case Bullets b:
                    foreach (var item in b.Items) sb.Append("- ").AppendLine(item);
                    sb.AppendLine();
                    break;
                case Table t:
                    sb.Append("| ").AppendJoin(" | ", t.Headers.Select(Escape)).AppendLine(" |");
                    sb.Append('|').AppendJoin('|', t.RightAligned.Select(r => r ? "---:" : "---")).AppendLine("|");
                    foreach (var row in t.Rows) sb.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
                    sb.AppendLine();
                    break;
            }
        }
        return sb.ToString().TrimEnd() + "\n";

        static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
    }

    public string ToPlainText()
    {
        var sb = new StringBuilder();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.AppendLine(h.Level <= 1 ? $"=== {h.Text} ===" : $"--- {h.Text} ---").AppendLine();
                    break;
                case Paragraph p:
                    sb.AppendLine(p.Text.Replace("`", "", StringComparison.Ordinal).Replace("**", "", StringComparison.Ordinal)).AppendLine();
                    break;
                case Bullets b:
                    foreach (var item in b.Items) sb.Append("  * ").AppendLine(item.Replace("`", "", StringComparison.Ordinal));
                    sb.AppendLine();
                    break;
                case Table t:
                    var widths = t.Headers.Select((hd, i) => t.Rows.Select(r => Width(r[i])).Append(Width(hd)).Max()).ToArray();
                    WriteRow(sb, t.Headers, widths, t.RightAligned);
                    sb.AppendJoin("  ", widths.Select(w => new string('-', w))).AppendLine();
                    foreach (var row in t.Rows) WriteRow(sb, row, widths, t.RightAligned);
                    sb.AppendLine();
                    break;
            }
        }
        return sb.ToString();

        static void WriteRow(StringBuilder sb, string[] cells, int[] widths, bool[] right)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                var pad = new string(' ', widths[i] - Width(cells[i]));
                if (i > 0) sb.Append("  ");
                sb.Append(right[i] ? pad + cells[i] : cells[i] + (i == cells.Length - 1 ? "" : pad));
            }
            sb.AppendLine();
        }
    }

    /// <summary>Terminal columns a string takes: East Asian wide characters take two.</summary>
    private static int Width(string s)
    {
        var w = 0;
        foreach (var c in s)
        {
            w += c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3'
                or >= '\uF900' and <= '\uFAFF' or >= '\uFE30' and <= '\uFE4F' or >= '\uFF00' and <= '\uFF60' or >= '\uFFE0' and <= '\uFFE6'
                ? 2 : 1;
        }
        return w;
    }
}

/// <summary>The targets with the figure this run measured and whether it is met; printed last, as the headline.</summary>
public sealed class Targets
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a target; <paramref name="met"/> null when this run could not measure it.</summary>
    public void Add(string target, string figure, bool? met, string basis) =>
        _rows.Add([target, figure, met is null ? "not measured" : met.Value ? "met" : "**missed**", basis]);

    public void WriteTo(Report report, string load)
    {
        report.AddHeading(2, "Targets (issue 14)");
        report.AddParagraph($"Each target of the issue with what this run measured, on this machine in this run ({load}). " +
            "A target counts as met only when both the wall-time and the CPU-time figures meet it.");
        var table = report.AddTable("target", "this run", "verdict", "figures used");
        foreach (var row in _rows) table.Row(row);
    }
}
