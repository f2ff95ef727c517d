using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using FukushiMap.Core.Coverage;
using NetTopologySuite.Geometries;
using FukushiMap.Analysis.Cities;

namespace FukushiMap.Server.Coverage;

public sealed record MunicipalityRef(string Code, string Name);

/// <param name="StraightLineMetres">The straight-line radius where there is no network data.</param>
public sealed record CoverageParameters(double Minutes, double Pace, double WalkMetres, string? HubTypes, List<int>? HubIds, string By,
    double ResidentsPerHub, List<HubMove> Moves, List<HubAddition> Additions, List<int> Closed, double StraightLineMetres);

/// <param name="IsUnitCells">True when the rows are 町丁・字 cells estimated from representative points (no district polygons).</param>
public sealed record LayerView(string Key, string Kind, string Name, bool IsUnitCells, string? Note);

public sealed record BandFigures(string Key, string Name, long Population, long Covered, long Uncovered, long NoNetwork);

/// <param name="CoveredShare">Covered ÷ population.</param>
/// <param name="CoveredShareOfReachable">Covered ÷ (covered + uncovered): the share among people the network data reaches.</param>
/// <param name="NoNetworkStraightLineCovered">People without network data within the straight-line radius: the answer for them.</param>
/// <param name="Distance"><c>walking</c>, <c>straight-line</c> (no network data) or <c>mixed</c> (each for its part).</param>
/// <param name="DistanceLabel">How that reads on screens, prints and exports.</param>
public sealed record FiguresView(long Population, long Covered, long Uncovered, long NoNetwork, double? CoveredShare,
    double? CoveredShareOfReachable, long StraightLineCovered, long StraightLineUncovered, double? StraightLineCoveredShare, List<BandFigures> Bands,
    long NoNetworkStraightLineCovered, long NoNetworkStraightLineUncovered, string Distance, string DistanceLabel);

public sealed record DistrictView(string Code, string Name, FiguresView Figures, int Hubs, double? ResidentsPerHub, bool NoHub,
    bool OverThreshold, int HubsShort);

/// <param name="SnapMetres">Metres to the nearest street; null when there is none within reach (or no network data).</param>
public sealed record HubView(int? Id, string Name, string Type, string TypeName, string? Address, double Lon, double Lat, bool OnNetwork,
    double? SnapMetres, string? DistrictCode, string? DistrictName, long Covered, long Unique, long StraightLineCovered,
    long StraightLineUnique, string? WhatIf);

public sealed record RulesView(double ResidentsPerHub, int Districts, int DistrictsWithoutHub, int DistrictsOverThreshold, string? Note);

public sealed record PlacementView(int Units, int Placements, double SampleSpacingMetres, double MaxSnapMetres, long OnStreets, long AtPoint,
    long NoNetworkOutsideExtent, long NoNetworkBeyondSnap, string Network);

/// <summary>The whole analysis as JSON.</summary>
public sealed record CoverageReportView(MunicipalityRef Municipality, CoverageParameters Parameters, LayerView Layer, FiguresView Totals,
    List<DistrictView> Districts, List<HubView> Hubs, RulesView Rules, PlacementView Placement, string[] Method, List<string> Attribution,
    double AnalysisMs, double PreparedMs);

/// <summary>A GeoJSON feature with flat properties.</summary>
public sealed record FeatureView(Geometry? Geometry, IDictionary<string, object?> Properties)
{
    [JsonPropertyOrder(-1)]
    public string Type => "Feature";
}

/// <summary>A GeoJSON FeatureCollection carrying the analysis' other parts as foreign members.</summary>
public sealed record CoverageFeatureCollection(List<FeatureView> Features, MunicipalityRef Municipality, CoverageParameters Parameters,
    LayerView Layer, FiguresView Totals, List<HubView> Hubs, RulesView Rules, PlacementView Placement, string[] Method, List<string> Attribution)
{
    [JsonPropertyOrder(-1)]
    public string Type => "FeatureCollection";
}

