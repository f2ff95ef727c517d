namespace FukushiMap.Server.Finder;

/// <summary>
/// Writes [lon, lat] positions with at most 7 decimals by integer arithmetic: the shortest-round-trip double formatting of the
/// default writer costs more than the whole route search on the finder's hot path.
/// </summary>
public sealed class CoordinatesJsonConverter : System.Text.Json.Serialization.JsonConverter<double[]>
{
    /// <summary>Reads [[lon, lat], …] back into the interleaved form.</summary>
    public override double[] Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        [.. (System.Text.Json.JsonSerializer.Deserialize<double[][]>(ref reader) ?? []).SelectMany(p => p.Take(2))];

    /// <summary>Writes interleaved [lon, lat, lon, lat …] as GeoJSON positions [[lon, lat], …].</summary>
    public override void Write(System.Text.Json.Utf8JsonWriter writer, double[] value, System.Text.Json.JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteStartArray();
        for (var i = 0; i + 1 < value.Length; i += 2)
        {
            writer.WriteStartArray();
            Number(writer, value[i], buffer);
            Number(writer, value[i + 1], buffer);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void Number(System.Text.Json.Utf8JsonWriter writer, double v, Span<byte> buffer)
    {
        if (!double.IsFinite(v) || Math.Abs(v) > 1e9)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteRawValue(Format(v, buffer), skipInputValidation: true);
        }
    }

    /// <summary>UTF-8 text of <paramref name="v"/> rounded to 7 decimals, trailing zeros dropped (131.2778890 → 131.277889).</summary>
    public static ReadOnlySpan<byte> Format(double v, Span<byte> buffer)
    {
        var scaled = (long)Math.Round(v * 1e7, MidpointRounding.AwayFromZero);
        var n = 0;
        if (scaled < 0)
        {
            buffer[n++] = (byte)'-';
            scaled = -scaled;
        }
        long whole = scaled / 10_000_000, frac = scaled % 10_000_000;
        System.Buffers.Text.Utf8Formatter.TryFormat(whole, buffer[n..], out var written);
        n += written;
        if (frac != 0)
        {
            buffer[n++] = (byte)'.';
            var digits = 7;
            while (frac % 10 == 0)
            {
                frac /= 10;
                digits--;
            }
            for (var i = digits - 1; i >= 0; i--)
            {
                buffer[n + i] = (byte)('0' + frac % 10);
                frac /= 10;
            }
            n += digits;
        }
        return buffer[..n];
    }
}
