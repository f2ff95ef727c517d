using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace FukushiMap.Server.Coverage;

/// <summary>A column of a GeoPackage feature table: SQLite type TEXT, INTEGER or REAL.</summary>
public sealed record GeoPackageColumn(string Name, string Type);

/// <summary>A feature table to write: name, description, geometry type (e.g. MULTIPOLYGON), columns and rows.</summary>
public sealed record GeoPackageTable(string Name, string Description, string GeometryType, IReadOnlyList<GeoPackageColumn> Columns,
    IReadOnlyList<(Geometry? Geometry, object?[] Values)> Rows);

/// <summary>
/// Writes OGC GeoPackage 1.3 files (SQLite) with feature tables in JGD2011 lon/lat (EPSG:6668): the application id and
/// version, the required gpkg_spatial_ref_sys / gpkg_contents / gpkg_geometry_columns tables, and geometries as
/// GeoPackage binary (header with envelope, then little-endian ISO WKB).
/// </summary>
public static class GeoPackageWriter
{
    public const int Srid = 6668;

    private const string Jgd2011Wkt =
        "GEOGCS[\"JGD2011\",DATUM[\"Japanese_Geodetic_Datum_2011\",SPHEROID[\"GRS 1980\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"7019\"]]," +
        "AUTHORITY[\"EPSG\",\"1128\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433," +
        "AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"6668\"]]";

    private const string Wgs84Wkt =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]]," +
        "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433," +
        "AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

    /// <summary>Writes <paramref name="tables"/> into a new GeoPackage and returns its bytes.</summary>
    public static byte[] Write(IReadOnlyList<GeoPackageTable> tables)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fukushimap-{Guid.NewGuid():N}.gpkg");
        try
        {
            Write(path, tables);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes <paramref name="tables"/> into a new GeoPackage file at <paramref name="path"/> (replaced if present).</summary>
    public static void Write(string path, IReadOnlyList<GeoPackageTable> tables)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using (var conn = new SqliteConnection(builder.ConnectionString))
        {
            conn.Open();
            Execute(conn, "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;");
            using var tx = conn.BeginTransaction();
            Execute(conn, """
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
                  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
                CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
                  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
                """, tx);
            using (var srs = conn.CreateCommand())
            {
                srs.Transaction = tx;
                srs.CommandText = """
                    INSERT INTO gpkg_spatial_ref_sys VALUES
                      ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
                      ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
                      ('WGS 84 geodetic', 4326, 'EPSG', 4326, $wgs84, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
                      ('JGD2011', 6668, 'EPSG', 6668, $jgd, 'JGD2011 longitude/latitude (日本測地系2011)');
                    """;
                srs.Parameters.AddWithValue("$wgs84", Wgs84Wkt);
                srs.Parameters.AddWithValue("$jgd", Jgd2011Wkt);
                srs.ExecuteNonQuery();
            }
            foreach (var table in tables)
            {
                WriteTable(conn, tx, table);
            }
            tx.Commit();
        }
    }

    private static void WriteTable(SqliteConnection conn, SqliteTransaction tx, GeoPackageTable table)
    {
        var name = Quote(table.Name);
        var columns = string.Concat(table.Columns.Select(c => $", {Quote(c.Name)} {c.Type}"));
        Execute(conn, $"CREATE TABLE {name} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {table.GeometryType}{columns});", tx);

        var envelope = new Envelope();
        using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO {name} (geom{string.Concat(table.Columns.Select(c => ", " + Quote(c.Name)))}) VALUES ($geom"
                + string.Concat(table.Columns.Select((_, i) => $", $p{i}")) + ")";
            var geom = insert.Parameters.Add("$geom", SqliteType.Blob);
            var values = table.Columns.Select((_, i) => insert.Parameters.Add($"$p{i}", SqliteType.Text)).ToArray();
            foreach (var (geometry, row) in table.Rows)
            {
                geom.Value = geometry is null ? DBNull.Value : Blob(geometry);
                if (geometry is { IsEmpty: false })
                {
                    envelope.ExpandToInclude(geometry.EnvelopeInternal);
                }
                for (var i = 0; i < values.Length; i++)
                {
                    values[i].SqliteType = table.Columns[i].Type switch { "INTEGER" => SqliteType.Integer, "REAL" => SqliteType.Real, _ => SqliteType.Text };
                    values[i].Value = row[i] ?? DBNull.Value;
                }
                insert.ExecuteNonQuery();
            }
        }
        using var contents = conn.CreateCommand();
        contents.Transaction = tx;
        contents.CommandText = """
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
            VALUES ($t, 'features', $t, $d, $x0, $y0, $x1, $y1, 6668);
            INSERT INTO gpkg_geometry_columns VALUES ($t, 'geom', $g, 6668, 0, 0);
            """;
        contents.Parameters.AddWithValue("$t", table.Name);
        contents.Parameters.AddWithValue("$d", table.Description);
        contents.Parameters.AddWithValue("$g", table.GeometryType);
        contents.Parameters.AddWithValue("$x0", envelope.IsNull ? DBNull.Value : envelope.MinX);
        contents.Parameters.AddWithValue("$y0", envelope.IsNull ? DBNull.Value : envelope.MinY);
        contents.Parameters.AddWithValue("$x1", envelope.IsNull ? DBNull.Value : envelope.MaxX);
        contents.Parameters.AddWithValue("$y1", envelope.IsNull ? DBNull.Value : envelope.MaxY);
        contents.ExecuteNonQuery();
    }

    /// <summary>GeoPackage binary: "GP", version 0, flags (little-endian, envelope [minx,maxx,miny,maxy] or empty), SRID, WKB.</summary>
    internal static byte[] Blob(Geometry geometry)
    {
        var empty = geometry.IsEmpty;
        var header = new byte[8 + (empty ? 0 : 32)];
        header[0] = (byte)'G';
        header[1] = (byte)'P';
        header[2] = 0;
        header[3] = (byte)(0x01 | (empty ? 0x10 : 0x02)); // little endian; envelope 1 = xy; empty flag
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), Srid);
        if (!empty)
        {
            var e = geometry.EnvelopeInternal;
            BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(8), e.MinX);
            BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(16), e.MaxX);
            BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(24), e.MinY);
            BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(32), e.MaxY);
        }
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false).Write(geometry);
        return [.. header, .. wkb];
    }

    private static void Execute(SqliteConnection conn, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
