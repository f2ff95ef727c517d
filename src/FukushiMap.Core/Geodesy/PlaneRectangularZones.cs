using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace FukushiMap.Core.Geodesy;

/// <summary>
/// Japan's 平面直角座標系 (plane rectangular coordinate systems) on JGD2011:
/// EPSG:6669 (系I) … EPSG:6687 (系XIX). Every length and area FukushiMap reports is computed
/// in the zone of the municipality, in metres.
/// </summary>
public static class PlaneRectangularZones
{
    /// <summary>SRID of JGD2011 geographic lon/lat (degrees), the storage CRS of every table.</summary>
    public const int Jgd2011Srid = 6668;

    /// <summary>SRID of zone I; zone n is <c>6668 + n</c>.</summary>
    public const int FirstZoneSrid = 6669;

    /// <summary>SRID of zone XIX.</summary>
    public const int LastZoneSrid = 6687;

    // Origin of each zone (latitude, longitude in degrees), from the 国土交通省告示 of 2002.
    private static readonly (double Lat, double Lon)[] s_origins =
    [
        (33, 129 + 30 / 60.0),  // I   長崎県, 鹿児島県の一部
        (33, 131),              // II  福岡県 佐賀県 熊本県 大分県 宮崎県 鹿児島県
        (36, 132 + 10 / 60.0),  // III 山口県 島根県 広島県
        (33, 133 + 30 / 60.0),  // IV  香川県 愛媛県 徳島県 高知県
        (36, 134 + 20 / 60.0),  // V   兵庫県 鳥取県 岡山県
        (36, 136),              // VI  京都府 大阪府 福井県 滋賀県 三重県 奈良県 和歌山県
        (36, 137 + 10 / 60.0),  // VII 石川県 富山県 岐阜県 愛知県
        (36, 138 + 30 / 60.0),  // VIII 新潟県 長野県 山梨県 静岡県
        (36, 139 + 50 / 60.0),  // IX  東京都 福島県 栃木県 茨城県 埼玉県 千葉県 群馬県 神奈川県
        (40, 140 + 50 / 60.0),  // X   青森県 秋田県 山形県 岩手県 宮城県
        (44, 140 + 15 / 60.0),  // XI  北海道 西部
        (44, 142 + 15 / 60.0),  // XII 北海道 中央部 (札幌市)
        (44, 144 + 15 / 60.0),  // XIII 北海道 東部
        (26, 142),              // XIV 東京都 小笠原
        (26, 127 + 30 / 60.0),  // XV  沖縄県 本島
        (26, 124),              // XVI 沖縄県 先島
        (26, 131),              // XVII 沖縄県 大東
        (20, 136),              // XVIII 沖ノ鳥島
        (26, 154),              // XIX 南鳥島
    ];

    // Default zone per prefecture code (JIS X 0401), for the mainland part of each prefecture.
    private static readonly Dictionary<int, int> s_prefectureZone = new()
    {
        [1] = 12, [2] = 10, [3] = 10, [4] = 10, [5] = 10, [6] = 10, [7] = 9, [8] = 9, [9] = 9, [10] = 9,
        [11] = 9, [12] = 9, [13] = 9, [14] = 9, [15] = 8, [16] = 7, [17] = 7, [18] = 6, [19] = 8, [20] = 8,
        [21] = 7, [22] = 8, [23] = 7, [24] = 6, [25] = 6, [26] = 6, [27] = 6, [28] = 5, [29] = 6, [30] = 6,
        [31] = 5, [32] = 3, [33] = 5, [34] = 3, [35] = 3, [36] = 4, [37] = 4, [38] = 4, [39] = 4, [40] = 2,
        [41] = 2, [42] = 1, [43] = 2, [44] = 2, [45] = 2, [46] = 2, [47] = 15,
    };

    /// <summary>
    /// The zone SRID (6669–6687) that covers the mainland of the prefecture of a JIS X 0402 municipality code
    /// (e.g. "35202" 宇部市 → 6671, 系III). 北海道 defaults to 系XII (札幌).
    /// </summary>
    public static int SridForMunicipality(string municipalityCode)
    {
        if (municipalityCode is null || municipalityCode.Length < 2 || !int.TryParse(municipalityCode[..2], out var pref)
            || !s_prefectureZone.TryGetValue(pref, out var zone))
        {
            throw new ArgumentException($"市区町村コード「{municipalityCode}」から平面直角座標系を決められません。", nameof(municipalityCode));
        }
        return FirstZoneSrid + zone - 1;
    }

