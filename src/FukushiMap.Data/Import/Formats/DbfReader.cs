using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FukushiMap.Data.Import.Formats;

/// <summary>One field descriptor of a dBASE table.</summary>
/// <param name="Name">Field name, decoded with the table's encoding.</param>
/// <param name="Type">dBASE type: C (character), N/F (numeric), L (logical), D (date) …</param>
/// <param name="Offset">Byte offset in the record (after the deletion flag byte, so the first field is at 1).</param>
/// <param name="Length">Width in bytes.</param>
/// <param name="Decimals">Decimal places of a numeric field.</param>
public sealed record DbfField(string Name, char Type, int Offset, int Length, int Decimals);

/// <summary>
/// A reader of dBASE III (.dbf) tables as shapefiles and e-Stat 小地域 data carry them: a 32-byte header,
/// 32-byte field descriptors ended by 0x0D, then fixed-width records each starting with a deletion flag
/// (' ' live, '*' deleted), optionally ended by 0x1A.
/// <para>
/// Text is decoded with an explicit encoding, strictly: bytes that are not valid in it are a problem
/// naming the file, record and field, never replacement characters. When no encoding is given, it is
/// detected: a table whose every text byte is valid UTF-8 is UTF-8, otherwise Shift_JIS (cp932).
/// </para>
/// </summary>
public sealed class DbfReader
{
    private readonly Stream _stream;
    private readonly byte[] _rawFieldNames;
    private readonly long _dataStart;

    private DbfReader(Stream stream, string fileName, int recordCount, int headerLength, int recordLength, byte languageDriver,
        List<(byte[] Name, char Type, int Offset, int Length, int Decimals)> fields)
    {
        _stream = stream;
        FileName = fileName;
        RecordCount = recordCount;
        RecordLength = recordLength;
        LanguageDriver = languageDriver;
        _dataStart = headerLength;
        RawFields = fields;
        _rawFieldNames = fields.SelectMany(f => f.Name).ToArray();
    }

    /// <summary>File name used in problems.</summary>
    public string FileName { get; }

    /// <summary>Number of records the header declares (deleted ones included).</summary>
    public int RecordCount { get; }

    /// <summary>Bytes per record, deletion flag included.</summary>
    public int RecordLength { get; }

    /// <summary>Language driver id (byte 29); 0x13 means Shift_JIS in dBASE/ArcGIS, 0 means not stated.</summary>
    public byte LanguageDriver { get; }

    internal List<(byte[] Name, char Type, int Offset, int Length, int Decimals)> RawFields { get; }

