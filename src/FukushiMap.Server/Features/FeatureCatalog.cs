using System.Data;
using System.Runtime.CompilerServices;
using FukushiMap.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FukushiMap.Server.Features;

/// <summary>
/// A property a client may filter on with <c>?name=value</c> (equality).
/// </summary>
/// <param name="Name">Query parameter and feature property name.</param>
/// <param name="Sql">The column it compares with.</param>
/// <param name="DbType">The column's type, so the comparison can use the column's index.</param>
/// <param name="Description">What the value is, in Japanese (shown in the OpenAPI document).</param>
public sealed record Queryable(string Name, string Sql, NpgsqlDbType DbType, string Description);

/// <summary>
/// One public layer served as an OGC API feature collection, and the SQL fragments that read it.
/// Only <see cref="FeatureCatalog"/> turns these into statements.
/// </summary>
public sealed class FeatureCollectionDefinition
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }

    /// <summary>The properties every feature carries, each with the SQL expression it is read from (the dataset's credit line,
    /// <c>attribution</c>, is added to every collection).</summary>
    public required IReadOnlyList<(string Name, string Sql)> Columns { get; init; }

    /// <summary>The properties every feature carries.</summary>
    public IReadOnlyList<string> PropertyNames => [.. Columns.Select(c => c.Name), "attribution"];

    /// <summary>Properties a client may filter on by equality.</summary>
    public required IReadOnlyList<Queryable> Queryables { get; init; }

    /// <summary>True when feature ids are integers (written as JSON numbers); false for string ids (municipality codes).</summary>
    public required bool IntegerIds { get; init; }

    /// <summary>FROM clause; always joins the row's dataset as <c>d</c> for the credit line.</summary>
    public required string From { get; init; }

    /// <summary>Rows that are public at all (e.g. hubs that are not retired); all by default.</summary>
    public string Where { get; init; } = "TRUE";

    public required string IdColumn { get; init; }

    /// <summary>The geometry written for each feature (SRID 6668, lon/lat).</summary>
    public required string Geometry { get; init; }

    /// <summary>Bounding-box predicate; <c>{0}</c> is the envelope. Written so the GiST index answers the <c>&amp;&amp;</c>
    /// (by default on <see cref="Geometry"/> itself).</summary>
    public string BboxPredicate
    {
        get => _bbox ?? $"({Geometry} && {{0}} AND ST_Intersects({Geometry}, {{0}}))";
        init => _bbox = value;
    }

    private readonly string? _bbox;

    /// <summary>A <c>json_build_object(...)</c> of the feature's properties (nulls are stripped).</summary>
    public string Properties =>
        $"json_build_object({string.Join(", ", Columns.Append((Name: "attribution", Sql: "d.attribution")).Select(c => $"'{c.Name}', {c.Sql}"))})";

    public Queryable? FindQueryable(string name) => Queryables.FirstOrDefault(q => q.Name == name);
}

/// <summary>A validated items request: bounding box, equality filters, page.</summary>
/// <param name="Bbox">minx, miny, maxx, maxy in CRS84 lon/lat, or null.</param>
/// <param name="PropertyEquals">Queryable name → value.</param>
public sealed record FeatureFilter(double[]? Bbox, IReadOnlyDictionary<string, string> PropertyEquals);

/// <summary>One feature as PostGIS wrote it: id, GeoJSON geometry (or null), JSON properties.</summary>
public readonly record struct FeatureRow(object Id, string? GeometryJson, string PropertiesJson);

/// <summary>Spatial extent (CRS84) and credit lines of a collection's data.</summary>
public sealed record CollectionSummary(string Id, double[]? Bbox, IReadOnlyList<string> Attributions);

/// <summary>
/// All SQL of the OGC API in one place, after pg_featureserv's catalog: handlers ask it for collections and features;
/// PostGIS filters (index-assisted bbox), pages, and serialises geometry (ST_AsGeoJSON). The request's cancellation
/// token reaches every command.
/// </summary>
public sealed class FeatureCatalog(FukushiMapDbContext db)
{
    /// <summary>Coordinates are written with 7 decimals (about 1 cm).</summary>
    private const int CoordinateDecimals = 7;

