using System.Text;
using NetTopologySuite.IO;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Reads a CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) with a header row.
/// Encoding: --encoding, else a UTF-8 BOM, else strict UTF-8 when the bytes are valid UTF-8, else cp932
/// (strict: bytes invalid in cp932 are an error, never garbled text). Points come from lon/lat columns (the
/// importers pick them); a <c>wkt</c> column, when present, gives any geometry in WKT.
/// </summary>
public static class CsvReader
{
    private static readonly string[] s_wktColumns = ["wkt", "WKT", "geometry", "geom"];

    public static FeatureFile Read(byte[] bytes, string fileName, ImportRequest request, ProblemList problems, CancellationToken ct,
        IProgress<ImportProgress>? progress = null)
    {
        var notes = new List<string>();
        var span = bytes.AsSpan();
        Encoding encoding;
        if (!string.IsNullOrWhiteSpace(request.Encoding))
        {
            encoding = TextEncodings.FromName(request.Encoding) ?? throw problems.Fatal(null, null, $"文字コード「{request.Encoding}」に対応していません（utf-8 か cp932/shift_jis）。");
            notes.Add($"文字コード: {TextEncodings.DisplayName(encoding)}（指定）");
        }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            encoding = TextEncodings.Utf8;
            notes.Add("文字コード: UTF-8（BOM 付き）");
        }
        else if (TextEncodings.IsValidUtf8(span))
        {
            encoding = TextEncodings.Utf8;
            notes.Add("文字コード: UTF-8（内容から判定）");
        }
        else
        {
            encoding = TextEncodings.Cp932;
            notes.Add("文字コード: Shift_JIS (cp932)（内容から判定）");
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }
        string text;
        try
        {
            text = encoding.GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + span[..Math.Min(e.Index < 0 ? 0 : e.Index, span.Length)].Count((byte)'\n');
            throw problems.Fatal(line, null, $"{TextEncodings.DisplayName(encoding)} として読めないバイトがあります（{line} 行目付近）。--encoding を確認してください。");
        }

