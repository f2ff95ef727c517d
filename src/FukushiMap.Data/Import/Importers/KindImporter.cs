using FukushiMap.Data.Entities;
using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Importers;

/// <summary>What every kind importer gets: the request, the file read, where problems go, the checks, the municipality.</summary>
internal sealed record KindContext(ImportRequest Request, FeatureFile File, ProblemList Problems, GeometryChecks Checks,
    string MunicipalityCode, int PlaneSrid, Municipality? Municipality, IAddressLocator? Locator = null)
{
    /// <summary>Addresses given to <see cref="Locator"/> and what it answered.</summary>
    public List<GeocodedAddress> Geocoded { get; } = [];

    /// <summary>
    /// The point the locator gives the feature's address (checked like any point), or null after a problem naming the row
    /// and the address field.
    /// </summary>
    public Point? PointFromAddress(SourceFeature f, string addressField, string address)
    {
        var match = Locator!.Locate(MunicipalityCode, address);
        Geocoded.Add(new GeocodedAddress(f.Row, addressField, address, match));
        if (match is null)
        {
            Problems.Add(f.Row, addressField, $"住所「{address}」が住所データに見つかりません。経度・緯度を入れるか、住所（町丁名）を確かめてください。");
            return null;
        }
        return Checks.Check(Storage(match.Lon, match.Lat), f.Row, true, addressField) as Point;
    }

    private static Point Storage(double lon, double lat) => Crs.Storage.CreatePoint(new Coordinate(lon, lat));

    public bool SourceIsGeographic => Crs.IsGeographic(File.Crs);

    /// <summary>The feature's geometry in JGD2011 lon/lat, checked; null (after a problem) when missing or bad.</summary>
    public Geometry? CheckedGeometry(SourceFeature f)
    {
        if (f.Geometry is null)
        {
            Problems.Add(f.Row, "geometry", "ジオメトリがありません。");
            return null;
        }
        Geometry lonLat;
        try
        {
            lonLat = Crs.ToStorage(f.Geometry, File.Crs);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Problems.Add(f.Row, "geometry", $"座標を EPSG:{File.Crs} から JGD2011 の経緯度に変換できません。座標参照系（.prj か --crs）と座標の値を確認してください。");
            return null;
        }
        return Checks.Check(lonLat, f.Row, SourceIsGeographic);
    }

    /// <summary>A point from lon/lat attribute columns (in the file's CRS), checked; null after a problem.</summary>
    public Point? PointFromColumns(SourceFeature f, string xField, string yField)
    {
        var xs = f.Get(xField);
        var ys = f.Get(yField);
        if (xs is null || ys is null)
        {
            Problems.Add(f.Row, xs is null ? xField : yField, "座標の値がありません。");
            return null;
        }
        var xOk = double.TryParse(xs, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x);
        var yOk = double.TryParse(ys, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var y);
        if (!xOk || !yOk)
        {
            // Name the column that is not a number (both were present: the old message named the latitude column either way).
            Problems.Add(f.Row, !xOk ? xField : yField, $"座標「{xs}, {ys}」が数値ではありません。");
            return null;
        }
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            Problems.Add(f.Row, !double.IsFinite(x) ? xField : yField, "座標に NaN または無限大が含まれています。");
            return null;
        }
        var point = Crs.FactoryFor(File.Crs).CreatePoint(new Coordinate(x, y));
        return Checks.Check(Crs.ToStorage(point, File.Crs), f.Row, SourceIsGeographic, $"{xField}/{yField}") as Point;
    }
}

/// <summary>Maps the features of a file to entities of one kind, then writes them.</summary>
internal abstract class KindImporter(KindContext context)
{
    protected KindContext Context { get; } = context;
    protected ImportRequest Request => Context.Request;
    protected ProblemList Problems => Context.Problems;

    /// <summary>What the importer decided (filters, defaults, merges), in Japanese.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The columns used, by role (name, lon, lat, address, code …), for a preview's column mapping.</summary>
    public Dictionary<string, string> Columns { get; } = [];

    /// <summary>The features mapped so far, for a preview (each importer adds what it would write).</summary>
    public List<PreviewFeature> Preview { get; } = [];

    /// <summary>Remembers <paramref name="field"/> as the column used for <paramref name="role"/> and returns it.</summary>
    protected string? Use(string role, string? field)
    {
        if (field is not null)
        {
            Columns[role] = field;
        }
        return field;
    }

    /// <summary>Rows of the main table written (the dataset's feature count).</summary>
    public int FeatureCount { get; protected set; }

    /// <summary>Name for a municipality row created by this import, when the file says it (N03).</summary>
    public virtual string? MunicipalityName => null;
    public virtual string? Prefecture => null;

    /// <summary>Looks up what mapping needs from the database (hub types, existing layers …).</summary>
    public virtual Task PrepareAsync(FukushiMapDbContext db, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Checks and maps every feature; problems go to <see cref="Problems"/>. Writes nothing.</summary>
    public abstract void Map();

    /// <summary>Adds the mapped rows (inside the import's transaction). Returns rows written per table.</summary>
    public abstract Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct);

    /// <summary>The first of the request's field (when given) and the schema's candidates that the file has.</summary>
    protected string? Field(string? requested, params string[] candidates)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            if (!Context.File.FieldNames.Contains(requested, StringComparer.OrdinalIgnoreCase))
            {
                Problems.Add(null, requested, $"指定された項目がファイルにありません（ある項目: {string.Join(", ", Context.File.FieldNames)}）。");
            }
            return requested;
        }
        return candidates.FirstOrDefault(c => Context.File.FieldNames.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>lon/lat columns for a file without geometries (CSV, bare DBF), or (null, null).</summary>
    /// <remarks>With <paramref name="allowAddressOnly"/> and a locator, a file with neither is read by address alone.</remarks>
    protected (string? Lon, string? Lat) CsvColumns(bool allowAddressOnly = false)
    {
        if (Context.File.Features.Any(f => f.Geometry is not null))
        {
            return (null, null);
        }
        var lon = Use("lon", Field(Request.LonField, "lon", "lng", "longitude", "経度", "x", "X_CODE"));
        var lat = Use("lat", Field(Request.LatField, "lat", "latitude", "緯度", "y", "Y_CODE"));
        if ((lon is null || lat is null) && Context.Locator is not null && allowAddressOnly)
        {
            return (null, null); // every point from its address
        }
        if (lon is null || lat is null)
        {
            throw Problems.Fatal(null, null, "ジオメトリも経度・緯度の列もありません。--lon-field / --lat-field で列を指定してください。");
        }
        return (lon, lat);
    }

    /// <summary>Splits a list value (相談、居場所 / 相談,居場所 / 相談;居場所).</summary>
    protected static List<string> SplitList(string? value) =>
        value is null ? [] : value.Split(['、', ',', ';', '；', '，', '/', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
