namespace FukushiMap.Core.Geodesy;

/// <summary>
/// The inverse transverse Mercator on GRS80 (JGD2011) by Krüger's series in the third flattening n, to order n⁶ (Karney 2011,
/// "Transverse Mercator with an accuracy of a few nanometers"; the series the 国土地理院 publishes for 平面直角座標系), summed by
/// Clenshaw's recurrence: plane metres → lon/lat degrees with two sine/cosine pairs, two exponentials, an arcsine and an
/// arctangent per point, no allocation. It agrees with ProjNet's transform to about 1e-12° over ±130 km × ±300 km of every
/// zone (a test checks 1e-9°) at about two thirds of its cost, without ProjNet's per-call overhead. Immutable; safe to share.
/// </summary>
internal sealed class GaussKruger
{
    private const double SemiMajorAxis = 6378137;
    private const double InverseFlattening = 298.257222101;

    private readonly double _lon0;     // central meridian, degrees
    private readonly double _k0A;      // scale × rectifying radius
    private readonly double _northingOfOrigin; // k0 × meridian arc from the equator to the origin's latitude
    private readonly double[] _beta = new double[7];   // index 1..6
    private readonly double[] _delta = new double[7];

    public GaussKruger(double lat0, double lon0, double scale)
    {
        double f = 1 / InverseFlattening;
        double n = f / (2 - f);
        double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        double a = SemiMajorAxis / (1 + n) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
        _lon0 = lon0;
        _k0A = scale * a;
        double[] alpha =
        [
            0,
            n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
            13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360,
            61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440,
            49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600,
            34729 * n5 / 80640 - 3418889 * n6 / 1995840,
            212378941 * n6 / 319334400,
        ];
        _beta[1] = n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 + 96199 * n6 / 604800;
        _beta[2] = n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1118711 * n6 / 3870720;
        _beta[3] = 17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720;
        _beta[4] = 4397 * n4 / 161280 - 11 * n5 / 504 - 830251 * n6 / 7257600;
        _beta[5] = 4583 * n5 / 161280 - 108847 * n6 / 3991680;
        _beta[6] = 20648693 * n6 / 638668800;
        _delta[1] = 2 * n - 2 * n2 / 3 - 2 * n3 + 116 * n4 / 45 + 26 * n5 / 45 - 2854 * n6 / 675;
        _delta[2] = 7 * n2 / 3 - 8 * n3 / 5 - 227 * n4 / 45 + 2704 * n5 / 315 + 2323 * n6 / 945;
        _delta[3] = 56 * n3 / 15 - 136 * n4 / 35 - 1262 * n5 / 105 + 73814 * n6 / 2835;
        _delta[4] = 4279 * n4 / 630 - 332 * n5 / 35 - 399572 * n6 / 14175;
        _delta[5] = 4174 * n5 / 315 - 144838 * n6 / 6237;
        _delta[6] = 601676 * n6 / 22275;
        // The origin's northing from the equator: the forward series at the central meridian (η = 0).
        double e = Math.Sqrt(f * (2 - f));
        double phi0 = lat0 * Math.PI / 180;
        double chi0 = Math.Asin(Math.Tanh(Math.Atanh(Math.Sin(phi0)) - e * Math.Atanh(e * Math.Sin(phi0))));
        double xi0 = chi0;
        for (int j = 1; j <= 6; j++) xi0 += alpha[j] * Math.Sin(2 * j * chi0);
        _northingOfOrigin = _k0A * xi0;
    }

    /// <summary>Lon/lat degrees of plane point (<paramref name="x"/> east, <paramref name="y"/> north) in metres.</summary>
    public (double Lon, double Lat) ToLonLat(double x, double y)
    {
        // ζ' = ξ' + iη' on the sphere of the rectifying radius; ζ = ζ' − Σ βj sin(2jζ') by Clenshaw's recurrence in complex
        // numbers (one sine, cosine and exponential instead of twelve of each).
        double xi1 = (y + _northingOfOrigin) / _k0A;
        double eta1 = x / _k0A;
        var (s2, c2) = Math.SinCos(2 * xi1);
        double e2 = Math.Exp(2 * eta1), sh2 = (e2 - 1 / e2) / 2, ch2 = (e2 + 1 / e2) / 2;
        // a = 2 cos 2ζ'
        double ar = 2 * c2 * ch2, ai = -2 * s2 * sh2;
        double y1r = 0, y1i = 0, y2r = 0, y2i = 0;
        var beta = _beta;
        for (int j = 6; j >= 1; j--)
        {
            double yr = ar * y1r - ai * y1i - y2r + beta[j];
            double yi = ar * y1i + ai * y1r - y2i;
            y2r = y1r; y2i = y1i;
            y1r = yr; y1i = yi;
        }
        // Σ = y1 · sin 2ζ', sin 2ζ' = sin2ξ' cosh2η' + i cos2ξ' sinh2η'
        double sr = s2 * ch2, si = c2 * sh2;
        double xi = xi1 - (y1r * sr - y1i * si);
        double eta = eta1 - (y1r * si + y1i * sr);
        var (sinXi, cosXi) = Math.SinCos(xi);
        double e = Math.Exp(eta), sinhEta = (e - 1 / e) / 2, coshEta = (e + 1 / e) / 2;
        // Conformal latitude χ, then the latitude by its series in sin 2jχ (Clenshaw again, real).
        double sinChi = sinXi / coshEta;
        double cosChi = Math.Sqrt(Math.Max(0, 1 - sinChi * sinChi));
        double chi = Math.Asin(sinChi);
        double c2Chi = 2 * (1 - 2 * sinChi * sinChi); // 2 cos 2χ
        double b1 = 0, b2 = 0;
        var delta = _delta;
        for (int j = 6; j >= 1; j--)
        {
            double b = c2Chi * b1 - b2 + delta[j];
            b2 = b1;
            b1 = b;
        }
        double lat = chi + b1 * 2 * sinChi * cosChi;
        double lon = _lon0 + Math.Atan2(sinhEta, cosXi) * (180 / Math.PI);
        return (lon, lat * (180 / Math.PI));
    }
}
