using System.Globalization;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Reads the first feature table of an OGC GeoPackage (.gpkg): its attributes as text and its geometries (GeoPackage
/// binary: the "GP" header with an optional envelope, then WKB) in the table's CRS, which must be one <see cref="Crs"/>
/// accepts. The bytes go to a temporary file for SQLite, deleted at once.
/// </summary>
public static class GeoPackageReader
{
    public static FeatureFile Read(byte[] bytes, string fileName, ImportRequest request, ProblemList problems, CancellationToken ct,
        IProgress<ImportProgress>? progress = null)
    {
        if (bytes.Length < 100 || !bytes.AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8))
        {
            throw problems.Fatal(null, null, $"{fileName} は GeoPackage（SQLite）ではありません。");
        }
        var path = Path.Combine(Path.GetTempPath(), $"fukushimap-upload-{Guid.NewGuid():N}.gpkg");
        try
        {
            File.WriteAllBytes(path, bytes);
            var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            using var conn = new SqliteConnection(builder.ConnectionString);
            conn.Open();
            return ReadFirstTable(conn, fileName, request, problems, ct, progress);
        }
        catch (SqliteException)
        {
            throw problems.Fatal(null, null, $"{fileName} を GeoPackage として読めません（壊れているか、GeoPackage の表がありません）。");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static FeatureFile ReadFirstTable(SqliteConnection conn, string fileName, ImportRequest request, ProblemList problems, CancellationToken ct,
        IProgress<ImportProgress>? progress)
    {
        string? table = null, geometryColumn = null;
        long srsId = 0;
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id
                FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
                LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
                WHERE c.data_type = 'features' ORDER BY c.rowid LIMIT 1
                """;
            using var r = cmd.ExecuteReader();
            if (r.Read())
            {
                table = r.GetString(0);
                geometryColumn = r.GetString(1);
                srsId = string.Equals(r.IsDBNull(3) ? null : r.GetString(3), "EPSG", StringComparison.OrdinalIgnoreCase) ? r.GetInt64(4) : r.GetInt64(2);
            }
        }
        if (table is null || geometryColumn is null)
        {
            throw problems.Fatal(null, null, $"{fileName} に地物の表（features）がありません。");
        }
        var crs = request.Crs ?? (int)srsId;
        if (!Crs.IsSupported(crs))
        {
            throw problems.Fatal(null, null, $"座標参照系 EPSG:{srsId} には対応していません。JGD2011 の経緯度（EPSG:6668）か平面直角座標系で保存してください。");
        }
        var wkb = new WKBReader(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), crs));
        var features = new List<SourceFeature>();
        var names = new List<string>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"")}\"";
            using var r = cmd.ExecuteReader();
            for (var i = 0; i < r.FieldCount; i++)
            {
                if (!string.Equals(r.GetName(i), geometryColumn, StringComparison.OrdinalIgnoreCase))
                {
                    names.Add(r.GetName(i));
                }
            }
            var row = 0;
            while (r.Read())
            {
                ct.ThrowIfCancellationRequested();
                row++;
                if (row > request.Limits.MaxFeatures)
                {
                    throw problems.Fatal(row, null, $"地物が多すぎます（上限 {request.Limits.MaxFeatures:N0} 件）。");
                }
                if (row % 10_000 == 0)
                {
                    progress?.Report(new ImportProgress(0, 0, $"{fileName}: {row:N0} 件を読み込み中…"));
                }
                var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                Geometry? geometry = null;
                for (var i = 0; i < r.FieldCount; i++)
                {
                    var name = r.GetName(i);
                    if (string.Equals(name, geometryColumn, StringComparison.OrdinalIgnoreCase))
                    {
                        if (!r.IsDBNull(i))
                        {
                            geometry = Geometry((byte[])r.GetValue(i), wkb, crs, row, geometryColumn, problems);
                        }
                        continue;
                    }
                    values[name] = r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture) is { Length: > 0 } v ? v : null;
                }
                features.Add(new SourceFeature(row, geometry, values));
            }
        }
        var file = new FeatureFile { FileName = fileName, Crs = crs, Features = features, FieldNames = names };
        file.Notes.Add($"GeoPackage の表「{table}」を読みました（座標参照系: {Crs.Describe(crs)}）。");
        return file;
    }

    /// <summary>A GeoPackage binary geometry: "GP", version, flags (envelope kind in bits 1–3, empty in bit 4), srs_id, envelope, WKB.</summary>
    private static Geometry? Geometry(byte[] blob, WKBReader wkb, int crs, int row, string column, ProblemList problems)
    {
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P')
        {
            problems.Add(row, column, "GeoPackage のジオメトリとして読めません。");
            return null;
        }
        var flags = blob[3];
        if ((flags & 0x10) != 0)
        {
            return null;
        }
        var envelopeBytes = ((flags >> 1) & 0x07) switch { 0 => 0, 1 => 32, 2 or 3 => 48, 4 => 64, _ => -1 };
        if (envelopeBytes < 0 || blob.Length < 8 + envelopeBytes)
        {
            problems.Add(row, column, "GeoPackage のジオメトリの見出しが正しくありません。");
            return null;
        }
        try
        {
            var g = wkb.Read(blob.AsSpan(8 + envelopeBytes).ToArray());
            g.SRID = crs;
            return g;
        }
        catch (Exception e) when (e is ParseException or ArgumentException or IndexOutOfRangeException)
        {
            problems.Add(row, column, "ジオメトリ（WKB）が壊れています。");
            return null;
        }
    }
}
