using FukushiMap.Core.Geodesy;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Import;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Triangulate;

namespace FukushiMap.Data.Welfare;

/// <summary>
/// Demo district layers and fictitious households (架空のデモデータ) for 宇部市. Nothing here describes a real person.
/// <list type="bullet">
/// <item>地区（デモ用）: the 町丁 representative points grouped by their nearest ふれあいセンター (one per 校区, straight-line
/// distance in the plane zone); each district's polygon is the union of its points' Voronoi cells, clipped to the city.</item>
/// <item>民生委員担当区域（デモ用）: each 地区 cut into 1–5 population-balanced sectors around its population centre.</item>
/// <item>Households and watchers: generated with a fixed seed near populated 町丁 points, labelled （架空）.</item>
/// </list>
/// </summary>
public static class DemoWelfareData
{
    public const string DatasetKey = "demo-welfare-35202";
    public const string ChikuLayerKey = "demo-chiku";
    public const string MinseiLayerKey = "demo-minsei-area";
    public const string Municipality = "35202";

    private static readonly string[] s_surnames =
    [
        "青葉", "朝日", "東山", "石橋", "岩根", "上野", "梅田", "大川", "岡野", "川辺", "北原", "草野", "小池", "桜木", "里見", "清水",
        "杉本", "関口", "高台", "竹原", "谷口", "月岡", "土屋", "中島", "西浜", "野原", "浜田", "林", "春山", "東浦", "藤波", "松風",
        "三浦", "南野", "宮下", "森川", "山吹", "吉野", "若葉", "和田",
    ];

    /// <summary>Creates the demo layers and households once (skipped when the demo dataset exists). Returns true when created.</summary>
    public static async Task<bool> EnsureAsync(FukushiMapDbContext db, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (await db.Datasets.AnyAsync(d => d.Key == DatasetKey, ct))
        {
            return false;
        }
        var municipality = await db.Municipalities.AsNoTracking().FirstOrDefaultAsync(m => m.Code == Municipality, ct)
            ?? throw new InvalidOperationException("宇部市（35202）の参照データがありません。先に ./fukushimap serve で参照データを読み込んでください。");
        var units = await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == Municipality).OrderBy(p => p.KeyCode).ToListAsync(ct);
        var centres = await db.Hubs.AsNoTracking().Where(h => h.MunicipalityCode == Municipality && h.HubType!.Key == "fureai-center")
            .OrderBy(h => h.Id).ToListAsync(ct);
        if (units.Count == 0 || centres.Count == 0)
        {
            throw new InvalidOperationException("宇部市の町丁人口またはふれあいセンターがありません（参照データを読み込んでください）。");
        }
        progress?.Report(new ImportProgress(1, 3, "デモ用の区域（地区・民生委員担当区域）を作成中…"));
        var projector = new PlaneProjector(municipality.PlaneSrid);
        var plane = projector.PlaneFactory;
        var points = units.Select(u => { var (x, y) = projector.ToPlane(u.Point.X, u.Point.Y); return new Coordinate(x, y); }).ToList();
        var centrePoints = centres.Select(c => { var (x, y) = projector.ToPlane(c.Location.X, c.Location.Y); return new Coordinate(x, y); }).ToList();
        var group = points.Select(p => Enumerable.Range(0, centrePoints.Count).MinBy(i => p.Distance(centrePoints[i]))).ToArray();