/// <summary>Turns a <see cref="CoverageRun"/> into JSON, GeoJSON, CSV and GeoPackage; the same columns everywhere.</summary>
public static class CoverageDocuments
{
    /// <summary>The columns every district table starts with (the CSV's header, before age bands).</summary>
    public static readonly string[] BaseColumns = ["district_code", "district_name", "population", "covered", "uncovered", "no_network", "hubs",
        "no_network_straight_covered", "no_network_straight_uncovered", "distance"];

    /// <summary>The <c>distance</c> column and <see cref="FiguresView.DistanceLabel"/>: how a row's figures were measured.</summary>
    public static (string Key, string Label) DistanceOf(CoverageRun run, CoverageFigures f) =>
        run.City.Network.IsStraightLine ? ("straight-line", CityNetwork.StraightLineLabel) : f.Method switch
        {
            DistanceMethod.StraightLine => ("straight-line", CityNetwork.StraightLineLabel),
            DistanceMethod.Mixed => ("mixed", $"{CityNetwork.WalkingLabel}＋{CityNetwork.StraightLineLabel}"),
            _ => ("walking", CityNetwork.WalkingLabel),
        };

    /// <summary>The <c>distance</c> label of a gap.</summary>
    public static string DistanceOf(CoverageGap gap) => gap.StraightLine ? CityNetwork.StraightLineLabel : CityNetwork.WalkingLabel;

    public const string TotalCode = "TOTAL";

