using System.Data;
using System.Security.Cryptography;
using FukushiMap.Analysis.Versions;
using FukushiMap.Data;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using NpgsqlTypes;

namespace FukushiMap.Server.Tiles;

/// <summary>A base-map tile body (Mapbox Vector Tile 2.1, may be empty) and its strong ETag.</summary>
public sealed record VectorTile(byte[] Body, string ETag);

/// <summary>
/// Cuts the base map (roads, boundaries, places) from the project's own tables with PostGIS
/// (<c>ST_AsMVT</c>, geometries stored in SRID 6668 and transformed to 3857), and keeps tile bodies in a bounded
/// memory cache keyed by the data version, so an import or a hub edit (in any process) makes every tile rebuild.
/// All the base map's SQL is here.
/// </summary>
public sealed class BaseMapTiles(FukushiMapDbContext db, BaseMapTileCache tileCache, DataVersions versions)
{
    /// <summary>The highest zoom cut from the data; clients draw deeper zooms from these tiles (overzoom).</summary>
    public const int MaxZoom = 15;
    public const int MinZoom = 0;
    public const int Extent = 4096;

    /// <summary>
    /// The network each municipality's base map draws: its live network (<c>active_networks</c>, chosen with
    /// <c>./fukushimap network activate</c>), the one the server routes on. The only place that choice is made for tiles.
    /// </summary>
    public Task<int[]> ActiveNetworkIdsAsync(CancellationToken ct) =>
        db.ActiveNetworks.AsNoTracking().Select(a => a.NetworkId).ToArrayAsync(ct);

    /// <summary>
    /// The version of everything the base map draws: any import (dataset or network), activation, hub edit, addition or retirement
    /// in any process changes it (<see cref="DataVersions"/>; no query per tile).
    /// </summary>
    public async Task<long> DataVersionAsync(CancellationToken ct) => (await versions.CurrentAsync(ct)).Stamp(DataVersionReader.Tables);

    /// <summary>The tile at z/x/y for the current data, from the cache when the data has not changed since it was cut.</summary>
    public async Task<VectorTile> GetAsync(int z, int x, int y, CancellationToken ct)
    {
        var version = await DataVersionAsync(ct);
        var key = (nameof(BaseMapTiles), version, z, x, y);
        if (tileCache.Tiles.TryGetValue(key, out VectorTile? cached) && cached is not null)
        {
            return cached;
        }
        var body = await CutAsync(z, x, y, ct);
        var tile = new VectorTile(body, $"\"{Convert.ToHexString(SHA256.HashData(body))[..32].ToLowerInvariant()}\"");
        // Size in bytes against the cache's SizeLimit; tiles of an older version age out by sliding expiry.
        tileCache.Tiles.Set(key, tile, new MemoryCacheEntryOptions { Size = body.Length + 64, SlidingExpiration = TimeSpan.FromMinutes(30) });
        return tile;
    }

