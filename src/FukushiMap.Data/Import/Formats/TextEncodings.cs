using System.Text;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// The text encodings Japanese GIS files come in: UTF-8 and Shift_JIS (as Windows code page 932, which also
/// covers NEC/IBM extensions such as ①). Both are strict: an invalid byte sequence throws rather than
/// becoming U+FFFD, so text is never silently garbled.
/// </summary>
public static class TextEncodings
{
    static TextEncodings()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Cp932 = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        Cp932Lenient = Encoding.GetEncoding(932);
    }

    /// <summary>cp932 that replaces invalid bytes, only for names that are never stored (zip entry names).</summary>
    public static Encoding Cp932Lenient { get; }

    /// <summary>Strict UTF-8 (no BOM emitted, invalid bytes throw).</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Strict Shift_JIS / Windows-31J (code page 932).</summary>
    public static Encoding Cp932 { get; }

    /// <summary>
    /// Resolves a user- or .cpg-given name: utf-8/utf8/65001, shift_jis/sjis/cp932/932/windows-31j/ms932.
    /// Returns null for names it does not know.
    /// </summary>
    public static Encoding? FromName(string? name)
    {
        var n = name?.Trim().ToLowerInvariant().Replace("_", "-");
        return n switch
        {
            null or "" => null,
            "utf-8" or "utf8" or "65001" => Utf8,
            "shift-jis" or "sjis" or "s-jis" or "cp932" or "932" or "windows-31j" or "ms932" or "x-sjis" or "ansi 932" => Cp932,
            _ => null,
        };
    }

    /// <summary>True when <paramref name="bytes"/> is valid UTF-8.</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>Japanese display name of an encoding, for messages.</summary>
    public static string DisplayName(Encoding e) => e.CodePage == 932 ? "Shift_JIS (cp932)" : e.CodePage == 65001 ? "UTF-8" : e.WebName;
}