    /// <summary>True when <paramref name="srid"/> is one of EPSG:6669–6687.</summary>
    public static bool IsZone(int srid) => srid >= FirstZoneSrid && srid <= LastZoneSrid;

    /// <summary>The projected coordinate system of a zone SRID, built from its origin (scale 0.9999, GRS80, no false origin).</summary>
    public static ProjectedCoordinateSystem CoordinateSystem(int srid)
    {
        if (!IsZone(srid))
        {
            throw new ArgumentOutOfRangeException(nameof(srid), srid, "平面直角座標系は EPSG:6669〜6687 です。");
        }
        var (lat0, lon0) = s_origins[srid - FirstZoneSrid];
        var zoneNumber = srid - FirstZoneSrid + 1;
        return TransverseMercator($"JGD2011 / Japan Plane Rectangular CS {ToRoman(zoneNumber)}", lat0, lon0, 0.9999);
    }

    /// <summary>
    /// A transverse Mercator plane on JGD2011/GRS80 with origin (<paramref name="lat0"/>, <paramref name="lon0"/>) in degrees,
    /// metres, no false origin. Used for networks outside Japan, where no plane zone applies.
    /// </summary>
    public static ProjectedCoordinateSystem TransverseMercator(string name, double lat0, double lon0, double scale = 1.0)
    {
        var factory = new CoordinateSystemFactory();
        var parameters = new List<ProjectionParameter>
        {
            new("latitude_of_origin", lat0),
            new("central_meridian", lon0),
            new("scale_factor", scale),
            new("false_easting", 0),
            new("false_northing", 0),
        };
        var projection = factory.CreateProjection("Transverse_Mercator", "Transverse_Mercator", parameters);
        return factory.CreateProjectedCoordinateSystem(
            name,
            Jgd2011,
            projection,
            LinearUnit.Metre,
            new AxisInfo("X", AxisOrientationEnum.East),
            new AxisInfo("Y", AxisOrientationEnum.North));
    }

    /// <summary>JGD2011 geographic CS (GRS80; treated as WGS84-equivalent, the difference is below a metre).</summary>
    public static GeographicCoordinateSystem Jgd2011 { get; } = CreateJgd2011();

    private static GeographicCoordinateSystem CreateJgd2011()
    {
        var factory = new CoordinateSystemFactory();
        var grs80 = factory.CreateFlattenedSphere("GRS 1980", 6378137, 298.257222101, LinearUnit.Metre);
        var datum = factory.CreateHorizontalDatum("Japanese_Geodetic_Datum_2011", DatumType.HD_Geocentric, grs80, new Wgs84ConversionInfo());
        return factory.CreateGeographicCoordinateSystem("JGD2011", AngularUnit.Degrees, datum, PrimeMeridian.Greenwich,
            new AxisInfo("Lon", AxisOrientationEnum.East), new AxisInfo("Lat", AxisOrientationEnum.North));
    }

    private static string ToRoman(int n) => n switch
    {
        1 => "I", 2 => "II", 3 => "III", 4 => "IV", 5 => "V", 6 => "VI", 7 => "VII", 8 => "VIII", 9 => "IX", 10 => "X",
        11 => "XI", 12 => "XII", 13 => "XIII", 14 => "XIV", 15 => "XV", 16 => "XVI", 17 => "XVII", 18 => "XVIII", _ => "XIX",
    };
}

/// <summary>
/// Transforms geometries between JGD2011 lon/lat (degrees, SRID 6668) and one plane rectangular zone (metres).
/// Thread-safe: each call creates no shared mutable state beyond ProjNet's immutable math transforms.
/// </summary>
public sealed class PlaneProjector
{
    private readonly MathTransform _toPlane;
    // Plane → lon/lat by Krüger's series (every plane here is a transverse Mercator on GRS80): the direction every answer
    // takes on its way out, so the one that must be quick.
    private readonly GaussKruger _toLonLat;
    private static readonly GeometryFactory s_lonLatFactory = new(new PrecisionModel(), PlaneRectangularZones.Jgd2011Srid);

    /// <summary>Creates a projector for a zone SRID (6669–6687).</summary>
    public PlaneProjector(int planeSrid)
        : this(planeSrid, PlaneRectangularZones.CoordinateSystem(planeSrid))
    {
    }

