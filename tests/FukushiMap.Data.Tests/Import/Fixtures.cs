using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FukushiMap.Data.Tests.Import;

/// <summary>Small self-made input files, written by the tests themselves (nothing large is stored in the repository).</summary>
internal static class Fixtures
{
    static Fixtures() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding ShiftJis => Encoding.GetEncoding(932);

    public const string Wgs84Prj = """GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""";

    /// <summary>ESRI's .prj for JGD2011 zone III (as ArcGIS and QGIS write it).</summary>
    public const string Zone3Prj = """PROJCS["JGD_2011_Japan_Zone_3",GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",132.1666666666667],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",36.0],UNIT["Meter",1.0]]""";

    /// <summary>A fresh temporary folder for one test.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fukushimap-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Write(string dir, string name, string text, Encoding? encoding = null) =>
        Write(dir, name, (encoding ?? new UTF8Encoding(false)).GetBytes(text));

    /// <summary>A dBASE III table. Fields: (name, type C/N, width, decimals). Values are written as text.</summary>
    public static byte[] Dbf(Encoding encoding, (string Name, char Type, int Width, int Decimals)[] fields, IEnumerable<object?[]> rows,
        ISet<int>? deletedRows = null, byte languageDriver = 0)
    {
        var rowList = rows.ToList();
        var headerLength = 32 + 32 * fields.Length + 1;
        var recordLength = 1 + fields.Sum(f => f.Width);
        using var ms = new MemoryStream();
        var header = new byte[32];
        header[0] = 0x03;
        header[1] = 125; header[2] = 1; header[3] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), rowList.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)headerLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)recordLength);
        header[29] = languageDriver;
        ms.Write(header);
        foreach (var f in fields)
        {
            var d = new byte[32];
            var name = encoding.GetBytes(f.Name);
            Array.Copy(name, d, Math.Min(10, name.Length));
            d[11] = (byte)f.Type;
            d[16] = (byte)f.Width;
            d[17] = (byte)f.Decimals;
            ms.Write(d);
        }
        ms.WriteByte(0x0D);
        for (var r = 0; r < rowList.Count; r++)
        {
            ms.WriteByte(deletedRows?.Contains(r + 1) == true ? (byte)'*' : (byte)' ');
            for (var i = 0; i < fields.Length; i++)
            {
                var f = fields[i];
                var cell = new byte[f.Width];
                Array.Fill(cell, (byte)' ');
                var value = rowList[r][i];
                var text = value switch
                {
                    null => "",
                    double dbl => dbl.ToString(CultureInfo.InvariantCulture),
                    IFormattable fm => fm.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString()!,
                };
                var bytes = f.Type == 'C' ? encoding.GetBytes(text) : Encoding.ASCII.GetBytes(text);
                if (f.Type == 'C')
                {
                    Array.Copy(bytes, cell, Math.Min(bytes.Length, f.Width));
                }
                else
                {
                    Array.Copy(bytes, 0, cell, Math.Max(0, f.Width - bytes.Length), Math.Min(bytes.Length, f.Width));
                }
                ms.Write(cell);
            }
        }
        ms.WriteByte(0x1A);
        return ms.ToArray();
    }

    /// <summary>A point .shp (type 1).</summary>
    public static byte[] PointShp(IReadOnlyList<(double X, double Y)> points)
    {
        var length = 100 + points.Count * (8 + 20);
        var b = new byte[length];
        ShpHeader(b, length, 1, points.Select(p => p.X).Min(), points.Select(p => p.Y).Min(), points.Select(p => p.X).Max(), points.Select(p => p.Y).Max());
        var pos = 100;
        for (var i = 0; i < points.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(pos), i + 1);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(pos + 4), 10);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(pos + 8), 1);
            BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(pos + 12), points[i].X);
            BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(pos + 20), points[i].Y);
            pos += 28;
        }
        return b;
    }

    /// <summary>A polygon .shp (type 5) with one record per ring list (rings as given: shells clockwise).</summary>
    public static byte[] PolygonShp(IReadOnlyList<IReadOnlyList<(double X, double Y)[]>> records)
    {
        var contents = records.Select(rings =>
        {
            var points = rings.SelectMany(r => r).ToList();
            var c = new byte[44 + 4 * rings.Count + 16 * points.Count];
            BinaryPrimitives.WriteInt32LittleEndian(c, 5);
            BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(4), points.Min(p => p.X));
            BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(12), points.Min(p => p.Y));
            BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(20), points.Max(p => p.X));
            BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(28), points.Max(p => p.Y));
            BinaryPrimitives.WriteInt32LittleEndian(c.AsSpan(36), rings.Count);
            BinaryPrimitives.WriteInt32LittleEndian(c.AsSpan(40), points.Count);
            var start = 0;
            for (var i = 0; i < rings.Count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(c.AsSpan(44 + 4 * i), start);
                start += rings[i].Length;
            }
            var at = 44 + 4 * rings.Count;
            foreach (var p in points)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(at), p.X);
                BinaryPrimitives.WriteDoubleLittleEndian(c.AsSpan(at + 8), p.Y);
                at += 16;
            }
            return c;
        }).ToList();
        var length = 100 + contents.Sum(c => 8 + c.Length);
        var b = new byte[length];
        ShpHeader(b, length, 5, 0, 0, 0, 0);
        var pos = 100;
        for (var i = 0; i < contents.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(pos), i + 1);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(pos + 4), contents[i].Length / 2);
            contents[i].CopyTo(b, pos + 8);
            pos += 8 + contents[i].Length;
        }
        return b;
    }

    private static void ShpHeader(byte[] b, int length, int type, double minX, double minY, double maxX, double maxY)
    {
        BinaryPrimitives.WriteInt32BigEndian(b, 9994);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(24), length / 2);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), 1000);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(32), type);
        BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(36), minX);
        BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(44), minY);
        BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(52), maxX);
        BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(60), maxY);
    }

    public static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(bytes);
            }
        }
        return ms.ToArray();
    }

    /// <summary>A GeoJSON FeatureCollection of one feature.</summary>
    public static string Feature(string geometryJson, string propertiesJson) =>
        $$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{{propertiesJson}},"geometry":{{geometryJson}}}]}""";
}