    private static readonly Queryable[] s_none = [];

    private static Queryable MunicipalityCode(string sql, NpgsqlDbType type) =>
        new("municipality_code", sql, type, "市区町村コード（全国地方公共団体コードの先頭5桁、例 35202）");

    /// <summary>The public layers, in the order the API lists them. Never household-level data.</summary>
    public static IReadOnlyList<FeatureCollectionDefinition> Collections { get; } =
    [
        new()
        {
            Id = "municipalities",
            Title = "市区町村",
            Description = "市区町村の境界（国土数値情報 N03 など）。境界が未登録の市区町村はジオメトリが null です。",
            Queryables = [MunicipalityCode("m.code", NpgsqlDbType.Char)],
            IntegerIds = false,
            From = "municipalities m LEFT JOIN datasets d ON d.id = m.dataset_id",
            IdColumn = "m.code",
            Geometry = "m.boundary",
            Columns =
            [
                ("municipality_code", "m.code"),
                ("name", "m.name"),
                ("prefecture", "m.prefecture"),
                ("plane_srid", "m.plane_srid"),
            ],
        },
        new()
        {
            Id = "hubs",
            Title = "相談・交流拠点",
            Description = "誰でも立ち寄れる相談・交流の拠点（ふれあいセンター、なごみの家、地域の縁側など）。閉鎖した拠点は含みません。",
            Queryables =
            [
                MunicipalityCode("h.municipality_code", NpgsqlDbType.Char),
                new("type", "t.key", NpgsqlDbType.Text, "拠点の種類のキー（例 fureai-center）"),
            ],
            IntegerIds = true,
            From = "hubs h JOIN hub_types t ON t.id = h.hub_type_id LEFT JOIN datasets d ON d.id = h.dataset_id",
            Where = "h.retired_at IS NULL",
            IdColumn = "h.id",
            Geometry = "h.location",
            // Opening hours are stored by EF as [{"Days":[1,2],"Opens":"09:00:00","Closes":"17:00:00"}]; the API speaks snake_case.
            Columns =
            [
                ("municipality_code", "h.municipality_code"),
                ("name", "h.name"),
                ("type", "t.key"),
                ("type_name", "t.name"),
                ("address", "h.address"),
                ("functions", "h.functions"),
                ("target_groups", "h.target_groups"),
                ("opening_hours", """
                    (SELECT json_agg(json_build_object(
                                'days', COALESCE(e->'Days', e->'days'),
                                'opens', left(COALESCE(e->>'Opens', e->>'opens'), 5),
                                'closes', left(COALESCE(e->>'Closes', e->>'closes'), 5)))
                     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(h.opening_hours) = 'array' THEN h.opening_hours END) e)
                    """),
                ("opening_note", "h.opening_note"),
                ("operator", "h.\"operator\""),
                ("phone", "h.phone"),
                ("email", "h.email"),
                ("website", "h.website"),
                ("accessibility", "h.accessibility_notes"),
            ],
        },
        new()
        {
            Id = "districts",
            Title = "区域",
            Description = "小学校区・中学校区・日常生活圏域などの区域。layer は区域の種類のキー、kind はその日本語名です。",
            Queryables =
            [
                MunicipalityCode("x.municipality_code", NpgsqlDbType.Text),
                new("layer", "l.key", NpgsqlDbType.Text, "区域レイヤーのキー（例 elementary）"),
                new("kind", "l.kind", NpgsqlDbType.Text, "区域の種類（例 小学校区）"),
            ],
            IntegerIds = true,
            From = "districts x JOIN district_layers l ON l.id = x.layer_id LEFT JOIN datasets d ON d.id = l.dataset_id",
            IdColumn = "x.id",
            Geometry = "x.geometry",
            Columns =
            [
                ("municipality_code", "x.municipality_code"),
                ("layer", "l.key"),
                ("layer_name", "l.name"),
                ("kind", "l.kind"),
                ("code", "x.code"),
                ("name", "x.name"),
                ("address", "x.address"),
                ("area_m2", "round(x.area_square_metres::numeric, 1)"),
            ],
        },
        new()
        {
            Id = "population-units",
            Title = "町丁・字別人口",
            Description = "国勢調査の小地域（町丁・字）ごとの人口と世帯数。ポリゴンがない地域は代表点です。",
            Queryables =
            [
                MunicipalityCode("p.municipality_code", NpgsqlDbType.Text),
                new("key_code", "p.key_code", NpgsqlDbType.Text, "e-Stat の KEY_CODE"),
            ],
            IntegerIds = true,
            From = "population_units p LEFT JOIN datasets d ON d.id = p.dataset_id",
            IdColumn = "p.id",
            Geometry = "COALESCE(p.polygon, p.point)",
            // The point has a GiST index; a polygon, when present, is tested as well.
            BboxPredicate = "((p.point && {0} OR p.polygon && {0}) AND ST_Intersects(COALESCE(p.polygon, p.point), {0}))",
            Columns =
            [
                ("municipality_code", "p.municipality_code"),
                ("key_code", "p.key_code"),
                ("name", "p.name"),
                ("population", "p.population"),
                ("households", "p.households"),
                ("area_m2", "round(p.area_square_metres::numeric, 1)"),
                ("age_0_14", "p.age0to14"),
                ("age_15_64", "p.age15to64"),
                ("age_65_plus", "p.age65plus"),
                ("age_75_plus", "p.age75plus"),
            ],
        },
        new()
        {
            Id = "shelters",
            Title = "指定避難所・指定緊急避難場所",
            Description = "市区町村が指定した避難所・緊急避難場所（国土地理院、国土数値情報 P20）。kind は種別、hazards は対象とする災害です。",
            Queryables =
            [
                MunicipalityCode("s.municipality_code", NpgsqlDbType.Text),
                new("kind", "s.kind", NpgsqlDbType.Text, "種別（例 指定避難所）"),
            ],
            IntegerIds = true,
            From = "shelters s LEFT JOIN datasets d ON d.id = s.dataset_id",
            IdColumn = "s.id",
            Geometry = "s.location",
            Columns =
            [
                ("municipality_code", "s.municipality_code"),
                ("name", "s.name"),
                ("kind", "s.kind"),
                ("hazards", "s.hazards"),
                ("address", "s.address"),
                ("capacity", "s.capacity"),
            ],
        },
    ];