    private PlaneProjector(int planeSrid, ProjectedCoordinateSystem plane)
    {
        PlaneSrid = planeSrid;
        var factory = new CoordinateTransformationFactory();
        _toPlane = factory.CreateFromCoordinateSystems(PlaneRectangularZones.Jgd2011, plane).MathTransform;
        var projection = plane.Projection;
        _toLonLat = new GaussKruger(projection.GetParameter("latitude_of_origin").Value,
            projection.GetParameter("central_meridian").Value, projection.GetParameter("scale_factor").Value);
        PlaneFactory = new GeometryFactory(new PrecisionModel(), planeSrid);
    }

    /// <summary>
    /// A projector onto a local transverse Mercator plane centred at (<paramref name="lon0"/>, <paramref name="lat0"/>),
    /// for data outside Japan's plane zones. <see cref="PlaneSrid"/> is 0 (no EPSG code).
    /// </summary>
    public static PlaneProjector LocalTransverseMercator(double lon0, double lat0) =>
        new(0, PlaneRectangularZones.TransverseMercator(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Local TM lon0={lon0:F4} lat0={lat0:F4}"), lat0, lon0));

    /// <summary>The zone SRID, 6669–6687 (0 for a local plane).</summary>
    public int PlaneSrid { get; }

    /// <summary>Geometry factory for plane geometries (SRID = <see cref="PlaneSrid"/>).</summary>
    public GeometryFactory PlaneFactory { get; }

    /// <summary>Projects lon/lat degrees to plane metres (x east, y north).</summary>
    public (double X, double Y) ToPlane(double lon, double lat)
    {
        var (x, y) = _toPlane.Transform(lon, lat);
        return (x, y);
    }

    /// <summary>Unprojects plane metres to lon/lat degrees.</summary>
    public (double Lon, double Lat) ToLonLat(double x, double y) => _toLonLat.ToLonLat(x, y);

    /// <summary>A copy of a lon/lat geometry in plane metres.</summary>
    public Geometry ToPlane(Geometry lonLat) => Transform(lonLat, new PointFilter(ToPlane), PlaneSrid);

    /// <summary>A copy of a plane geometry in JGD2011 lon/lat (SRID 6668).</summary>
    public Geometry ToLonLat(Geometry plane)
    {
        ArgumentNullException.ThrowIfNull(plane);
        // Polygons (an isochrone with its holes, coverage areas) are rebuilt straight from transformed coordinate arrays;
        // anything else is copied and transformed in place.
        Geometry lonLat = plane switch
        {
            Polygon polygon => ToLonLat(polygon),
            MultiPolygon multi => s_lonLatFactory.CreateMultiPolygon(
                Enumerable.Range(0, multi.NumGeometries).Select(i => ToLonLat((Polygon)multi.GetGeometryN(i))).ToArray()),
            _ => Transform(plane, new PointFilter(_toLonLat.ToLonLat), PlaneRectangularZones.Jgd2011Srid),
        };
        lonLat.UserData ??= plane.UserData;
        return lonLat;
    }

    private Polygon ToLonLat(Polygon polygon)
    {
        if (polygon.IsEmpty) return s_lonLatFactory.CreatePolygon();
        var shell = s_lonLatFactory.CreateLinearRing(ToLonLat(polygon.ExteriorRing.CoordinateSequence));
        var holes = new LinearRing[polygon.NumInteriorRings];
        for (int i = 0; i < holes.Length; i++)
            holes[i] = s_lonLatFactory.CreateLinearRing(ToLonLat(polygon.GetInteriorRingN(i).CoordinateSequence));
        return s_lonLatFactory.CreatePolygon(shell, holes);
    }

    private Coordinate[] ToLonLat(CoordinateSequence plane)
    {
        var points = new Coordinate[plane.Count];
        bool hasZ = plane.HasZ;
        for (int i = 0; i < points.Length; i++)
        {
            var (lon, lat) = _toLonLat.ToLonLat(plane.GetX(i), plane.GetY(i));
            points[i] = hasZ ? new CoordinateZ(lon, lat, plane.GetZ(i)) : new Coordinate(lon, lat);
        }
        return points;
    }

    /// <summary>Length in metres of a lon/lat geometry, measured in the plane zone.</summary>
    public double LengthMetres(Geometry lonLat) => ToPlane(lonLat).Length;

    /// <summary>Area in square metres of a lon/lat geometry, measured in the plane zone.</summary>
    public double AreaSquareMetres(Geometry lonLat) => ToPlane(lonLat).Area;

    private static Geometry Transform(Geometry source, ICoordinateSequenceFilter filter, int srid)
    {
        var copy = source.Copy();
        copy.Apply(filter);
        copy.SRID = srid;
        copy.GeometryChanged();
        return copy;
    }

    private sealed class PointFilter(Func<double, double, (double, double)> transform) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
