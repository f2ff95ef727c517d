using FukushiMap.Data.Entities;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// Existing facilities of one category (<see cref="ImportRequest.FacilityCategory"/>), offered as siting candidates. Knows the
/// 自治体標準オープンデータセット「介護サービス事業所一覧」 columns (介護サービス事業所名称, 実施サービス, 住所, 電話番号,
/// 法人の名称, 事業所番号) and plain name/address columns.
/// </summary>
internal sealed class FacilityImporter(KindContext context) : PointImporter(context)
{
    private readonly List<Facility> _facilities = [];

    public override void Map()
    {
        var category = Request.FacilityCategory?.Trim();
        if (string.IsNullOrEmpty(category) || !category.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw Problems.Fatal(null, null, "施設の分類のキーを英小文字・数字・ハイフンで指定してください（例: care-service）。");
        }
        var nameField = RequireNameField("介護サービス事業所名称", "施設・場所名", "name", "名称", "施設名");
        var kindField = Field(null, "実施サービス", "kind", "種類");
        var addressField = Use("address", Field(Request.AddressField, "住所", "address", "所在地"));
        var operatorField = Field(null, "法人の名称", "運営主体", "operator");
        var phoneField = Field(null, "電話番号", "phone", "tel");
        var refField = Use("code", Field(Request.CodeField, "事業所番号", "共通ID", "id", "source_ref"));

        foreach (var (f, name, point) in NamedPoints(nameField, "施設", addressField))
        {
            _facilities.Add(new Facility
            {
                MunicipalityCode = Context.MunicipalityCode,
                Category = category,
                Name = name,
                Kind = kindField is null ? null : f.Get(kindField),
                Address = addressField is null ? null : f.Get(addressField),
                Operator = (operatorField is null ? null : f.Get(operatorField)) ?? Request.Operator,
                Phone = phoneField is null ? null : f.Get(phoneField),
                Location = point,
                SourceRef = refField is null ? null : f.Get(refField),
            });
        }
        Notes.Add($"施設の分類: {category}。名前: {nameField}、種類: {kindField ?? "なし"}、ID: {refField ?? "なし"}。");
    }

    public override Task<Dictionary<string, int>> WriteAsync(FukushiMapDbContext db, Dataset dataset, CancellationToken ct) =>
        Task.FromResult(Stage(db.Facilities, "facilities", _facilities, f => f.DatasetId = dataset.Id));
}
