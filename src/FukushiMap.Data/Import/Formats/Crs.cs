using System.Globalization;
using System.Text.RegularExpressions;
using FukushiMap.Core.Geodesy;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// The coordinate reference systems imports accept, as EPSG codes: geographic lon/lat on JGD2011 (6668),
/// JGD2000 (4612) or WGS84 (4326) — all stored as JGD2011, the differences being below a metre in Japan —
/// and the 平面直角座標系 zones I–XIX on JGD2011 (6669–6687) or JGD2000 (2443–2461).
/// The old 日本測地系 (Tokyo datum) is refused: it is hundreds of metres off and needs a datum shift.
/// </summary>
public static partial class Crs
{
    public const int Jgd2011 = PlaneRectangularZones.Jgd2011Srid;
    public const int Jgd2000 = 4612;
    public const int Wgs84 = 4326;
    public const int FirstJgd2000Zone = 2443;
    public const int LastJgd2000Zone = 2461;

    /// <summary>True for the lon/lat systems (6668, 4612, 4326).</summary>
    public static bool IsGeographic(int srid) => srid is Jgd2011 or Jgd2000 or Wgs84;

    /// <summary>True for every code this importer can read.</summary>
    public static bool IsSupported(int srid) => IsGeographic(srid) || PlaneZone(srid) is not null;

    /// <summary>The JGD2011 zone SRID (6669–6687) for a zone code of either datum, else null.</summary>
    public static int? PlaneZone(int srid) =>
        PlaneRectangularZones.IsZone(srid) ? srid
        : srid is >= FirstJgd2000Zone and <= LastJgd2000Zone ? PlaneRectangularZones.FirstZoneSrid + (srid - FirstJgd2000Zone)
        : null;

    /// <summary>A geometry factory whose geometries carry <paramref name="srid"/>.</summary>
    public static GeometryFactory FactoryFor(int srid) => new(new PrecisionModel(), srid);

    /// <summary>Factory for stored geometries (JGD2011 lon/lat).</summary>
    public static GeometryFactory Storage { get; } = FactoryFor(Jgd2011);

    /// <summary>Japanese label of a code, for messages and summaries.</summary>
    public static string Describe(int srid) => srid switch
    {
        Jgd2011 => "JGD2011 経緯度 (EPSG:6668)",
        Jgd2000 => "JGD2000 経緯度 (EPSG:4612)",
        Wgs84 => "WGS84 経緯度 (EPSG:4326)",
        _ when PlaneZone(srid) is { } z => $"平面直角座標系 第{z - PlaneRectangularZones.FirstZoneSrid + 1}系 (EPSG:{srid})",
        _ => $"EPSG:{srid}",
    };

    /// <summary>
    /// A copy of <paramref name="geometry"/> in JGD2011 lon/lat (SRID 6668). Lon/lat inputs are relabelled;
    /// plane coordinates are unprojected with ProjNet.
    /// </summary>
    public static Geometry ToStorage(Geometry geometry, int srid)
    {
        if (IsGeographic(srid))
        {
            var copy = Storage.CreateGeometry(geometry);
            copy.SRID = Jgd2011;
            return copy;
        }
        var zone = PlaneZone(srid) ?? throw new ArgumentOutOfRangeException(nameof(srid), srid, "対応していない座標参照系です。");
        return Projector(zone).ToLonLat(geometry);
    }

    private static readonly Dictionary<int, PlaneProjector> s_projectors = [];

    /// <summary>A cached projector for a JGD2011 zone SRID.</summary>
    public static PlaneProjector Projector(int zoneSrid)
    {
        lock (s_projectors)
        {
            if (!s_projectors.TryGetValue(zoneSrid, out var p))
            {
                p = new PlaneProjector(zoneSrid);
                s_projectors[zoneSrid] = p;
            }
            return p;
        }
    }

