using System.Globalization;
using ExcelDataReader;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Reads the first sheet of an Excel workbook (.xlsx) with ExcelDataReader: the first row is the header, every other
/// non-blank row one feature, exactly as a CSV with the same cells (<see cref="CsvReader.FromRecords"/>). Numbers are
/// written in invariant culture, dates as ISO 8601; formulas give their cached value. Text is never interpreted.
/// </summary>
public static class XlsxReader
{
    // ExcelDataReader asks for code page 1252 when it opens any workbook; .NET has it only with the code pages provider.
    static XlsxReader() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static FeatureFile Read(byte[] bytes, string fileName, ImportRequest request, ProblemList problems, CancellationToken ct,
        IProgress<ImportProgress>? progress = null)
    {
        List<(int Line, List<string> Cells)> rows;
        try
        {
            rows = Rows(bytes, request.Limits.MaxFeatures + 1);
        }
        catch (Exception e) when (e is ExcelDataReader.Exceptions.ExcelReaderException or InvalidDataException or System.Xml.XmlException
            or NotSupportedException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw problems.Fatal(null, null, $"{fileName} を Excel ブック（.xlsx）として読めません。Excel で開いて「Excel ブック (*.xlsx)」で保存し直すか、CSV（UTF-8）で保存してください。");
        }
        var file = CsvReader.FromRecords(rows, fileName, null, "シート", request, problems, ct, progress);
        file.Notes.Add($"Excel ブックの最初のシートを読みました（{file.HeaderLine} 行目を見出しとして、{file.Features.Count:N0} 行）。");
        return file;
    }

    /// <summary>The first sheet's rows as text cells (1-based sheet row numbers), at most <paramref name="maxRows"/> plus the header.</summary>
    private static List<(int Line, List<string> Cells)> Rows(byte[] bytes, int maxRows)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
        var rows = new List<(int Line, List<string> Cells)>();
        var line = 0;
        while (reader.Read() && rows.Count <= maxRows)
        {
            line++;
            var cells = new List<string>(reader.FieldCount);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells.Add(Text(reader.GetValue(i)));
            }
            rows.Add((line, cells));
        }
        // The header (the first row, or the first after title rows: CsvReader.TitleLineCount) decides the width: cells right of
        // it (stray notes) are left out, trailing empty headers too.
        var headerAt = CsvReader.TitleLineCount(rows);
        if (headerAt < rows.Count)
        {
            var header = rows[headerAt].Cells;
            while (header.Count > 0 && header[^1].Length == 0)
            {
                header.RemoveAt(header.Count - 1);
            }
            var width = header.Count;
            foreach (var (_, cells) in rows.Skip(headerAt + 1))
            {
                while (cells.Count < width)
                {
                    cells.Add("");
                }
                if (cells.Count > width && cells.Skip(width).All(c => c.Length == 0))
                {
                    cells.RemoveRange(width, cells.Count - width);
                }
            }
        }
        return rows;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