    /// <summary>West, south, east, north (lon/lat) of all municipality boundaries, or null when none is loaded.</summary>
    public async Task<double[]?> BoundsAsync(CancellationToken ct)
    {
        await using var cmd = await CommandAsync(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary)::geometry AS e FROM municipalities) s WHERE e IS NOT NULL", ct);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? [reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3)] : null;
    }

    /// <summary>
    /// Road classes from the most to the least important. An edge the importer merged from several ways carries them all
    /// ("path,residential"); the tile gives it the most important one, so the style and the zoom rule see one class.
    /// </summary>
    public static readonly string[] RankedRoadClasses =
    [
        "motorway", "trunk", "primary", "motorway_link", "trunk_link", "primary_link",
        "secondary", "tertiary", "secondary_link", "tertiary_link",
        "unclassified", "residential", "living_street", "pedestrian", "busway",
        "service", "road", "track", "footway", "path", "steps", "cycleway", "bridleway", "corridor",
    ];

    /// <summary>
    /// Which road classes a tile zoom carries. Clients draw a screen zoom from the tiles one zoom lower (protomaps-leaflet's
    /// 512-pixel tiles), so a whole city on one sheet (screen z10–11) reads z9–10 tiles: those carry the main roads from
    /// 国道 to tertiary (県道・主要市道); z11 adds the 市道 that join the districts, z12 the residential streets, and z13 and
    /// deeper every path. Null: every class.
    /// </summary>
    public static string[]? RoadClassesAt(int z) => z switch
    {
        <= 8 => RankedRoadClasses[..Array.IndexOf(RankedRoadClasses, "secondary")],
        <= 10 => RankedRoadClasses[..Array.IndexOf(RankedRoadClasses, "unclassified")],
        11 => RankedRoadClasses[..Array.IndexOf(RankedRoadClasses, "residential")],
        12 => RankedRoadClasses[..Array.IndexOf(RankedRoadClasses, "service")],
        _ => null,
    };

    /// <summary>
    /// Below this tile zoom (a whole city on one screen or sheet) the edges of one class and name are merged into long lines: tiles
    /// half the size, and a road name laid along the road rather than not at all along 60 m edges. Deeper zooms, which a page asks
    /// for many of at once, cut edges as they are (merging costs about a second a tile, too slow for a first view of a district).
    /// </summary>
    public const int MergeBelowZoom = 11;

    // One statement, three layers. The envelope is widened by the buffer so lines and labels cross tile edges cleanly;
    // the && test in 6668 uses each table's GiST index.
    private const string TileSql = """
        WITH env AS (
          SELECT ST_TileEnvelope(@z, @x, @y) AS tile,
                 ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 0.03125), 6668) AS area
        ),
        edges AS (
          SELECT e.geom, NULLIF(e.name, '') AS name,
                 CASE WHEN coalesce(e.highway, '') = '' THEN 'road'
                      WHEN strpos(e.highway, ',') = 0 THEN e.highway
                      ELSE coalesce((SELECT c FROM unnest(@ranked) WITH ORDINALITY AS r(c, i)
                                     WHERE c = ANY(string_to_array(e.highway, ',')) ORDER BY i LIMIT 1), split_part(e.highway, ',', 1))
                 END AS highway
          FROM network_edges e, env
          WHERE e.network_id = ANY(@networks) AND e.geom && env.area
        ),
        lines AS (
          SELECT (ST_Dump(ST_LineMerge(ST_Collect(ST_SimplifyPreserveTopology(r.geom, @tolerance))))).geom AS geom, r.name, r.highway
          FROM edges r
          WHERE @z < @merge_below AND (@road_classes IS NULL OR r.highway = ANY(@road_classes))
          GROUP BY r.name, r.highway
          UNION ALL
          SELECT r.geom, r.name, r.highway
          FROM edges r
          WHERE @z >= @merge_below AND (@road_classes IS NULL OR r.highway = ANY(@road_classes))
        ),
        roads AS (
          SELECT ST_AsMVTGeom(ST_Transform(l.geom, 3857), env.tile, 4096, 128, true) AS geom, l.name, l.highway
          FROM lines l, env
        ),
        boundaries AS (
          SELECT ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(m.boundary, @tolerance), 3857), env.tile, 4096, 128, true) AS geom,
                 m.name, 'municipality'::text AS kind, m.code::text AS layer
          FROM municipalities m, env
          WHERE m.boundary && env.area
          UNION ALL
          SELECT ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(d.geometry, @tolerance), 3857), env.tile, 4096, 128, true),
                 d.name, l.kind, l.name
          FROM districts d JOIN district_layers l ON l.id = d.layer_id, env
          WHERE d.geometry && env.area AND @z >= 9
        ),
        named_points AS (
          SELECT ST_PointOnSurface(m.boundary) AS geom, m.name, 'municipality' AS kind, 0 AS rank
          FROM municipalities m WHERE m.boundary IS NOT NULL AND @z <= 12
          UNION ALL
          SELECT ST_PointOnSurface(d.geometry), d.name, 'district', 1
          FROM districts d WHERE @z >= 9
          UNION ALL
          SELECT p.point, p.name, 'chome', 3 FROM population_units p WHERE @z >= 10
          UNION ALL
          SELECT h.location, h.name, 'hub', 2 FROM hubs h WHERE h.retired_at IS NULL AND @z >= 12
          UNION ALL
          SELECT s.location, s.name, 'shelter', 4 FROM shelters s WHERE @z >= 14
        ),
        places AS (
          SELECT ST_AsMVTGeom(ST_Transform(p.geom, 3857), env.tile, 4096, 128, true) AS geom, p.name, p.kind, p.rank
          FROM named_points p, env
          WHERE p.geom && env.area AND p.name <> ''
        )
        SELECT (SELECT coalesce(ST_AsMVT(r, 'roads', 4096, 'geom'), '') FROM roads r WHERE r.geom IS NOT NULL)
            || (SELECT coalesce(ST_AsMVT(b, 'boundaries', 4096, 'geom'), '') FROM boundaries b WHERE b.geom IS NOT NULL)
            || (SELECT coalesce(ST_AsMVT(p, 'places', 4096, 'geom'), '') FROM places p WHERE p.geom IS NOT NULL)
        """;

    private async Task<byte[]> CutAsync(int z, int x, int y, CancellationToken ct)
    {
        var networks = await ActiveNetworkIdsAsync(ct);
        var roadClasses = RoadClassesAt(z);
        // About a quarter of a tile pixel at this zoom, in degrees: invisible, but keeps low-zoom tiles small.
        var tolerance = 360.0 / (256 << z) / 4;
        await using var cmd = await CommandAsync(TileSql, ct,
            new NpgsqlParameter("z", NpgsqlDbType.Integer) { Value = z },
            new NpgsqlParameter("x", NpgsqlDbType.Integer) { Value = x },
            new NpgsqlParameter("y", NpgsqlDbType.Integer) { Value = y },
            new NpgsqlParameter("networks", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = networks },
            new NpgsqlParameter("road_classes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)roadClasses ?? DBNull.Value },
            new NpgsqlParameter("ranked", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = RankedRoadClasses },
            new NpgsqlParameter("merge_below", NpgsqlDbType.Integer) { Value = MergeBelowZoom },
            new NpgsqlParameter("tolerance", NpgsqlDbType.Double) { Value = tolerance });
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            // The context closes it when the request scope ends.
            await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        }
        var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddRange(parameters);
        return cmd;
    }
}

/// <summary>The base map's own bounded cache (bytes), shared by every request.</summary>
public sealed class BaseMapTileCache : IDisposable
{
    /// <summary>Tile bodies kept in memory at most; the least recently used go first.</summary>
    public const long SizeLimitBytes = 64L * 1024 * 1024;

    public MemoryCache Tiles { get; } = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });

    public void Dispose() => Tiles.Dispose();
}