    /// <summary>
    /// Recognises a CRS name: <c>EPSG:6677</c>, <c>urn:ogc:def:crs:EPSG::6668</c>, <c>urn:ogc:def:crs:OGC:1.3:CRS84</c>,
    /// <c>http://www.opengis.net/def/crs/EPSG/0/4326</c>, <c>CRS84</c>. Null when not recognised or not supported.
    /// </summary>
    public static int? FromName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var n = name.Trim();
        if (n.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase) || n.EndsWith("CRS:84", StringComparison.OrdinalIgnoreCase))
        {
            return Wgs84;
        }
        var m = EpsgName().Match(n);
        if (m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var code) && IsSupported(code))
        {
            return code;
        }
        return null;
    }

    /// <summary>
    /// Recognises the CRS of a .prj (ESRI or OGC WKT1; WKT2 by its ID): an AUTHORITY/ID code when present, else
    /// the datum of a GEOGCS, else a PROJCS whose name or Transverse Mercator parameters (origin, scale 0.9999,
    /// no false origin, metres) match a 平面直角座標系 zone. Returns null with a Japanese reason when it cannot.
    /// </summary>
    public static (int? Srid, string? Reason) FromPrj(string wkt)
    {
        var text = wkt.Trim().TrimStart('\uFEFF');
        if (text.Length == 0)
        {
            return (null, ".prj が空です。");
        }
        if (Regex.IsMatch(text, "Tokyo|日本測地系|TOKYO", RegexOptions.CultureInvariant)
            && !Regex.IsMatch(text, "JGD|Japanese_Geodetic_Datum", RegexOptions.CultureInvariant))
        {
            return (null, "旧日本測地系（Tokyo 測地系）の座標には対応していません。世界測地系（JGD2000/JGD2011）に変換してから取り込んでください。");
        }
        var isProjected = Regex.IsMatch(text, @"^\s*(PROJCS|PROJCRS|PROJECTEDCRS)\b", RegexOptions.IgnoreCase);
        // The outermost AUTHORITY / ID is the last one in WKT1, the first-level one in WKT2; look at the last.
        var authorities = AuthorityPattern().Matches(text);
        if (authorities.Count > 0)
        {
            var last = int.Parse(authorities[^1].Groups[1].Value, CultureInfo.InvariantCulture);
            if (IsSupported(last) && IsGeographic(last) != isProjected)
            {
                return (last, null);
            }
        }
        if (!isProjected)
        {
            if (!Regex.IsMatch(text, @"^\s*(GEOGCS|GEOGCRS|GEODCRS|GEOGRAPHICCRS)\b", RegexOptions.IgnoreCase))
            {
                return (null, ".prj の座標参照系を読み取れません（GEOGCS/PROJCS で始まっていません）。");
            }
            if (Regex.IsMatch(text, "JGD_?2011|Japanese_Geodetic_Datum_2011", RegexOptions.IgnoreCase))
            {
                return (Jgd2011, null);
            }
            if (Regex.IsMatch(text, "JGD_?2000|Japanese_Geodetic_Datum_2000", RegexOptions.IgnoreCase))
            {
                return (Jgd2000, null);
            }
            if (Regex.IsMatch(text, "WGS_?(19)?84|World Geodetic System 1984", RegexOptions.IgnoreCase))
            {
                return (Wgs84, null);
            }
            return (null, ".prj の測地系が JGD2011・JGD2000・WGS84 のいずれでもありません。");
        }

        var datumOffset = Regex.IsMatch(text, "JGD_?2000|Japanese_Geodetic_Datum_2000", RegexOptions.IgnoreCase) ? FirstJgd2000Zone : PlaneRectangularZones.FirstZoneSrid;
        var zoneByName = ZoneName().Match(text);
        if (zoneByName.Success)
        {
            var zone = ParseZoneNumber(zoneByName.Groups["n"].Value);
            if (zone is >= 1 and <= 19)
            {
                return (datumOffset + zone.Value - 1, null);
            }
        }
        if (!Regex.IsMatch(text, "Transverse_Mercator|Transverse Mercator", RegexOptions.IgnoreCase))
        {
            return (null, ".prj の投影法が横メルカトル（平面直角座標系）ではありません。");
        }
        var lat0 = Parameter(text, "latitude_of_origin", "Latitude of natural origin");
        var lon0 = Parameter(text, "central_meridian", "Longitude of natural origin");
        var k = Parameter(text, "scale_factor", "Scale factor at natural origin");
        var fe = Parameter(text, "false_easting", "False easting") ?? 0;
        var fn = Parameter(text, "false_northing", "False northing") ?? 0;
        if (lat0 is null || lon0 is null || k is null)
        {
            return (null, ".prj の横メルカトルのパラメータ（原点・縮尺係数）を読み取れません。");
        }
        if (Math.Abs(k.Value - 0.9999) > 1e-9 || Math.Abs(fe) > 1e-6 || Math.Abs(fn) > 1e-6)
        {
            return (null, ".prj の横メルカトルは平面直角座標系の定義（縮尺係数 0.9999、原点移動なし）と一致しません。");
        }
        for (var srid = PlaneRectangularZones.FirstZoneSrid; srid <= PlaneRectangularZones.LastZoneSrid; srid++)
        {
            var projection = PlaneRectangularZones.CoordinateSystem(srid).Projection;
            if (Math.Abs(projection.GetParameter("latitude_of_origin").Value - lat0.Value) < 1e-6
                && Math.Abs(projection.GetParameter("central_meridian").Value - lon0.Value) < 1e-6)
            {
                return (datumOffset + (srid - PlaneRectangularZones.FirstZoneSrid), null);
            }
        }
        return (null, $".prj の原点（緯度 {lat0}, 経度 {lon0}）がどの平面直角座標系とも一致しません。");
    }

    private static double? Parameter(string wkt, params string[] names)
    {
        foreach (var name in names)
        {
            var m = Regex.Match(wkt, $@"PARAMETER\s*\[\s*""{Regex.Escape(name)}""\s*,\s*([-+0-9.eE]+)", RegexOptions.IgnoreCase);
            if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }
        return null;
    }

    private static int? ParseZoneNumber(string s)
    {
        if (int.TryParse(s, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        string[] roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX"];
        var i = Array.IndexOf(roman, s.ToUpperInvariant());
        return i >= 0 ? i + 1 : null;
    }

    [GeneratedRegex(@"EPSG(?::+|/\d+/|/)(\d{4,5})\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgName();

    [GeneratedRegex(@"(?:AUTHORITY|ID)\s*\[\s*""EPSG""\s*,\s*""?(\d{4,5})""?\s*\]", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorityPattern();

    [GeneratedRegex(@"(?:Japan_Zone_|Plane[_ ]Rectangular[_ ]CS[_ ]|Japan[_ ]Plane[_ ]Rectangular[_ ]CS[_ ]|平面直角座標系第?)(?<n>[0-9]{1,2}|[IVX]{1,5})(?![0-9A-Za-z])", RegexOptions.IgnoreCase)]
    private static partial Regex ZoneName();
}