    /// <summary>JSON options for the CLI (the server's are configured alike in FukushiMapApp).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() },
    };

    // ---------- views ----------

    public static CoverageReportView Report(CoverageRun run) => new(
        Municipality(run), Parameters(run), Layer(run), Figures(run, run.Summary.Total), Districts(run), Hubs(run), Rules(run), Placement(run),
        CoverageMethod.Paragraphs(run), run.Attribution, Math.Round(run.Elapsed.TotalMilliseconds, 1),
        Math.Round(run.City.PreparedIn.TotalMilliseconds, 1));

    private static MunicipalityRef Municipality(CoverageRun run) => new(run.City.Inputs.MunicipalityCode, run.City.Inputs.MunicipalityName);

    private static CoverageParameters Parameters(CoverageRun run)
    {
        var r = run.Request;
        return new(r.Minutes, r.Pace.SpeedMetresPerMinute, Math.Round(r.WalkMetres, 1), r.HubTypes, r.HubIds, run.Layer.Key, r.ResidentsPerHub,
            r.Moves, r.Additions, r.Closed, Math.Round(r.StraightMetres, 1));
    }

    private static LayerView Layer(CoverageRun run) => new(run.Layer.Key, run.Layer.Kind, run.Layer.Name, run.Layer.IsUnitCells,
        run.Layer.IsUnitCells
            ? "区域の境界データがないため、町丁・字の代表点のまわりの推定範囲（ボロノイ領域を公表面積の円で制限）を区域として使っています。実際の町丁・字の境界ではありません。"
            : null);

    public static FiguresView Figures(CoverageRun run, CoverageFigures f)
    {
        double? Share(long part, long whole) => whole > 0 ? Math.Round((double)part / whole, 4) : null;
        var bands = run.City.Inputs.Bands.Select((b, i) => new BandFigures(b.Key, b.Name, f.BandPopulation[i], f.BandCovered[i],
            f.BandUncovered[i], f.BandNoNetwork[i])).ToList();
        var (distance, label) = DistanceOf(run, f);
        return new FiguresView(f.Population, f.Covered, f.Uncovered, f.NoNetwork, Share(f.Covered, f.Population),
            Share(f.Covered, f.Covered + f.Uncovered), f.StraightCovered, f.StraightUncovered, Share(f.StraightCovered, f.Population), bands,
            f.NoNetworkStraightCovered, f.NoNetworkStraightUncovered, distance, label);
    }

    private static List<DistrictView> Districts(CoverageRun run) => run.Summary.Districts.Select(d =>
    {
        var district = run.Layer.Districts[d.Index];
        return new DistrictView(district.Code, district.Name, Figures(run, d.Figures), d.Hubs,
            d.ResidentsPerHub is { } v ? Math.Round(v, 1) : null, d.NoHub, d.OverThreshold, d.HubsShortOfThreshold);
    }).ToList();

    private static List<HubView> Hubs(CoverageRun run) => run.Hubs.Select((h, i) =>
    {
        var d = run.HubDistricts[i] >= 0 ? run.Layer.Districts[run.HubDistricts[i]] : null;
        var r = run.Result;
        return new HubView(h.Id, h.Name, h.TypeKey, h.TypeName, h.Address, Math.Round(h.Lon, 6), Math.Round(h.Lat, 6), h.Snap.IsOnNetwork,
            double.IsFinite(h.Snap.SnapMetres) ? Math.Round(h.Snap.SnapMetres, 1) : null, d?.Code, d?.Name, r.HubNetworkPeople[i], r.HubUniquePeople[i], r.HubStraightPeople[i],
            r.HubStraightUniquePeople[i], h.WhatIf);
    }).ToList();

    private static RulesView Rules(CoverageRun run) => new(run.Request.ResidentsPerHub, run.Summary.Districts.Count,
        run.Summary.Districts.Count(d => d.NoHub), run.Summary.Districts.Count(d => d.OverThreshold),
        run.Layer.Key == CoverageLayer.UnitsKey
            ? "大牟田市の目安（小学校区に 1 か所以上）は校区で見るものです。町丁・字で数えると、ほとんどの町丁・字に拠点がないのは当然です。"
            : null);

    private static PlacementView Placement(CoverageRun run)
    {
        var units = run.City.Placement.UnitPlacements;
        return new PlacementView(units.Count, run.City.Placement.Count, run.City.Placement.SampleSpacingMetres,
            run.City.Network.Snapper.MaxSnapMetres, units.Sum(u => (long)u.OnStreets), units.Sum(u => (long)u.AtPoint),
            units.Sum(u => (long)u.NoNetworkOutsideExtent), units.Sum(u => (long)u.NoNetworkBeyondSnap), run.City.Network.Loaded.Network.Name);
    }

    // ---------- columns shared by CSV, GeoJSON and GeoPackage ----------

    /// <summary>Column names of the district table: the base columns, age bands, then (all) the straight-line and rule columns.</summary>
    public static List<string> DistrictColumnNames(CoverageRun run, bool all)
    {
        var names = new List<string>(BaseColumns);
        foreach (var b in run.City.Inputs.Bands)
        {
            names.AddRange([$"{b.Key}_population", $"{b.Key}_covered", $"{b.Key}_uncovered", $"{b.Key}_no_network"]);
        }
        if (all)
        {
            names.AddRange(["covered_share", "straight_line_covered", "straight_line_uncovered", "straight_line_covered_share",
                "residents_per_hub", "no_hub", "over_threshold", "hubs_short"]);
        }
        return names;
    }

    /// <summary>One row per district, then TOTAL, as values in <see cref="DistrictColumnNames"/> order.</summary>
    public static List<object?[]> DistrictRows(CoverageRun run, bool all)
    {
        var rows = new List<object?[]>();
        foreach (var d in run.Summary.Districts)
        {
            var district = run.Layer.Districts[d.Index];
            rows.Add(Row(run, district.Code, district.Name, d.Figures, d.Hubs, d, all));
        }
        rows.Add(Row(run, TotalCode, "合計", run.Summary.Total, run.Hubs.Count, null, all));
        return rows;
    }

    private static object?[] Row(CoverageRun run, string code, string name, CoverageFigures f, int hubs, DistrictCoverage? d, bool all)
    {
        var values = new List<object?> { code, name, f.Population, f.Covered, f.Uncovered, f.NoNetwork, (long)hubs,
            f.NoNetworkStraightCovered, f.NoNetworkStraightUncovered, DistanceOf(run, f).Label };
        for (var b = 0; b < run.City.Inputs.Bands.Length; b++)
        {
            values.AddRange([f.BandPopulation[b], f.BandCovered[b], f.BandUncovered[b], f.BandNoNetwork[b]]);
        }
        if (all)
        {
            values.Add(f.Population > 0 ? Math.Round((double)f.Covered / f.Population, 4) : null);
            values.AddRange([f.StraightCovered, f.StraightUncovered]);
            values.Add(f.Population > 0 ? Math.Round((double)f.StraightCovered / f.Population, 4) : null);
            if (d is null)
            {
                values.Add(hubs > 0 ? Math.Round((double)f.Population / hubs, 1) : null);
                values.AddRange([null, null, null]);
            }
            else
            {
                values.Add(d.ResidentsPerHub is { } v ? Math.Round(v, 1) : null);
                values.AddRange([d.NoHub ? 1L : 0L, d.OverThreshold ? 1L : 0L, (long)d.HubsShortOfThreshold]);
            }
        }
        return values.ToArray();
    }

    public static List<string> GapColumnNames(CoverageRun run)
    {
        var names = new List<string> { "rank", "uncovered" };
        names.AddRange(run.City.Inputs.Bands.Select(b => $"{b.Key}_uncovered"));
        names.AddRange(["nearest_minutes", "farthest_minutes", "nearest_hub_id", "nearest_hub_name", "area_m2", "district_code", "district_name", "units",
            "distance"]);
        return names;
    }

    public static List<object?[]> GapRows(CoverageRun run, int? limit = null)
    {
        var rows = new List<object?[]>();
        var gaps = run.Gaps;
        var pace = run.Request.Pace;
        for (var k = 0; k < gaps.Count && (limit is null || k < limit); k++)
        {
            var g = gaps[k];
            var hub = g.NearestHub >= 0 ? run.Hubs[g.NearestHub] : null;
            var district = g.District >= 0 ? g.District : run.Layer.Locator.Locate(g.Area.InteriorPoint.Coordinate);
            var values = new List<object?> { (long)(k + 1), g.People };
            values.AddRange(g.Bands.Select(v => (object?)v));
            values.AddRange([CoverageMethod.Minutes(g.NearestMetres, pace), CoverageMethod.Minutes(g.FarthestMetres, pace),
                hub?.Id is { } id ? (long)id : null, hub?.Name, Math.Round(g.Area.Area), district >= 0 ? run.Layer.Districts[district].Code : null,
                district >= 0 ? run.Layer.Districts[district].Name : null,
                string.Join("・", g.Units.Take(5).Select(u => run.City.Inputs.Units[u].Name)) + (g.Units.Count > 5 ? " ほか" : ""),
                DistanceOf(g)]);
            rows.Add(values.ToArray());
        }
        return rows;
    }

    // ---------- GeoJSON ----------

    public static CoverageFeatureCollection DistrictFeatures(CoverageRun run)
    {
        var names = DistrictColumnNames(run, all: true);
        var rows = DistrictRows(run, all: true);
        var features = new List<FeatureView>();
        for (var i = 0; i < run.Layer.Districts.Length; i++)
        {
            var properties = Properties(names, rows[i]);
            if (run.Layer.Districts[i].CellKind is { } kind)
            {
                properties["cell"] = kind switch
                {
                    CellKind.Polygon => "polygon",
                    CellKind.VoronoiLimitedByArea => "voronoi-area",
                    _ => "voronoi",
                };
            }
            features.Add(new FeatureView(LonLat(run, run.Layer.Districts[i].Area), properties));
        }
        return Collection(run, features);
    }

    public static CoverageFeatureCollection GapFeatures(CoverageRun run, int? limit = null)
    {
        var names = GapColumnNames(run);
        var features = GapRows(run, limit).Select((row, k) => new FeatureView(LonLat(run, run.Gaps[k].Area), Properties(names, row))).ToList();
        return Collection(run, features);
    }

    private static CoverageFeatureCollection Collection(CoverageRun run, List<FeatureView> features) => new(features, Municipality(run),
        Parameters(run), Layer(run), Figures(run, run.Summary.Total), Hubs(run), Rules(run), Placement(run), CoverageMethod.Paragraphs(run),
        run.Attribution);

    private static Dictionary<string, object?> Properties(List<string> names, object?[] values)
    {
        var properties = new Dictionary<string, object?>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            properties[names[i]] = values[i];
        }
        return properties;
    }

    /// <summary>A plane geometry in lon/lat (SRID 6668), coordinates rounded to 7 decimals (about 1 cm).</summary>
    public static Geometry LonLat(CoverageRun run, Geometry plane) => run.City.Network.ToLonLat(plane);

    // ---------- GeoPackage ----------

    /// <summary>The reach asked about, in words: 「徒歩 10 分」, or for a city without network data 「直線距離 800 m（道路データなし）」.</summary>
    public static string Reach(CoverageRun run) => run.City.Network.IsStraightLine
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"直線距離 {run.Request.StraightMetres:N0} m（道路データなし）")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"徒歩 {run.Request.Minutes:0.#} 分");

    public static byte[] GeoPackage(CoverageRun run, bool withDistricts = true)
    {
        var tables = new List<GeoPackageTable>();
        if (withDistricts)
        {
            var names = DistrictColumnNames(run, all: true);
            var rows = DistrictRows(run, all: true);
            tables.Add(new GeoPackageTable("coverage_districts", $"{run.City.Inputs.MunicipalityName} {Reach(run)}の圏域（{run.Layer.Name}）",
                "MULTIPOLYGON", Columns(names, rows),
                run.Layer.Districts.Select((d, i) => ((Geometry?)Multi(LonLat(run, d.Area)), rows[i])).ToList()));
        }
        var gapNames = GapColumnNames(run);
        var gapRows = GapRows(run);
        tables.Add(new GeoPackageTable("coverage_gaps", $"{run.City.Inputs.MunicipalityName} {Reach(run)}で拠点に届かない人のいる地域",
            "MULTIPOLYGON", Columns(gapNames, gapRows), gapRows.Select((row, k) => ((Geometry?)Multi(LonLat(run, run.Gaps[k].Area)), row)).ToList()));
        var hubNames = new List<string> { "hub_id", "name", "type", "on_network", "covered", "unique_covered", "straight_line_covered", "what_if" };
        var hubRows = Hubs(run).Select(h => (object?[])[h.Id is { } id ? (long)id : null, h.Name, h.TypeName, h.OnNetwork ? 1L : 0L, h.Covered,
            h.Unique, h.StraightLineCovered, h.WhatIf]).ToList();
        var factory = new GeometryFactory(new PrecisionModel(), GeoPackageWriter.Srid);
        tables.Add(new GeoPackageTable("coverage_hubs", "分析に使った拠点", "POINT", Columns(hubNames, hubRows),
            run.Hubs.Select((h, i) => ((Geometry?)factory.CreatePoint(new Coordinate(h.Lon, h.Lat)), hubRows[i])).ToList()));
        return GeoPackageWriter.Write(tables);
    }

    private static List<GeoPackageColumn> Columns(List<string> names, List<object?[]> rows) => names.Select((n, i) =>
    {
        var first = rows.Select(r => r[i]).FirstOrDefault(v => v is not null);
        return new GeoPackageColumn(n, first switch { long or int => "INTEGER", double => "REAL", _ => "TEXT" });
    }).ToList();

    private static MultiPolygon Multi(Geometry g) => g switch
    {
        MultiPolygon m => m,
        Polygon p => g.Factory.CreateMultiPolygon([p]),
        _ => g.Factory.CreateMultiPolygon(Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<Polygon>().ToArray()),
    };
}
