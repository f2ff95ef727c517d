using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// Drop-in hubs of one type, from points (GeoJSON/Shapefile) or lon/lat columns (CSV). Knows the GSI shelter
/// schema (施設・場所名, 住所, 共通ID), 国土数値情報 P20 (P20_002, P20_003) and plain name/address columns.
/// </summary>
internal sealed class HubImporter(KindContext context) : PointImporter(context)
{
    private readonly List<Hub> _hubs = [];
    private HubType? _type;

    public override async Task PrepareAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Request.HubType))
        {
            throw Problems.Fatal(null, null, "拠点の種類を --type で指定してください（キーか名前、例: fureai-center）。");
        }
        var wanted = Request.HubType.Trim();
        _type = await db.HubTypes.AsNoTracking().FirstOrDefaultAsync(t => t.Key == wanted || t.Name == wanted, ct);
        if (_type is null)
        {
            var known = await db.HubTypes.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Key + "（" + t.Name + "）").ToListAsync(ct);
            throw Problems.Fatal(null, null, $"拠点の種類「{wanted}」がありません。ある種類: {string.Join("、", known)}");
        }
    }

    public override void Map()
    {
        var nameField = RequireNameField("施設・場所名", "name", "名称", "施設名", "P20_002", "NAME");
        var addressField = Use("address", Field(Request.AddressField, "住所", "address", "所在地", "P20_003"));
        var refField = Use("code", Field(Request.CodeField, "共通ID", "id", "source_ref", "ID"));
        var operatorField = Field(null, "運営主体", "operator");
        var functionsField = Field(null, "機能", "functions");
        var targetField = Field(null, "対象", "target_groups", "targets");
        var phoneField = Field(null, "電話番号", "phone", "tel");
        var websiteField = Field(null, "website", "url", "ホームページ");
        var noteField = Field(null, "開所時間", "opening_note");
        // What UploadSlot exports of a hub beyond the list columns, so a restored snapshot loses nothing.
        var emailField = Field(null, "email", "メール", "メールアドレス");
        var accessibilityField = Field(null, "accessibility_notes", "バリアフリー");
        var hoursField = Field(null, "opening_hours");
        var retiredField = Field(null, "retired_at");
        var now = DateTimeOffset.UtcNow;
        var seenRefs = new HashSet<string>();

        foreach (var (f, name, point) in NamedPoints(nameField, "拠点", addressField))
        {
            var sourceRef = refField is null ? null : f.Get(refField);
            if (sourceRef is not null && !seenRefs.Add(sourceRef))
            {
                Problems.Add(f.Row, refField, $"ID「{sourceRef}」が重複しています。");
                continue;
            }
            List<OpeningPeriod> hours = [];
            if (hoursField is not null && f.Get(hoursField) is { } hoursJson)
            {
                try
                {
                    hours = System.Text.Json.JsonSerializer.Deserialize<List<OpeningPeriod>>(hoursJson) ?? [];
                }
                catch (System.Text.Json.JsonException)
                {
                    Problems.Add(f.Row, hoursField, "開所時間（opening_hours）が読めません（曜日と開始・終了時刻の JSON の配列で書いてください）。");
                    continue;
                }
            }
            DateTimeOffset? retired = null;
            if (retiredField is not null && f.Get(retiredField) is { } retiredText)
            {
                if (!DateTimeOffset.TryParse(retiredText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var r))
                {
                    Problems.Add(f.Row, retiredField, $"廃止日「{retiredText}」が日時として読めません。");
                    continue;
                }
                retired = r;
            }
            var functions = functionsField is null ? [] : SplitList(f.Get(functionsField));
            var targets = targetField is null ? [] : SplitList(f.Get(targetField));
            _hubs.Add(new Hub
            {
                MunicipalityCode = Context.MunicipalityCode,
                HubTypeId = _type!.Id,
                Name = name,
                Address = addressField is null ? null : f.Get(addressField),
                Location = point,
                Operator = (operatorField is null ? null : f.Get(operatorField)) ?? Request.Operator,
                Functions = functions.Count > 0 ? functions : [.. Request.Functions],
                TargetGroups = targets.Count > 0 ? targets : [.. Request.TargetGroups],
                Phone = phoneField is null ? null : f.Get(phoneField),
                Website = websiteField is null ? null : f.Get(websiteField),
                OpeningNote = noteField is null ? null : f.Get(noteField),
                Email = emailField is null ? null : f.Get(emailField),
                AccessibilityNotes = accessibilityField is null ? null : f.Get(accessibilityField),
                OpeningHours = hours,
                RetiredAt = retired,
                SourceRef = sourceRef,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        Notes.Add($"拠点の種類: {_type!.Name}（{_type.Key}）。名前: {nameField}、住所: {addressField ?? "なし"}、ID: {refField ?? "なし"}。");
    }

    public override Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct) =>
        Task.FromResult(Stage(db.Hubs, "hubs", _hubs, h => h.DatasetId = dataset.Id));
}
