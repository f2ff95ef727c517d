using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace FukushiMap.Server.Tests.Setup;

/// <summary>
/// Writes a minimal Excel workbook (.xlsx, Office Open XML) with one sheet: a header row and rows of text or numbers, as a
/// spreadsheet program saves it (numbers as numbers, text as inline strings). Enough for the upload tests to make their files.
/// </summary>
public static class TestWorkbook
{
    public static byte[] Create(string sheetName, IReadOnlyList<string> header, IEnumerable<object?[]> rows)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                """);
            Entry(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Entry(zip, "xl/workbook.xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{SecurityElement.Escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Entry(zip, "xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
                """);
            var sheet = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
            var r = 0;
            foreach (var row in new[] { header.Cast<object?>().ToArray() }.Concat(rows))
            {
                r++;
                sheet.Append(CultureInfo.InvariantCulture, $"<row r=\"{r}\">");
                for (var c = 0; c < row.Length; c++)
                {
                    var cell = $"{(char)('A' + c)}{r}";
                    switch (row[c])
                    {
                        case null:
                            break;
                        case double or int or long or decimal:
                            sheet.Append(CultureInfo.InvariantCulture, $"<c r=\"{cell}\"><v>{Convert.ToString(row[c], CultureInfo.InvariantCulture)}</v></c>");
                            break;
                        default:
                            sheet.Append(CultureInfo.InvariantCulture, $"<c r=\"{cell}\" t=\"inlineStr\"><is><t>{SecurityElement.Escape(row[c]!.ToString())}</t></is></c>");
                            break;
                    }
                }
                sheet.Append("</row>");
            }
            sheet.Append("</sheetData></worksheet>");
            Entry(zip, "xl/worksheets/sheet1.xml", sheet.ToString());
        }
        return buffer.ToArray();
    }

    private static void Entry(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text.Trim());
    }
}
