using FukushiMap.Data.Entities;
using FukushiMap.Data.Import.Formats;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// Designated shelters. Reads the 国土地理院 指定緊急避難場所 / 指定避難所 GeoJSON (hazard columns 洪水 … 火山現象
/// with "1" for designated) and 国土数値情報 P20 避難施設 (P20_002 名称, P20_003 住所, P20_004 種類, P20_005 収容人数,
/// P20_007 地震, P20_008 津波, P20_009 水害, P20_010 火山 as 1/0 flags), or plain name/address columns.
/// </summary>
internal sealed class ShelterImporter(KindContext context) : PointImporter(context)
{
    /// <summary>GSI hazard column → the hazard word stored.</summary>
    internal static readonly (string Column, string Hazard)[] GsiHazards =
    [
        ("洪水", "洪水"),
        ("崖崩れ、土石流及び地滑り", "崖崩れ等"),
        ("高潮", "高潮"),
        ("地震", "地震"),
        ("津波", "津波"),
        ("大規模な火事", "大規模な火事"),
        ("内水氾濫", "内水氾濫"),
        ("火山現象", "火山"),
    ];

    /// <summary>P20 flag column → hazard (P20_009 水害 is stored as 洪水).</summary>
    internal static readonly (string Column, string Hazard)[] P20Hazards =
    [
        ("P20_007", "地震"),
        ("P20_008", "津波"),
        ("P20_009", "洪水"),
        ("P20_010", "火山"),
    ];

    private readonly List<Shelter> _shelters = [];

    public override void Map()
    {
        var fields = Context.File.FieldNames;
        bool Has(string f) => fields.Contains(f, StringComparer.OrdinalIgnoreCase);
        var isGsiEmergency = GsiHazards.Count(h => Has(h.Column)) >= 4;
        var isGsiEvacuation = !isGsiEmergency && Has("施設・場所名") && Has("指定緊急避難場所との住所同一");
        var isP20 = Has("P20_002");
        var fixedKind = Request.ShelterKind
            ?? (isGsiEmergency ? "指定緊急避難場所" : isGsiEvacuation ? "指定避難所" : null);
        var kindField = fixedKind is null ? Use("type", Field(null, "P20_004", "種類", "kind")) : null;
        if (fixedKind is null && kindField is null)
        {
            throw Problems.Fatal(null, null, "避難所の種類が分かりません。--shelter-kind（指定避難所 / 指定緊急避難場所）で指定してください。");
        }
        var nameField = RequireNameField("施設・場所名", "P20_002", "name", "名称", "施設名");
        var addressField = Use("address", Field(Request.AddressField, "住所", "P20_003", "address", "所在地"));
        var refField = Use("code", Field(Request.CodeField, "共通ID", "id", "NO"));
        var capacityField = Field(null, "P20_005", "収容人数", "capacity");
        var hazardColumns = isGsiEmergency ? GsiHazards : isP20 ? P20Hazards : [];
        // A plain list (洪水、地震 …): what UploadSlot exports, and what a city's own list may have.
        var hazardListField = hazardColumns.Length == 0 ? Field(null, "hazards", "災害種別") : null;

        foreach (var (f, name, point) in NamedPoints(nameField, "避難所", addressField))
        {
            var kind = fixedKind ?? f.Get(kindField!);
            if (kind is null)
            {
                Problems.Add(f.Row, kindField, "避難所の種類が空です。");
                continue;
            }
            int? capacity = null;
            if (capacityField is not null && f.Get(capacityField) is { } c)
            {
                if (double.TryParse(c, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var cap))
                {
                    capacity = cap > 0 ? (int)cap : null; // P20 uses -1/0 for 不明.
                }
                else
                {
                    Problems.Add(f.Row, capacityField, $"収容人数「{c}」が数値ではありません。");
                }
            }
            _shelters.Add(new Shelter
            {
                MunicipalityCode = Context.MunicipalityCode,
                Name = name,
                Address = addressField is null ? null : f.Get(addressField),
                Kind = kind,
                Hazards = hazardListField is not null ? SplitList(f.Get(hazardListField))
                    : hazardColumns.Where(h => f.Get(h.Column) == "1").Select(h => h.Hazard).Distinct().ToList(),
                Capacity = capacity,
                Location = point,
                SourceRef = refField is null ? null : f.Get(refField),
            });
        }
        Notes.Add(isGsiEmergency ? "国土地理院の指定緊急避難場所データとして読みました（災害種別の列あり）。"
            : isGsiEvacuation ? "国土地理院の指定避難所データとして読みました（災害種別の列はありません）。"
            : isP20 ? "国土数値情報 P20（避難施設）として読みました（P20_007〜010 を災害種別に、P20_009 水害は「洪水」として）。"
            : $"種類: {fixedKind ?? kindField}");
    }

    public override Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct) =>
        Task.FromResult(Stage(db.Shelters, "shelters", _shelters, s => s.DatasetId = dataset.Id));
}