    /// <summary>The collection with this id, or null.</summary>
    public static FeatureCollectionDefinition? Find(string id) => Collections.FirstOrDefault(c => c.Id == id);

    /// <summary>Extent and credit lines of every collection, in one round trip.</summary>
    public async Task<IReadOnlyList<CollectionSummary>> SummariseAsync(IEnumerable<FeatureCollectionDefinition> collections, CancellationToken ct)
    {
        var list = collections.ToList();
        var sql = string.Join("\nUNION ALL\n", list.Select((c, i) => $"""
            SELECT {i} AS ord, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), a
            FROM (SELECT ST_Extent({c.Geometry}) AS e, array_remove(array_agg(DISTINCT d.attribution), NULL) AS a
                  FROM {c.From} WHERE {c.Where}) s
            """)) + "\nORDER BY ord";
        await using var cmd = await CreateCommandAsync(sql, ct);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<CollectionSummary>(list.Count);
        while (await reader.ReadAsync(ct))
        {
            var c = list[reader.GetInt32(0)];
            double[]? bbox = reader.IsDBNull(1)
                ? null
                : [reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)];
            var attributions = reader.IsDBNull(5) ? [] : reader.GetFieldValue<string[]>(5);
            result.Add(new CollectionSummary(c.Id, bbox, attributions));
        }
        return result;
    }

    /// <summary>Number of features that match <paramref name="filter"/> (the response's numberMatched).</summary>
    public async Task<long> CountAsync(FeatureCollectionDefinition c, FeatureFilter filter, CancellationToken ct)
    {
        var (where, parameters) = BuildWhere(c, filter);
        await using var cmd = await CreateCommandAsync($"SELECT count(*) FROM {c.From} WHERE {where}", ct, parameters);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One page of features in id order, streamed from the database.</summary>
    public async IAsyncEnumerable<FeatureRow> ReadAsync(
        FeatureCollectionDefinition c, FeatureFilter filter, int limit, long offset, [EnumeratorCancellation] CancellationToken ct)
    {
        var (where, parameters) = BuildWhere(c, filter);
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Bigint) { Value = offset });
        var sql = $"""
            {Select(c)}
            WHERE {where}
            ORDER BY {c.IdColumn}
            LIMIT @limit OFFSET @offset
            """;
        await using var cmd = await CreateCommandAsync(sql, ct, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ReadRow(c, reader);
        }
    }

    /// <summary>The feature with this id, or null when there is none (or it is not public).</summary>
    public async Task<FeatureRow?> FindAsync(FeatureCollectionDefinition c, string featureId, CancellationToken ct)
    {
        NpgsqlParameter id;
        if (c.IntegerIds)
        {
            if (!int.TryParse(featureId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }
            id = new NpgsqlParameter("id", NpgsqlDbType.Integer) { Value = n };
        }
        else
        {
            id = new NpgsqlParameter("id", NpgsqlDbType.Char) { Value = featureId };
        }
        var sql = $"""
            {Select(c)}
            WHERE {c.Where} AND {c.IdColumn} = @id
            """;
        await using var cmd = await CreateCommandAsync(sql, ct, [id]);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        return await reader.ReadAsync(ct) ? ReadRow(c, reader) : null;
    }

    /// <summary>The SELECT … FROM of a feature row: id, GeoJSON geometry, properties without nulls.</summary>
    private static string Select(FeatureCollectionDefinition c) => $"""
        SELECT {c.IdColumn}, ST_AsGeoJSON({c.Geometry}, {CoordinateDecimals}, 0), json_strip_nulls({c.Properties})::text
        FROM {c.From}
        """;

    private static FeatureRow ReadRow(FeatureCollectionDefinition c, NpgsqlDataReader reader)
    {
        object id = c.IntegerIds ? reader.GetInt32(0) : reader.GetString(0).TrimEnd();
        var geometry = reader.IsDBNull(1) ? null : reader.GetString(1);
        return new FeatureRow(id, geometry, reader.GetString(2));
    }

    private static (string Where, List<NpgsqlParameter> Parameters) BuildWhere(FeatureCollectionDefinition c, FeatureFilter filter)
    {
        var clauses = new List<string> { c.Where };
        var parameters = new List<NpgsqlParameter>();
        if (filter.Bbox is [var minX, var minY, var maxX, var maxY])
        {
            // Our geometries are JGD2011 lon/lat; CRS84 coordinates are numerically the same to within the data's accuracy.
            clauses.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, c.BboxPredicate,
                "ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 6668)"));
            parameters.Add(new NpgsqlParameter("minx", NpgsqlDbType.Double) { Value = minX });
            parameters.Add(new NpgsqlParameter("miny", NpgsqlDbType.Double) { Value = minY });
            parameters.Add(new NpgsqlParameter("maxx", NpgsqlDbType.Double) { Value = maxX });
            parameters.Add(new NpgsqlParameter("maxy", NpgsqlDbType.Double) { Value = maxY });
        }
        var i = 0;
        foreach (var (name, value) in filter.PropertyEquals)
        {
            var q = c.FindQueryable(name) ?? throw new ArgumentException($"{c.Id} has no queryable {name}", nameof(filter));
            var p = $"q{i++}";
            clauses.Add($"{q.Sql} = @{p}");
            parameters.Add(new NpgsqlParameter(p, q.DbType) { Value = value });
        }
        return (string.Join(" AND ", clauses), parameters);
    }

    private async Task<NpgsqlCommand> CreateCommandAsync(string sql, CancellationToken ct, IEnumerable<NpgsqlParameter>? parameters = null)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            // The context closes it when the request scope ends.
            await FukushiMapDb.OpenCheckedConnectionAsync(db, ct);
        }
        var cmd = new NpgsqlCommand(sql, connection);
        if (parameters is not null)
        {
            cmd.Parameters.AddRange(parameters.ToArray());
        }
        return cmd;
    }
}
