using FukushiMap.Core.Siting;

namespace FukushiMap.Server.Siting;

/// <summary>How a siting answer was reached, in plain Japanese, for the page, the printout and saved scenarios.</summary>
public static class SitingMethod
{
    public static string[] Paragraphs(SitingRun run)
    {
        var p = run.Parameters;
        var list = new List<string>
        {
            $"人と距離：人口は徒歩圏の人口カバーと同じく、町丁・字ごとの人口を道路の上に約 25 m ごとに置いたものです。各候補地から道路に沿って歩く距離を" +
            $"測り（{p.Pace.MetresToMinutes(p.BoundMetres):0.#} 分 = {p.BoundMetres:N0} m まで）、徒歩 {p.Minutes:0.#} 分（{p.WalkMetres:N0} m）以内を「届く」とします。" +
            "「届く」の数え方は人口カバーのページと同じなので、いまの数字はそのページの数字と一致します。道路データのない人は、届く人にも届かない人にも数えません。",
            "いまある拠点：すべて残します（閉じる案は考えません）。候補地は、道路の交差点や曲がり角を間隔をあけて選んだ点、指定避難所などの施設、" +
            "一覧で指定した場所です。除外する範囲の中の候補地は選びません。道路から 500 m より遠い候補地は使いません。",
        };
        list.Add(p.Model switch
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
}