        var file = FromRecords(Parse(text, problems), fileName, TextEncodings.DisplayName(encoding), "CSV", request, problems, ct, progress);
        file.Notes.InsertRange(0, notes);
        return file;
    }

    /// <summary>
    /// A table's records — the first one the header — as features: one per non-blank record, numbered from 1 after the header
    /// (so a problem's 件目 is the record, whatever the format: CSV line, spreadsheet row). Shared by CSV and .xlsx.
    /// </summary>
    internal static FeatureFile FromRecords(IEnumerable<(int Line, List<string> Cells)> records, string fileName, string? encodingName, string what,
        ImportRequest request, ProblemList problems, CancellationToken ct, IProgress<ImportProgress>? progress)
    {
        var (titles, fromHeader) = SkipTitleLines(records);
        using var rows = fromHeader.GetEnumerator();
        if (!rows.MoveNext())
        {
            throw problems.Fatal(null, null, $"{what} が空です（見出し行がありません）。");
        }
        var headerLine = rows.Current.Line;
        var header = rows.Current.Cells.Select(h => h.Trim()).ToList();
        var duplicates = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw problems.Fatal(1, duplicates[0], "見出しが重複しています。");
        }
        var wktColumn = s_wktColumns.FirstOrDefault(c => header.Contains(c, StringComparer.OrdinalIgnoreCase));
        var crs = request.Crs ?? Crs.Jgd2011;
        var factory = Crs.FactoryFor(crs);
        var wktReader = new WKTReader(new NetTopologySuite.NtsGeometryServices(factory.PrecisionModel, crs));
        var features = new List<SourceFeature>();
        var row = 0;
        while (rows.MoveNext())
        {
            ct.ThrowIfCancellationRequested();
            var (line, cells) = rows.Current;
            if (cells.All(c => c.Length == 0))
            {
                continue; // blank line
            }
            row++;
            if (row > request.Limits.MaxFeatures)
            {
                throw problems.Fatal(row, null, $"行が多すぎます（上限 {request.Limits.MaxFeatures:N0} 行）。");
            }
            if (row % 10_000 == 0)
            {
                progress?.Report(new ImportProgress(0, 0, $"{fileName}: {row:N0} 行を読み込み中…"));
            }
            if (cells.Count != header.Count)
            {
                problems.Add(row, null, $"列の数が見出しと違います（{line} 行目: {cells.Count} 列、見出しは {header.Count} 列）。");
                continue;
            }
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++)
            {
                values[header[i]] = cells[i].Trim() is { Length: > 0 } v ? v : null;
            }
            NetTopologySuite.Geometries.Geometry? geometry = null;
            if (wktColumn is not null && values[wktColumn] is { } wkt)
            {
                var vertices = wkt.Count(ch => ch == ',') + 1;
                if (vertices > request.Limits.MaxVerticesPerGeometry)
                {
                    problems.Add(row, wktColumn, $"頂点が多すぎます（約 {vertices:N0} 個、上限 {request.Limits.MaxVerticesPerGeometry:N0} 個）。");
                    continue;
                }
                try
                {
                    geometry = wktReader.Read(wkt);
                    geometry.SRID = crs;
                }
                catch (Exception e) when (e is ParseException or ArgumentException or FormatException)
                {
                    var shown = wkt.Length > 40 ? wkt[..40] + "…" : wkt;
                    problems.Add(row, wktColumn, $"WKT として読めません（「{shown}」）。「POINT (131.24 33.96)」のように、図形の種類と座標を書いてください。");
                    continue;
                }
            }
            features.Add(new SourceFeature(row, geometry, values));
        }
        var file = new FeatureFile { FileName = fileName, Crs = crs, Features = features, FieldNames = header, EncodingName = encodingName, HeaderLine = headerLine };
        if (titles.Count > 0)
        {
            file.Notes.Add($"見出しの前の {titles.Count} 行を表題として読み飛ばしました（{string.Join(" / ", titles)}）。");
        }
        return file;
    }

    /// <summary>
    /// Title lines above the header, as cities' statistics tables have them (「町丁別年齢別人口」, 「令和6年3月31日現在」): leading
    /// records of at most one non-empty cell, when one of the next ten records has three or more (the header). Returns their
    /// text and the records from the header on.
    /// </summary>
    private static (List<string> Titles, IEnumerable<(int Line, List<string> Cells)> Records) SkipTitleLines(IEnumerable<(int Line, List<string> Cells)> records)
    {
        const int lookAhead = 10;
        using var e = records.GetEnumerator();
        var head = new List<(int Line, List<string> Cells)>();
        while (head.Count < lookAhead && e.MoveNext())
        {
            head.Add(e.Current);
        }
        var skip = TitleLineCount(head);
        var titles = head.Take(skip).Select(r => r.Cells.FirstOrDefault(c => c.Trim().Length > 0)?.Trim()).OfType<string>().ToList();
        return (titles, head.Skip(skip).Concat(Remaining(e)).ToList());
    }

    /// <summary>How many of <paramref name="head"/>'s first records are title lines above the header (0 when the first is the header).</summary>
    internal static int TitleLineCount(IReadOnlyList<(int Line, List<string> Cells)> head)
    {
        static int Filled((int Line, List<string> Cells) r) => r.Cells.Count(c => c.Trim().Length > 0);
        var headerAt = -1;
        for (var i = 0; i < Math.Min(head.Count, 10); i++)
        {
            if (Filled(head[i]) >= 3)
            {
                headerAt = i;
                break;
            }
        }
        return headerAt > 0 && head.Take(headerAt).All(r => Filled(r) <= 1) ? headerAt : 0;
    }

    private static IEnumerable<T> Remaining<T>(IEnumerator<T> e)
    {
        while (e.MoveNext())
        {
            yield return e.Current;
        }
    }

    /// <summary>Records as (first line number, cells).</summary>
    internal static IEnumerable<(int Line, List<string> Cells)> Parse(string text, ProblemList problems)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = false;
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }
                    cell.Append(ch);
                }
                i++;
                continue;
            }
            switch (ch)
            {
                case '"' when cell.Length == 0:
                    inQuotes = true;
                    break;
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    yield return (recordLine, cells);
                    cells = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
            i++;
        }
        if (inQuotes)
        {
            problems.Add(null, null, $"{recordLine} 行目から始まる引用符（\"）が閉じていません。");
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            yield return (recordLine, cells);
        }
    }
}
