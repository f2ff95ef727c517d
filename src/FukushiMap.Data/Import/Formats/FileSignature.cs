using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Names what a file really is from its first bytes, so that a refusal says "this is OSM XML" rather than relaying a
/// parser's complaint about the first character; and turns parser failures into Japanese reasons with a position.
/// </summary>
public static class FileSignature
{
    /// <summary>The formats a reader expects.</summary>
    public enum Format
    {
        GeoJson,
        Pbf,
    }

    /// <summary>
    /// "<paramref name="fileName"/> は GeoJSON ではなく … のファイルです。" with what to do instead, or null when the bytes
    /// look like the expected format or like nothing else we know (then the file is simply a broken one of its kind).
    /// </summary>
    public static string? NotWhatWasExpected(ReadOnlySpan<byte> head, string fileName, Format expected)
    {
        var (kind, advice) = Identify(head);
        if (kind is null || kind == (expected == Format.GeoJson ? Json : Pbf))
        {
            return null;
        }
        return $"{fileName} は {(expected == Format.GeoJson ? "GeoJSON" : "PBF（.osm.pbf）")} ではなく {kind}のファイルです。{advice}";
    }

    /// <summary><see cref="NotWhatWasExpected(ReadOnlySpan{byte}, string, Format)"/> from the first 4 KB of the file at <paramref name="path"/>.</summary>
    public static string? NotWhatWasExpected(string path, Format expected)
    {
        var head = new byte[4096];
        using var stream = File.OpenRead(path);
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return NotWhatWasExpected(head.AsSpan(0, n), Path.GetFileName(path), expected);
    }

    private const string Json = "JSON（GeoJSON）";
    private const string Pbf = "OSM PBF（.osm.pbf）";

    /// <summary>A Japanese reason for malformed JSON: where it broke (line, byte), never the parser's English text.</summary>
    public static string JsonReason(JsonException e)
    {
        var at = e.LineNumber is { } line ? $"{line + 1} 行目{(e.BytePositionInLine is { } b ? $" {b + 1} バイト目" : "")}付近で" : "";
        return $"{at}JSON の書き方が正しくありません（括弧・引用符・カンマの対応と、ファイルが途中で切れていないかを確認してください）。";
    }

    private static (string? Kind, string Advice) Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }
        var start = head.IndexOfAnyExcept(" \t\r\n"u8);
        var text = start < 0 ? [] : head[start..];
        if (text.IsEmpty)
        {
            return ("空", "中身のあるファイルを指定してください。");
        }
        if (text[0] == (byte)'<')
        {
            var xml = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 2048)]).ToLowerInvariant();
            return xml switch
            {
                _ when xml.Contains("<osm") => ("OSM XML（.osm）",
                    "OSM XML は直接は取り込めません。道路網は osmium cat 入力.osm -o 出力.osm.pbf で PBF にして ./fukushimap import network で、点や区域は ogr2ogr -f GeoJSON で GeoJSON にして取り込んでください。"),
                _ when xml.Contains("<html") || xml.Contains("<!doctype html") => ("HTML（ウェブページ）",
                    "ダウンロードに失敗して、エラーページや案内ページを保存したのかもしれません。"),
                _ when xml.Contains("<kml") => ("KML", "ogr2ogr -f GeoJSON で GeoJSON に変換してから取り込んでください。"),
                _ => ("XML", "GeoJSON・シェープファイル・CSV に変換してから取り込んでください。"),
            };
        }
        if (text[0] is (byte)'{' or (byte)'[')
        {
            return (Json, "GeoJSON なら拡張子を .geojson にするか、--format geojson を指定してください。");
        }
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return ("ZIP", "シェープファイルの ZIP なら拡張子を .zip にしてください。");
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return ("gzip 圧縮", "展開してから取り込んでください。");
        }
        if (head.StartsWith("%PDF"u8))
        {
            return ("PDF", "PDF の地図や表からは取り込めません。");
        }
        if (head.Length >= 100 && BinaryPrimitives.ReadInt32BigEndian(head) == 9994)
        {
            return ("シェープファイルの .shp", "--format shapefile を指定し、.dbf・.prj を同じフォルダに置いてください。");
        }
        if (head.Length >= 16 && head[..Math.Min(head.Length, 32)].IndexOf("OSMHeader"u8) >= 0)
        {
            return (Pbf, "道路網は ./fukushimap import network で取り込んでください。");
        }
        return (null, "");
    }
}
