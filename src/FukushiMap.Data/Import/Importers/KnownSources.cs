using FukushiMap.Data.Import.Formats;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// Default credit for files whose attribute schema says where they come from (N03, A27/A32, P20, e-Stat 小地域,
/// 国土地理院 指定緊急避難場所・指定避難所), used when the import does not state its own. Attribution is part of
/// the product: a dataset should never be shown without its credit line.
/// </summary>
internal static class KnownSources
{
    public static DatasetInfo Fill(DatasetInfo given, FeatureFile file)
    {
        var known = Recognise(file);
        if (known is null)
        {
            return given;
        }
        return given with
        {
            Title = given.Title ?? $"{known.Title}（{file.FileName}）",
            Publisher = given.Publisher ?? known.Publisher,
            Licence = given.Licence ?? known.Licence,
            Attribution = given.Attribution ?? known.Attribution,
        };
    }

    private static DatasetInfo? Recognise(FeatureFile file)
    {
        bool Has(string f) => file.FieldNames.Contains(f, StringComparer.OrdinalIgnoreCase);
        const string Ksj = "国土数値情報 利用規約（版により条件が異なるため要確認）";
        if (Has("N03_007"))
        {
            return new DatasetInfo { Title = "国土数値情報 行政区域データ（N03）", Publisher = "国土交通省", Licence = Ksj, Attribution = "国土数値情報（行政区域データ）（国土交通省）を加工して作成" };
        }
        if (file.FieldNames.Any(f => f.StartsWith("A27_", StringComparison.OrdinalIgnoreCase)))
        {
            return new DatasetInfo { Title = "国土数値情報 小学校区データ（A27）", Publisher = "国土交通省", Licence = Ksj, Attribution = "国土数値情報（小学校区データ）（国土交通省）を加工して作成" };
        }
        if (file.FieldNames.Any(f => f.StartsWith("A32_", StringComparison.OrdinalIgnoreCase)))
        {
            return new DatasetInfo { Title = "国土数値情報 中学校区データ（A32）", Publisher = "国土交通省", Licence = Ksj, Attribution = "国土数値情報（中学校区データ）（国土交通省）を加工して作成" };
        }
        if (Has("P20_002"))
        {
            return new DatasetInfo { Title = "国土数値情報 避難施設データ（P20）", Publisher = "国土交通省", Licence = Ksj, Attribution = "国土数値情報（避難施設データ）（国土交通省）" };
        }
        if (Has("KEY_CODE") && Has("JINKO"))
        {
            return new DatasetInfo
            {
                Title = "e-Stat 国勢調査 小地域（町丁・字等）", Publisher = "総務省統計局（政府統計の総合窓口 e-Stat）",
                Licence = "政府標準利用規約（第2.0版、CC BY 4.0 互換）", Attribution = "出典：政府統計の総合窓口(e-Stat)（国勢調査 小地域データ）を加工して作成",
            };
        }
        if (Has("施設・場所名") && Has("共通ID"))
        {
            return new DatasetInfo
            {
                Title = "国土地理院 指定緊急避難場所・指定避難所データ", Publisher = "国土地理院",
                Licence = "国土地理院コンテンツ利用規約（CC BY 4.0 互換）", Attribution = "出典：国土地理院 指定緊急避難場所・指定避難所データ",
            };
        }
        return null;
    }
}
