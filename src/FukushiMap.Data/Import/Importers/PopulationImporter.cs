using System.Globalization;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Import.Formats;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// Population per 町丁・字 from e-Stat 小地域 data (境界データ DBF/Shapefile, or the same columns in CSV/GeoJSON):
/// KEY_CODE, KEN+CITY, MOJI, HCODE, KIGO_E, JINKO, SETAI, AREA, X_CODE/Y_CODE.
/// <list type="bullet">
/// <item>Rows of other municipalities (KEN+CITY ≠ the code) are left out, so a prefecture file can be given.</item>
/// <item>HCODE 8154 (水面, water) rows are left out: nobody lives there.</item>
/// <item>KIGO_D D1 (抜け地) rows are left out: an enclave of another municipality inside this one's outline (大牟田市 has three,
/// KEY_CODE 「40」, population 0), not one of its 町丁. One with people would be kept (and its KEY_CODE checked as any other).</item>
/// <item>KIGO_E marks an area split into parts (E1, E2 …) that share one KEY_CODE. The population belongs to the
/// area once, carried on the E1 row; E2… rows never add to it (some releases repeat the figure on every part).
/// The parts become one unit: E1's name and representative point, the sum of the parts' AREA.</item>
/// </list>
/// A file without KEY_CODE that has a 町丁 column and counts is read as a 住民基本台帳 町丁別年齢別 table
/// (<see cref="ResidentRegisterTable"/>) and joined by name to the municipality's units (<see cref="MapResidentRegister"/>).
/// </summary>
internal sealed class PopulationImporter(KindContext context) : KindImporter(context)
{
    /// <summary>HCODE of 水面 (water) areas.</summary>
    public const string WaterHcode = "8154";

    /// <summary>KIGO_D of an enclave of another municipality (抜け地).</summary>
    public const string EnclaveKigoD = "D1";

    private readonly List<PopulationUnit> _units = [];
    private bool _hasExisting;

    /// <summary>The 町丁 column of a 住民基本台帳 table (no KEY_CODE); null for e-Stat layouts.</summary>
    private string? _residentNameField;

    /// <summary>The municipality's units as they are, which a 住民基本台帳 table's rows are matched to by name.</summary>
    private List<PopulationUnit> _existing = [];

