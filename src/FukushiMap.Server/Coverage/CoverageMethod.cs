using System.Globalization;
using FukushiMap.Core.Network;
using FukushiMap.Analysis.Cities;

namespace FukushiMap.Server.Coverage;

/// <summary>How the figures are made, in words a planner can follow (shown in the API, the page and the printed report).</summary>
public static class CoverageMethod
{
    /// <summary>The method, one paragraph per step, with this analysis's numbers filled in.</summary>
    public static string[] Paragraphs(CoverageRun run)
    {
        var r = run.Request;
        string N0(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var straight = $"{CityNetwork.StraightLineLabel}：歩行ネットワークのデータがない所の人は、町丁・字の代表点から拠点までの直線距離が半径 {N0(r.StraightMetres)} m " +
            (r.StraightRadius is null ? $"（歩く時間 {N0(r.Minutes)} 分 × 毎分 {N0(r.Pace.SpeedMetresPerMinute)} m）" : "") +
            "以内なら「届く」、それより遠ければ「届かない」とします（国土交通省『都市構造の評価に関するハンドブック』の目安は、徒歩圏 800 m、高齢者の徒歩圏 500 m）。" +
            "実際に歩く道は直線より長いので、直線距離で「届く」人の中にも歩くと届かない人がいます。道に沿って歩く距離の数字とは混ぜず、別の列に示します。";
        if (run.City.Network.IsStraightLine)
        {
            return
            [
                $"{run.City.Inputs.MunicipalityName}の歩行ネットワーク（道路データ）はまだ取り込まれていません。そのため、この分析はすべて{CityNetwork.StraightLineLabel}です。" +
                "道路データを取り込むと（./fukushimap import network）、道に沿って歩く距離で数え直します。",
                "人口の置き方：町丁・字ごとの人口（国勢調査）を、その町丁・字の代表点に置きます。",
                straight,
                "区域への集計：人は代表点のある区域に数えます。拠点はその位置の区域に数えます。",
                "空白地域：直線距離で届かない町丁・字の範囲（代表点のボロノイ領域を市区町村の境界と公表面積の円で切った推定範囲）です。届かない人の多い順（65歳以上の人数がわかる場合はその順）に並べます。分は直線距離を歩く速さで割ったものです。",
                $"計画の目安：拠点のない区域（大牟田市の目安：小学校区に 1 か所以上）と、拠点 1 か所あたりの住民が {N0(r.ResidentsPerHub)} 人を超える区域（江戸川区の目安：おおむね 2 万人に 1 か所）を示します。",
            ];
        }
        var spacing = run.City.Placement.SampleSpacingMetres;
        var snap = run.City.Network.Snapper.MaxSnapMetres;
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        string[] paragraphs =
        [
            $"人口の置き方：町丁・字ごとの人口（国勢調査）を、その町丁・字の範囲の中の道路の上に置きます。範囲は、町丁・字の境界を取り込んでいればその形、" +
            $"なければ代表点のボロノイ領域（ほかのどの代表点よりもその代表点に近い場所）を市区町村の境界で切り、さらに公表面積と同じ面積の円（半径 √(面積÷π)）で切ったものです。",
            $"範囲の中の道路に約 {N(spacing)} m ごとに点をとり、人口を道路の長さに比例して整数で割り振ります（最大剰余法）。町丁・字ごとの人数の合計は元の人口と一致します。" +
            $"範囲の中に道路がないときは、代表点から最も近い道路（{N(snap)} m 以内）に置きます。",
            $"「道路データなし」は、代表点から {N(snap)} m 以内に道路がない人と、範囲のうち歩行ネットワークのデータがある範囲（道路の外周から {N(snap)} m）の外にはみ出す部分の人（面積の割合）です。" +
            "届く人にも届かない人にも数えず、別に示します。" + (run.Summary.Total.NoNetwork > 0
                ? $"{run.City.Inputs.MunicipalityName}では {N(run.Summary.Total.NoNetwork)} 人が「道路データなし」です（歩行ネットワーク「{run.City.Network.Loaded.Network.Name}」のデータの外）。"
                : ""),
            $"徒歩圏：拠点から道路に沿って歩いて {N(r.Minutes)} 分（毎分 {N(r.Pace.SpeedMetresPerMinute)} m で {N(r.WalkMetres)} m）以内にいる人を「届く」とします。" +
            "家の前の道路から拠点の前の道路まで道に沿って歩き、拠点が道路から離れていればその分もまっすぐ歩くとして数えます。" +
            "道の長さはデータの長さと地図上の線の長さ（平面直角座標系）の長い方を使います。",
            $"直線距離（比べるため）：拠点から半径 {N(r.StraightMetres)} m の円の中にいる人です。道を歩く距離は直線より短くならないので、同じ半径なら徒歩で届く人は直線で届く人を超えません。" +
            "道路データなしの人は代表点の位置で数えます。",
            .. run.Summary.Total.NoNetwork > 0 ? new[] { straight } : [],
            "区域への集計：人は置かれた場所の区域に数えます（区域にまたがる町丁・字は、置かれた場所で分かれます）。道路データなしの人は代表点のある区域に数えます。拠点はその位置の区域に数えます。",
            "「その拠点だけ」：その拠点からしか徒歩圏に入らない人の数です。その拠点を閉じると届かなくなる人にあたります。",
            "空白地域：届かない人が置かれた点から半径 40 m をまとめた面です。届かない人の多い順（65歳以上の人数がわかる場合はその順）に並べ、いちばん近い拠点まで歩く分数を示します。",
            $"計画の目安：拠点のない区域（大牟田市の目安：小学校区に 1 か所以上）と、拠点 1 か所あたりの住民が {N(r.ResidentsPerHub)} 人を超える区域（江戸川区の目安：おおむね 2 万人に 1 か所）を示します。",
        ];
        return paragraphs;
    }

    /// <summary>Walking minutes for <paramref name="metres"/> at <paramref name="pace"/>, one decimal; null when unreachable.</summary>
    public static double? Minutes(double metres, WalkingPace pace) =>
        double.IsFinite(metres) ? Math.Round(pace.MetresToMinutes(metres), 1) : null;
}
