using System.Globalization;

namespace FukushiMap.Bench;

/// <summary>Command-line options of the bench.</summary>
public sealed record BenchOptions
{
    public const string Usage =
        """
        使い方: ./fukushimap bench [オプション]
          --quick            短い実行（繰り返し 5 回、10⁶ ノードの格子は省略）
          --reps N           各計測の繰り返し回数（既定 15、--quick では 5）
          --network 名前     比べるネットワーク（既定 ube-walk。無ければ参照データから取り込む）
          --data フォルダ    参照データのフォルダ（既定 FUKUSHIMAP_DATA）
          --seed N           拠点を選ぶ乱数の種（既定 35202）
          --out ファイル     Markdown の書き出し先（既定 bench/results/latest.md）
          --skip-city        pgRouting との比較を省き、格子だけ実行する（データベース不要）
          --one-core         このプロセスを CPU 1 個に固定する（探索はもともと 1 スレッド）
        接続先は FUKUSHIMAP_DB（Npgsql の接続文字列）。
        """;

    public bool Quick { get; init; }
    public int Repetitions { get; init; } = 15;
    public string Network { get; init; } = "ube-walk";
    public string? DataPath { get; init; }
    public int Seed { get; init; } = 35202;
    public string? OutputPath { get; init; }
    public bool SkipCity { get; init; }
    public bool PinToOneCore { get; init; }
    public bool Help { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions { DataPath = Environment.GetEnvironmentVariable("FUKUSHIMAP_DATA") is { Length: > 0 } d ? d : null };
        int? reps = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new BenchException($"{args[i]} には値が必要です。");
            int IntValue()
            {
                var name = args[i];
                return int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n : throw new BenchException($"{name} は正の整数で指定してください。");
            }
            o = args[i] switch
            {
                "--quick" => o with { Quick = true },
                "--reps" => o with { Repetitions = (reps = IntValue()).Value },
                "--network" => o with { Network = Value() },
                "--data" => o with { DataPath = Value() },
                "--seed" => o with { Seed = IntValue() },
                "--out" => o with { OutputPath = Value() },
                "--skip-city" => o with { SkipCity = true },
                "--one-core" => o with { PinToOneCore = true },
                "-h" or "--help" or "help" => o with { Help = true },
                _ => throw new BenchException($"不明なオプションです: {args[i]}"),
            };
        }
        if (o.Quick && reps is null) o = o with { Repetitions = 5 };
        if (o.DataPath is not null && !Directory.Exists(o.DataPath))
        {
            throw new BenchException($"参照データのフォルダが見つかりません: {o.DataPath}");
        }
        return o;
    }
}

/// <summary>A problem the person running the bench can fix; printed without a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);

/// <summary>Progress lines on stderr, like the other ./fukushimap commands.</summary>
public static class Log
{
    public static void Say(string message) => Console.Error.WriteLine("==> " + message);
}
