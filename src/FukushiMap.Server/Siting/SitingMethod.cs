using FukushiMap.Analysis.Cities;
using FukushiMap.Core.Siting;

namespace FukushiMap.Server.Siting;

/// <summary>How a siting answer was reached, in plain Japanese, for the page, the printout and saved scenarios.</summary>
public static class SitingMethod
{
    public static string[] Paragraphs(SitingRun run)
    {
        var p = run.Parameters;
        var list = run.StraightLine ? StraightLine(run) : new List<string>
        {
            $"人と距離：人口は徒歩圏の人口カバーと同じく、町丁・字ごとの人口を道路の上に約 25 m ごとに置いたものです。各候補地から道路に沿って歩く距離を" +
            $"測り（{p.Pace.MetresToMinutes(p.BoundMetres):0.#} 分 = {p.BoundMetres:N0} m まで）、徒歩 {p.Minutes:0.#} 分（{p.WalkMetres:N0} m）以内を「届く」とします。" +
            "「届く」の数え方は人口カバーのページと同じなので、いまの数字はそのページの数字と一致します。道路データのない人は、届く人にも届かない人にも数えません。",
            "いまある拠点：すべて残します（閉じる案は考えません）。候補地は、道路の交差点や曲がり角を間隔をあけて選んだ点、指定避難所などの施設、" +
            "一覧で指定した場所です。除外する範囲の中の候補地は選びません。道路から 500 m より遠い候補地は使いません。",
        };
        list.Add(run.StraightLine ? StraightLineQuestion(p) : p.Model switch
        {
            SitingModel.Mclp => $"問い（MCLP、最大被覆問題）：拠点を {p.Add} か所加えて、歩いて {p.Minutes:0.#} 分以内に拠点のある人をできるだけ多くします。" +
                (p.OlderWeight > 0 ? $"65 歳以上の人は {1 + p.OlderWeight:0.#} 人分と数えます（年齢別人口があるときだけ）。" : ""),
            SitingModel.Lscp => $"問い（LSCP、集合被覆問題）：歩いて {p.Minutes:0.#} 分以内に拠点のある人を全人口の {p.TargetShare:P0} にするのに、加える拠点が最も少なくてすむ組み合わせを求めます。",
            _ => $"問い（p-median）：拠点を {p.Add} か所加えて、最寄りの拠点まで歩く距離の合計（= 平均の歩く時間）をできるだけ短くします。" +
                $"{p.Pace.MetresToMinutes(p.BoundMetres):0.#} 分より遠い人はその分数で数えます。",
        });
        if (p.Capacity is { } c) list.Add($"受け入れの上限：拠点 1 か所が受け持つ住民は {c:N0} 人までとし、人を拠点に割り振って数えます。");
        list.Add(run.Solution.Solver == "exact"
            ? "解き方（厳密解法）：混合整数計画を OR-Tools（SCIP）で解きます。まず貪欲法と入れ替え法（Teitz–Bart）でよい案を作り、それより良い案がないことを" +
              "証明します。ギャップは「これ以上よい案があっても、この割合までしか良くならない」ことの証明で、0 なら最適です。時間の上限に達したときはその時点の案とギャップを示します。"
            : "解き方（貪欲法）：効果（新たに届く人、または縮む距離の合計）がいちばん大きい候補地を 1 か所ずつ選びます（遅延評価で計算を省きます）。" +
              "MCLP ではこの方法で最適の 63%（1 − 1/e）以上が保証されます。ギャップは、残りの候補地の効果から計算した「最適でもこれ以上にはならない」上限との差です。");
        list.Add("順位：その拠点を、上の順位の拠点に続けて加えたときの効果の大きい順です。「新たに届く人」は、いまは届かず案で届く人のうち、その拠点がいちばん近い人の数です。");
        return [.. list];
    }

    /// <summary>People and distances where the city has no walking network: straight lines from the 町丁・字's points.</summary>
    private static List<string> StraightLine(SitingRun run)
    {
        var p = run.Parameters;
        return
        [
            $"{run.City.Inputs.MunicipalityName}の歩行ネットワーク（道路データ）はまだ取り込まれていません。そのため、この答えの距離はすべて{CityNetwork.StraightLineLabel}です。" +
            "道路データを取り込むと（./fukushimap import network）、道に沿って歩く距離で求め直します。",
            $"人と距離：人口は徒歩圏の人口カバーと同じく、町丁・字ごとの人口（国勢調査）をその町丁・字の代表点に置いたものです。拠点や候補地から代表点までの" +
            $"直線距離（平面直角座標系）を測り、半径 {p.StraightMetres:N0} m" +
            (p.StraightRadius is null ? $"（歩く時間 {p.Minutes:0.#} 分 × 毎分 {p.Pace.SpeedMetresPerMinute:0.#} m）" : " ") +
            "以内を「届く」とします（国土交通省『都市構造の評価に関するハンドブック』の目安は、徒歩圏 800 m、高齢者の徒歩圏 500 m）。" +
            "「届く」の数え方は人口カバーのページの直線距離と同じなので、いまの数字はそのページの数字と一致します。" +
            "実際に歩く道は直線より長いので、直線距離で「届く」人の中にも歩くと届かない人がいます。",
            "いまある拠点：すべて残します（閉じる案は考えません）。候補地は、人の住む町丁・字の代表点（間隔 spacing m のます目に 1 つまで）、指定避難所などの施設、" +
            "一覧で指定した場所です。除外する範囲の中の候補地は選びません。道路データがないので、道路から遠い候補地を除くことはしません。",
        ];
    }

    private static string StraightLineQuestion(SitingParameters p) => p.Model switch
    {
        SitingModel.Mclp => $"問い（MCLP、最大被覆問題）：拠点を {p.Add} か所加えて、直線距離 {p.StraightMetres:N0} m 以内に拠点のある人をできるだけ多くします。" +
            (p.OlderWeight > 0 ? $"65 歳以上の人は {1 + p.OlderWeight:0.#} 人分と数えます（年齢別人口があるときだけ）。" : ""),
        SitingModel.Lscp => $"問い（LSCP、集合被覆問題）：直線距離 {p.StraightMetres:N0} m 以内に拠点のある人を全人口の {p.TargetShare:P0} にするのに、加える拠点が最も少なくてすむ組み合わせを求めます。",
        _ => $"問い（p-median）：拠点を {p.Add} か所加えて、最寄りの拠点までの直線距離の合計（= 平均の直線距離）をできるだけ短くします。" +
            $"{p.StraightBoundMetres:N0} m より遠い人はその距離で数えます。",
    };
}