    /// <summary>
    /// Reads the header of a table on a seekable stream. The stream stays owned by the caller.
    /// Throws <see cref="ImportException"/> when the header is not a dBASE header or is cut short.
    /// </summary>
    public static DbfReader Open(Stream stream, string fileName)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("DBF の読み込みにはシーク可能なストリームが必要です。", nameof(stream));
        }
        stream.Position = 0;
        var header = new byte[32];
        if (ReadFully(stream, header) < 32)
        {
            throw new ImportException(fileName, null, null, "DBF のヘッダーが途中で切れています（32 バイトに満たない）。");
        }
        // Version bytes of dBASE III/IV/5, FoxPro and Visual FoxPro tables (with or without memo).
        byte[] versions = [0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0x8E, 0xCB, 0xF5, 0xFB];
        if (!versions.Contains(header[0]))
        {
            throw new ImportException(fileName, null, null, $"dBASE 形式ではありません（先頭バイト 0x{header[0]:X2}）。");
        }
        var recordCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10));
        if (recordCount < 0 || headerLength < 33 || recordLength < 1)
        {
            throw new ImportException(fileName, null, null, "DBF のヘッダーの件数・長さが不正です。");
        }

        var fields = new List<(byte[], char, int, int, int)>();
        var descriptor = new byte[32];
        var offset = 1;
        while (true)
        {
            var first = stream.ReadByte();
            if (first < 0)
            {
                throw new ImportException(fileName, null, null, "DBF の項目定義が途中で切れています。");
            }
            if (first == 0x0D)
            {
                break;
            }
            descriptor[0] = (byte)first;
            if (ReadFully(stream, descriptor.AsSpan(1)) < 31)
            {
                throw new ImportException(fileName, null, null, "DBF の項目定義が途中で切れています。");
            }
            var nameLength = Array.IndexOf(descriptor, (byte)0, 0, 11);
            var name = descriptor.AsSpan(0, nameLength < 0 ? 11 : nameLength).ToArray();
            var type = (char)descriptor[11];
            int length = descriptor[16];
            int decimals = descriptor[17];
            if (type == 'C')
            {
                // Character fields longer than 255 keep the high byte in the decimal count (Clipper/FoxPro convention).
                length += decimals << 8;
                decimals = 0;
            }
            fields.Add((name, type, offset, length, decimals));
            offset += length;
            if (stream.Position > headerLength)
            {
                throw new ImportException(fileName, null, null, "DBF の項目定義がヘッダー長を超えています。");
            }
        }
        if (offset != recordLength)
        {
            throw new ImportException(fileName, null, null,
                $"DBF の項目幅の合計（{offset} バイト）がレコード長（{recordLength} バイト）と合いません。");
        }
        var expected = (long)headerLength + (long)recordCount * recordLength;
        if (stream.Length < expected)
        {
            var complete = (stream.Length - headerLength) / recordLength;
            throw new ImportException(fileName, (int)Math.Max(0, complete) + 1, null,
                $"DBF が途中で切れています（ヘッダーでは {recordCount} 件、実際には {Math.Max(0, complete)} 件分のデータしかありません）。");
        }
        return new DbfReader(stream, fileName, recordCount, headerLength, recordLength, header[29], fields);
    }

    /// <summary>
    /// Detects the text encoding of the table: UTF-8 when every field name and character value is valid
    /// UTF-8, otherwise Shift_JIS (cp932). Pure ASCII tables come back as UTF-8 (either would do).
    /// </summary>
    public Encoding DetectEncoding()
    {
        if (!TextEncodings.IsValidUtf8(_rawFieldNames))
        {
            return TextEncodings.Cp932;
        }
        var textFields = RawFields.Where(f => f.Type == 'C').ToList();
        foreach (var (_, record) in RawRecords())
        {
            foreach (var f in textFields)
            {
                if (!System.Text.Unicode.Utf8.IsValid(record.AsSpan(f.Offset, f.Length).TrimEnd((byte)0)))
                {
                    return TextEncodings.Cp932;
                }
            }
        }
        return TextEncodings.Utf8;
    }

    /// <summary>The field descriptors with names decoded in <paramref name="encoding"/>.</summary>
    public IReadOnlyList<DbfField> Fields(Encoding encoding, ProblemList problems)
    {
        var list = new List<DbfField>(RawFields.Count);
        foreach (var (name, type, offset, length, decimals) in RawFields)
        {
            string decoded;
            try
            {
                decoded = encoding.GetString(name).Trim();
            }
            catch (DecoderFallbackException)
            {
                decoded = Encoding.Latin1.GetString(name);
                problems.Add(null, decoded, $"項目名が {TextEncodings.DisplayName(encoding)} として読めません（文字コードの指定を確認してください）。");
            }
            list.Add(new DbfField(decoded, type, offset, length, decimals));
        }
        return list;
    }

    /// <summary>Live (not deleted) records as (1-based record number, raw bytes). Deleted records keep their number.</summary>
    public IEnumerable<(int Row, byte[] Record)> RawRecords()
    {
        _stream.Position = _dataStart;
        var buffer = new byte[RecordLength];
        for (var i = 0; i < RecordCount; i++)
        {
            if (ReadFully(_stream, buffer) < RecordLength)
            {
                throw new ImportException(FileName, i + 1, null, "DBF のレコードが途中で切れています。");
            }
            if (buffer[0] == (byte)'*')
            {
                continue;
            }
            if (buffer[0] == 0x1A)
            {
                yield break;
            }
            yield return (i + 1, buffer);
        }
    }

    /// <summary>
    /// Every live record as field name → value (trimmed text; numbers as invariant text; empty → null).
    /// Undecodable text becomes a problem for that record and field, and the value null.
    /// </summary>
    public IEnumerable<(int Row, Dictionary<string, string?> Values)> Records(Encoding encoding, ProblemList problems)
    {
        var fields = Fields(encoding, problems);
        foreach (var (row, record) in RawRecords())
        {
            var values = new Dictionary<string, string?>(fields.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var f in fields)
            {
                values[f.Name] = DecodeValue(record.AsSpan(f.Offset, f.Length), f, encoding, problems, row);
            }
            yield return (row, values);
        }
    }

    private string? DecodeValue(ReadOnlySpan<byte> bytes, DbfField field, Encoding encoding, ProblemList problems, int row)
    {
        bytes = bytes.TrimEnd((byte)0);
        switch (field.Type)
        {
            case 'N' or 'F':
            {
                var text = Encoding.ASCII.GetString(bytes).Trim();
                if (text.Length == 0 || text.All(c => c == '*'))
                {
                    return null;
                }
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add(row, field.Name, $"数値項目の値「{text}」が数値ではありません。");
                    return null;
                }
                return text;
            }
            case 'L':
            {
                var c = bytes.Length > 0 ? char.ToUpperInvariant((char)bytes[0]) : '?';
                return c is 'T' or 'Y' ? "true" : c is 'F' or 'N' ? "false" : null;
            }
            case 'D':
            {
                var text = Encoding.ASCII.GetString(bytes).Trim();
                return DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : null;
            }
            default:
            {
                try
                {
                    var text = encoding.GetString(bytes).TrimEnd(' ', '\0').Trim();
                    return text.Length == 0 ? null : text;
                }
                catch (DecoderFallbackException)
                {
                    problems.Add(row, field.Name,
                        $"文字列が {TextEncodings.DisplayName(encoding)} として正しくありません（ファイルの文字コードが違う可能性があります）。");
                    return null;
                }
            }
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