    public override async Task PrepareAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        _hasExisting = await db.PopulationUnits.AnyAsync(p => p.MunicipalityCode == Context.MunicipalityCode, ct);
        if (_hasExisting && !Request.Replace)
        {
            throw Problems.Fatal(null, null, $"市区町村 {Context.MunicipalityCode} の人口は取り込み済みです。置き換えるときは --replace を指定してください。");
        }
        if (Request.CodeField is null && !Context.File.FieldNames.Contains("KEY_CODE", StringComparer.OrdinalIgnoreCase) && ResidentRegisterTable.NameField(Context.File.FieldNames) is { } nameField)
        {
            _residentNameField = Use("name", nameField);
            _existing = await db.PopulationUnits.AsNoTracking().Where(p => p.MunicipalityCode == Context.MunicipalityCode).OrderBy(p => p.KeyCode).ToListAsync(ct);
        }
    }

    public override void Map()
    {
        if (_residentNameField is not null)
        {
            MapResidentRegister(_residentNameField);
            return;
        }
        var keyField = Use("code", Field(Request.CodeField, "KEY_CODE"));
        var popField = Use("population", Field(null, "JINKO", "population", "人口"));
        if (keyField is null || popField is null)
        {
            throw Problems.Fatal(null, keyField is null ? "KEY_CODE" : "JINKO",
                $"e-Stat 小地域の列（KEY_CODE, JINKO）が見つかりません（ある項目: {string.Join(", ", Context.File.FieldNames)}）。");
        }
        var nameField = Use("name", Field(Request.NameField, "MOJI", "name", "名称"));
        var householdField = Field(null, "SETAI", "households", "世帯数");
        var areaField = Field(null, "AREA");
        var xField = Use("lon", Field(Request.LonField, "X_CODE", "lon", "経度"));
        var yField = Use("lat", Field(Request.LatField, "Y_CODE", "lat", "緯度"));
        var hasKenCity = Field(null, "KEN") is not null && Field(null, "CITY") is not null;
        // Age bands when the file has them (what UploadSlot exports of units that carry them).
        var ageFields = new[] { "age_0_14", "age_15_64", "age_65_plus", "age_75_plus" }.Select(a => Field(null, a)).ToArray();

        var rows = new List<(SourceFeature F, string Key, string Part, int Population)>();
        int otherCity = 0, water = 0, enclaves = 0;
        foreach (var f in Context.File.Features)
        {
            var key = f.Get(keyField);
            if (key is null)
            {
                Problems.Add(f.Row, keyField, "KEY_CODE が空です。");
                continue;
            }
            var city = hasKenCity ? $"{f.Get("KEN")?.PadLeft(2, '0')}{f.Get("CITY")?.PadLeft(3, '0')}" : key[..Math.Min(5, key.Length)];
            if (city != Context.MunicipalityCode)
            {
                otherCity++;
                continue;
            }
            if (f.Get("HCODE") == WaterHcode)
            {
                water++;
                continue;
            }
            if (f.Get("KIGO_D") == EnclaveKigoD && f.Get(popField) is null or "0")
            {
                enclaves++;
                continue;
            }
            var popText = f.Get(popField);
            var population = 0;
            if (popText is not null && (!double.TryParse(popText, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p != Math.Floor(p)))
            {
                Problems.Add(f.Row, popField, $"人口「{popText}」が 0 以上の整数ではありません。");
                continue;
            }
            else if (popText is not null)
            {
                population = (int)double.Parse(popText, CultureInfo.InvariantCulture);
            }
            rows.Add((f, key, f.Get("KIGO_E")?.ToUpperInvariant() ?? "", population));
        }
        if (otherCity > 0)
        {
            Notes.Add($"市区町村 {Context.MunicipalityCode} 以外の {otherCity:N0} 行を除きました。");
        }
        if (water > 0)
        {
            Notes.Add($"水面（HCODE {WaterHcode}）の {water} 行を除きました。");
        }
        if (enclaves > 0)
        {
            Notes.Add($"ほかの市区町村の抜け地（KIGO_D {EnclaveKigoD}）の {enclaves} 行を除きました。");
        }
        if (rows.Count == 0 && !Problems.Any)
        {
            Problems.Add(null, keyField, $"市区町村 {Context.MunicipalityCode} の行がありません。");
            return;
        }

        var merged = 0;
        foreach (var group in rows.GroupBy(r => r.Key))
        {
            var parts = group.ToList();
            var lead = parts[0];
            if (parts.Count > 1)
            {
                if (parts.Any(x => x.Part.Length == 0))
                {
                    Problems.Add(parts[1].F.Row, keyField, $"KEY_CODE「{group.Key}」が重複しています（KIGO_E による分割の印もありません）。");
                    continue;
                }
                var e1 = parts.Where(x => x.Part == "E1").ToList();
                if (e1.Count != 1)
                {
                    Problems.Add(parts[0].F.Row, "KIGO_E", $"KEY_CODE「{group.Key}」の分割地域に E1 がちょうど 1 つありません（{string.Join(",", parts.Select(x => x.Part))}）。");
                    continue;
                }
                lead = e1[0];
                merged += parts.Count - 1;
            }
            var f = lead.F;
            Point? point = null;
            MultiPolygon? polygon = null;
            if (parts.Any(x => x.F.Geometry is not null))
            {
                var geometries = new List<Geometry>();
                foreach (var part in parts)
                {
                    if (Context.CheckedGeometry(part.F) is { } g)
                    {
                        geometries.Add(g);
                    }
                }
                if (geometries.Count != parts.Count)
                {
                    continue;
                }
                if (geometries.All(g => g is Polygon or MultiPolygon))
                {
                    polygon = GeometryChecks.UnionPolygons(geometries);
                }
                else if (geometries.Count == 1 && geometries[0] is Point pt)
                {
                    point = pt;
                }
                else
                {
                    Problems.Add(f.Row, "geometry", "人口の単位はポリゴンか点でなければなりません。");
                    continue;
                }
            }
            if (xField is not null && yField is not null && f.Get(xField) is not null)
            {
                point = Context.PointFromColumns(f, xField, yField);
                if (point is null)
                {
                    continue;
                }
            }
            if (point is null && polygon is not null)
            {
                point = polygon.InteriorPoint;
                point.SRID = Crs.Jgd2011;
            }
            if (point is null)
            {
                Problems.Add(f.Row, xField ?? "geometry", "代表点（X_CODE/Y_CODE）もジオメトリもありません。");
                continue;
            }
            double? area = null;
            if (areaField is not null)
            {
                var areas = parts.Select(x => (x.F.Row, Text: x.F.Get(areaField))).Where(a => a.Text is not null).ToList();
                var bad = areas.FirstOrDefault(a => !double.TryParse(a.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0);
                if (bad.Text is not null)
                {
                    Problems.Add(bad.Row, areaField, $"面積「{bad.Text}」が 0 以上の数ではありません。");
                    continue;
                }
                if (areas.Count > 0)
                {
                    area = areas.Sum(a => double.Parse(a.Text!, CultureInfo.InvariantCulture));
                }
            }
            if (area is null && polygon is not null)
            {
                area = Crs.Projector(Context.PlaneSrid).AreaSquareMetres(polygon);
            }
            int? households = null;
            if (householdField is not null && f.Get(householdField) is { } h
                && double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out var hh))
            {
                households = (int)hh;
            }
            _units.Add(new PopulationUnit
            {
                MunicipalityCode = Context.MunicipalityCode,
                KeyCode = group.Key,
                // e-Stat leaves MOJI empty for areas without a 町丁 name (e.g. 山形市 062011540, mountain forest): say so in words.
                Name = (nameField is null ? null : f.Get(nameField)) is { Length: > 0 } named ? named : $"町丁名のない区域（{group.Key}）",
                Population = lead.Population,
                Households = households,
                AreaSquareMetres = area,
                Point = point,
                Polygon = polygon,
                Age0To14 = Count(f, ageFields[0]),
                Age15To64 = Count(f, ageFields[1]),
                Age65Plus = Count(f, ageFields[2]),
                Age75Plus = Count(f, ageFields[3]),
            });
            Preview.Add(new PreviewFeature(f.Row, _units[^1].Name, point));
        }
        if (merged > 0)
        {
            Notes.Add($"分割地域（KIGO_E）の {merged} 行を E1 の行にまとめました（人口は E1 の値のみ）。");
        }
        Notes.Add($"{rows.Count:N0} 行 → {_units.Count:N0} 単位、人口計 {_units.Sum(u => (long)u.Population):N0} 人。");
    }

    /// <summary>An optional whole-number column (a count); empty or absent is null, anything else a problem.</summary>
    private int? Count(SourceFeature f, string? field)
    {
        if (field is null || f.Get(field) is not { } text)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        Problems.Add(f.Row, field, $"「{text}」が 0 以上の整数（人数）ではありません。");
        return null;
    }

    /// <summary>
    /// A 住民基本台帳 町丁別年齢別 table: each row joined by 町丁 name (<see cref="ChomeNames"/>) to one of the municipality's units,
    /// whose KEY_CODE, name, representative point, polygon and area are kept; population, households (when the file has them,
    /// else none: the census figure is of another year) and age bands come from the file. A row matching no unit or several
    /// is a problem; so is a unit with people that no row matches — the figures of two years are never mixed. Units of 0
    /// people that no row names stay with 0.
    /// </summary>
    private void MapResidentRegister(string nameField)
    {
        if (_existing.Count == 0)
        {
            throw Problems.Fatal(null, nameField,
                $"住民基本台帳の表には位置がないため、町丁・字の位置（国勢調査の小地域など）がある市区町村にしか取り込めません。市区町村 {Context.MunicipalityCode} にはまだ人口の単位がありません。先に e-Stat 小地域のファイルを取り込んでください。");
        }
        var rows = ResidentRegisterTable.Read(Context.File, nameField, Problems, Notes);
        var city = Context.Municipality?.Name;
        var byKey = _existing.GroupBy(u => ChomeNames.Key(u.Name, city)).ToDictionary(g => g.Key, g => g.ToList());
        var matched = new Dictionary<string, ResidentRow>();
        foreach (var row in rows)
        {
            if (!byKey.TryGetValue(ChomeNames.Key(row.Name, city), out var units))
            {
                Problems.Add(row.Row, nameField, $"町丁名「{row.Name}」にあたる町丁・字がいまの人口データにありません（名前の書き方を確かめてください）。");
                continue;
            }
            if (units.Count > 1)
            {
                Problems.Add(row.Row, nameField,
                    $"町丁名「{row.Name}」にあたる町丁・字が {units.Count} つあります（{string.Join("、", units.Select(u => $"{u.Name}（{u.KeyCode}）"))}）。どれの人口か決められません。");
                continue;
            }
            var unit = units[0];
            if (matched.TryGetValue(unit.KeyCode, out var earlier))
            {
                Problems.Add(row.Row, nameField, $"町丁名「{row.Name}」は {earlier.Row} 件目の「{earlier.Name}」と同じ町丁・字（{unit.Name}）です。");
                continue;
            }
            matched[unit.KeyCode] = row;
        }
        var empty = 0;
        foreach (var unit in _existing)
        {
            if (matched.TryGetValue(unit.KeyCode, out var row))
            {
                _units.Add(new PopulationUnit
                {
                    MunicipalityCode = Context.MunicipalityCode,
                    KeyCode = unit.KeyCode,
                    Name = unit.Name,
                    Population = row.Population,
                    Households = row.Households,
                    AreaSquareMetres = unit.AreaSquareMetres,
                    Point = unit.Point,
                    Polygon = unit.Polygon,
                    Age0To14 = row.Ages?.Age0To14,
                    Age15To64 = row.Ages?.Age15To64,
                    Age65Plus = row.Ages?.Age65Plus,
                    Age75Plus = row.Ages?.Age75Plus,
                });
                Preview.Add(new PreviewFeature(row.Row, unit.Name, unit.Point));
            }
            else if (unit.Population == 0)
            {
                empty++;
                _units.Add(new PopulationUnit
                {
                    MunicipalityCode = Context.MunicipalityCode, KeyCode = unit.KeyCode, Name = unit.Name, Population = 0,
                    AreaSquareMetres = unit.AreaSquareMetres, Point = unit.Point, Polygon = unit.Polygon,
                });
            }
            else
            {
                Problems.Add(null, nameField,
                    $"町丁・字「{unit.Name}」（いまの人口 {unit.Population:N0} 人）にあたる行がファイルにありません。年の違う人口を混ぜないよう、人のいる町丁・字がすべてそろうまで取り込みません。");
            }
        }
        if (empty > 0)
        {
            Notes.Add($"ファイルにない町丁・字のうち、いまの人口が 0 人の {empty} か所は 0 人のまま残します。");
        }
        if (rows.Any(r => r.Households is not null))
        {
            Notes.Add("世帯数はファイルの値を使います。");
        }
        else
        {
            Notes.Add("ファイルに世帯数がないため、世帯数は空にします（国勢調査の世帯数と年を混ぜないため）。");
        }
        Notes.Add($"{rows.Count:N0} 行 → {_units.Count:N0} 単位（位置はいまの町丁・字の代表点）、人口計 {_units.Sum(u => (long)u.Population):N0} 人、65 歳以上 {_units.Sum(u => (long)(u.Age65Plus ?? 0)):N0} 人。");
    }

    public override async Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct)
    {
        if (_hasExisting)
        {
            await db.PopulationUnits.Where(p => p.MunicipalityCode == Context.MunicipalityCode).ExecuteDeleteAsync(ct);
        }
        foreach (var u in _units)
        {
            u.DatasetId = dataset.Id;
        }
        db.PopulationUnits.AddRange(_units);
        FeatureCount = _units.Count;
        return new Dictionary<string, int> { ["population_units"] = _units.Count };
    }
}