        // Voronoi cells of the 町丁 points, clipped to the city outline.
        var extent = new Envelope(points.Select(p => p.X).Min(), points.Select(p => p.X).Max(), points.Select(p => p.Y).Min(), points.Select(p => p.Y).Max());
        extent.ExpandBy(2000);
        // The outline is simplified: points on the coast may lie just outside it, so a margin around every point is kept.
        var margins = plane.CreateMultiPointFromCoords([.. points]).Buffer(150);
        var outline = municipality.Boundary is { } b ? projector.ToPlane(b).Buffer(0).Union(margins) : plane.ToGeometry(extent);
        var voronoi = new VoronoiDiagramBuilder();
        voronoi.SetSites(points);
        var clip = new Envelope(outline.EnvelopeInternal);
        clip.ExpandToInclude(extent);
        voronoi.ClipEnvelope = clip;
        var diagram = voronoi.GetDiagram(plane);
        var cellBySite = new Dictionary<Coordinate, Geometry>();
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var cell = diagram.GetGeometryN(i);
            if (cell.UserData is Coordinate site)
            {
                cellBySite[new Coordinate(site.X, site.Y)] = cell;
            }
        }
        Geometry CellOf(int unit) => cellBySite.TryGetValue(new Coordinate(points[unit].X, points[unit].Y), out var c)
            ? c.Intersection(outline)
            : plane.CreatePoint(points[unit]).Buffer(100);

        var now = DateTimeOffset.UtcNow;
        var dataset = new Dataset
        {
            Key = DatasetKey,
            Title = "宇部市 デモ用の区域と架空の世帯",
            Publisher = "FukushiMap（デモ）",
            Licence = "デモ用（実在の区域・人物ではありません）",
            Vintage = "デモ",
            Attribution = "区域はデモ用（町丁の代表点を最寄りのふれあいセンターでまとめたもの。実際の地区・民生委員担当区域ではありません）。世帯は架空のデモデータです。",
            Source = "FukushiMap DemoWelfareData",
            ImportedAt = now,
        };
        db.Datasets.Add(dataset);
        var chiku = new DistrictLayer { Key = ChikuLayerKey, MunicipalityCode = Municipality, Kind = "地区", Name = "地区（デモ用）", Dataset = dataset };
        var minsei = new DistrictLayer { Key = MinseiLayerKey, MunicipalityCode = Municipality, Kind = "民生委員担当区域", Name = "民生委員担当区域（デモ用）", Dataset = dataset };
        db.DistrictLayers.AddRange(chiku, minsei);

        var areas = new List<(District District, List<int> Units, Geometry Plane)>();
        for (var g = 0; g < centres.Count; g++)
        {
            var members = Enumerable.Range(0, units.Count).Where(i => group[i] == g).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            var chikuName = centres[g].Name.Replace("ふれあいセンター", "").Trim() + "地区（デモ用）";
            var chikuPlane = Union(members.Select(CellOf));
            if (chikuPlane.IsEmpty)
            {
                continue;
            }
            chiku.Districts.Add(NewDistrict(chikuName, $"demo-{g + 1:00}", chikuPlane, projector));

            // 民生委員担当区域: population-balanced sectors around the population centre.
            var population = members.Sum(i => Math.Max(units[i].Population, 1));
            var k = Math.Clamp((int)Math.Round(population / 6000.0), 1, 5);
            var cx = members.Sum(i => points[i].X * Math.Max(units[i].Population, 1)) / population;
            var cy = members.Sum(i => points[i].Y * Math.Max(units[i].Population, 1)) / population;
            var ordered = members.OrderBy(i => Math.Atan2(points[i].Y - cy, points[i].X - cx)).ToList();
            var sectors = new List<List<int>> { new() };
            var running = 0;
            foreach (var i in ordered)
            {
                if (running >= population * sectors.Count / k && sectors.Count < k && sectors[^1].Count > 0)
                {
                    sectors.Add([]);
                }
                sectors[^1].Add(i);
                running += Math.Max(units[i].Population, 1);
            }
            for (var s = 0; s < sectors.Count; s++)
            {
                var areaPlane = Union(sectors[s].Select(CellOf));
                if (areaPlane.IsEmpty)
                {
                    continue;
                }
                var name = chikuName.Replace("地区（デモ用）", $"地区 第{s + 1}区（デモ用）");
                var district = NewDistrict(name, $"demo-{g + 1:00}-{s + 1}", areaPlane, projector);
                minsei.Districts.Add(district);
                areas.Add((district, sectors[s], areaPlane));
            }
        }
        await db.SaveChangesAsync(ct);

        progress?.Report(new ImportProgress(2, 3, "架空の世帯と見守り担当を作成中…"));
        var random = new Random(35202);
        var households = 0;
        foreach (var (district, members, areaPlane) in areas)
        {
            var weights = members.Select(i => (double)Math.Max(units[i].Population, 1)).ToArray();
            var total = weights.Sum();
            Coordinate RandomPoint(double spread)
            {
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var r = random.NextDouble() * total;
                    var idx = 0;
                    while (idx < weights.Length - 1 && r > weights[idx])
                    {
                        r -= weights[idx++];
                    }
                    var p = points[members[idx]];
                    var c = new Coordinate(p.X + (random.NextDouble() * 2 - 1) * spread, p.Y + (random.NextDouble() * 2 - 1) * spread);
                    if (areaPlane.Covers(plane.CreatePoint(c)))
                    {
                        return c;
                    }
                }
                return areaPlane.InteriorPoint.Coordinate;
            }
            Point ToLonLat(Coordinate c)
            {
                var (lon, lat) = projector.ToLonLat(c.X, c.Y);
                return new Point(Math.Round(lon, 6), Math.Round(lat, 6)) { SRID = 6668 };
            }

            var watcherCount = 2 + random.Next(2);
            var watchers = new List<(Watcher W, Coordinate At)>();
            for (var w = 0; w < watcherCount; w++)
            {
                var at = RandomPoint(150);
                var watcher = new Watcher
                {
                    District = district,
                    Name = $"（架空）{s_surnames[random.Next(s_surnames.Length)]}（見守り{w + 1}）",
                    Role = w == 0 ? "福祉協力員" : w == 1 ? "町内会役員" : "近隣住民",
                    Location = ToLonLat(at),
                    IsFictitious = true,
                };
                watchers.Add((watcher, at));
                db.Watchers.Add(watcher);
            }

            var count = 6 + random.Next(7);
            for (var n = 0; n < count; n++)
            {
                var at = RandomPoint(150);
                var unitName = units[members.MinBy(i => points[i].Distance(at))].Name;
                var categories = RandomCategories(random);
                var consentRoll = random.NextDouble();
                var consent = consentRoll < 0.7 ? ConsentStates.Agreed : consentRoll < 0.85 ? ConsentStates.Refused : ConsentStates.Unconfirmed;
                var statusRoll = random.NextDouble();
                var status = statusRoll < 0.94 ? HouseholdStatuses.Active : statusRoll < 0.97 ? HouseholdStatuses.Moved : HouseholdStatuses.Deceased;
                var household = new Household
                {
                    MunicipalityCode = Municipality,
                    District = district,
                    Label = $"（架空）{s_surnames[random.Next(s_surnames.Length)]}さん宅",
                    Address = $"宇部市{unitName}（架空の番地 {random.Next(1, 40)}-{random.Next(1, 20)}）",
                    Location = ToLonLat(at),
                    Categories = categories,
                    DisabilityDetail = categories.Contains(HouseholdCategories.Disability)
                        ? $"（架空）{new[] { "視覚障害", "聴覚障害", "肢体不自由", "内部障害", "知的障害" }[random.Next(5)]}" : null,
                    CareLevel = categories.Contains(HouseholdCategories.Care) ? $"要介護{random.Next(1, 6)}" : null,
                    Notes = random.NextDouble() < 0.5
                        ? $"（架空）{new[] { "週1回の声かけを希望", "昼間は一人", "災害時は近所の方が声かけ", "耳が遠いのでインターホンより訪問", "犬を飼っている" }[random.Next(5)]}" : null,
                    ConsentState = consent,
                    ConsentDate = consent == ConsentStates.Unconfirmed ? null : new DateOnly(2025, random.Next(4, 13), random.Next(1, 29)),
                    ConsentMethod = consent == ConsentStates.Unconfirmed ? null : random.NextDouble() < 0.7 ? "書面" : "口頭（記録あり）",
                    LegalBasis = consent == ConsentStates.Agreed ? "本人同意（災害対策基本法49条の11第2項）" : "名簿の作成（災害対策基本法49条の10）",
                    Status = status,
                    StatusChangedAt = status == HouseholdStatuses.Active ? null : now,
                    IsFictitious = true,
                    CreatedAt = now,
                    CreatedBy = "デモデータ",
                    UpdatedAt = now,
                    UpdatedBy = "デモデータ",
                };
                var byDistance = watchers.OrderBy(w => w.At.Distance(at)).ToList();
                household.Watchers.Add(new WatcherAssignment { Watcher = byDistance[0].W, AssignedAt = now });
                if (byDistance.Count > 1 && random.NextDouble() < 0.3)
                {
                    household.Watchers.Add(new WatcherAssignment { Watcher = byDistance[1].W, AssignedAt = now });
                }
                db.Households.Add(household);
                households++;
            }
        }
        dataset.FeatureCount = chiku.Districts.Count + minsei.Districts.Count + households;
        await db.SaveChangesAsync(ct);
        progress?.Report(new ImportProgress(3, 3, $"デモデータ: 地区 {chiku.Districts.Count}・民生委員担当区域 {minsei.Districts.Count}・架空の世帯 {households} 件"));
        return true;
    }

    private static List<string> RandomCategories(Random random)
    {
        var list = new List<string>();
        var r = random.NextDouble();
        list.Add(r < 0.35 ? HouseholdCategories.LivingAlone : r < 0.6 ? HouseholdCategories.ElderlyOnly : r < 0.72 ? HouseholdCategories.Disability
            : r < 0.85 ? HouseholdCategories.Care : r < 0.95 ? HouseholdCategories.ChildRearing : HouseholdCategories.Other);
        if (list[0] is HouseholdCategories.LivingAlone or HouseholdCategories.ElderlyOnly && random.NextDouble() < 0.3)
        {
            list.Add(HouseholdCategories.Care);
        }
        return HouseholdCategories.All.Where(list.Contains).ToList();
    }

    private static Geometry Union(IEnumerable<Geometry> cells)
    {
        var list = cells.Where(c => !c.IsEmpty).ToList();
        return list.Count == 0 ? GeometryFactory.Default.CreatePolygon() : UnaryUnionOp.Union(list);
    }

    private static District NewDistrict(string name, string code, Geometry plane, PlaneProjector projector)
    {
        var polygons = Enumerable.Range(0, plane.NumGeometries).Select(plane.GetGeometryN).OfType<Polygon>().ToArray();
        var lonLat = projector.ToLonLat(plane.Factory.CreateMultiPolygon(polygons));
        var multi = lonLat as MultiPolygon ?? new GeometryFactory(new PrecisionModel(), 6668).CreateMultiPolygon(
            Enumerable.Range(0, lonLat.NumGeometries).Select(lonLat.GetGeometryN).OfType<Polygon>().ToArray());
        multi.SRID = 6668;
        return new District
        {
            MunicipalityCode = Municipality,
            Code = code,
            Name = name,
            Geometry = multi,
            AreaSquareMetres = Math.Round(plane.Area),
        };
    }
}
