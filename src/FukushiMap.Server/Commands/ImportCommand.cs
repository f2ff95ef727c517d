using System.Globalization;
using FukushiMap.Data;
using FukushiMap.Data.Import;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Commands;

/// <summary>
/// <c>./fukushimap import &lt;kind&gt; &lt;file&gt; --municipality &lt;code&gt; [options]</c>: one file, one transaction.
/// Prints progress and a summary (件数); on a refused file prints every problem and exits 1, having changed nothing.
/// Exit codes: 0 imported or already there, 1 refused file, 2 wrong arguments or no database.
/// </summary>
public static class ImportCommand
{
    public const string Usage = """
        使い方: ./fukushimap import <種類> <ファイル> --municipality <市区町村コード> [オプション]

        種類:
          boundary     市区町村の境界（ポリゴン。N03 は N03_007 で絞り込み）
          hubs         拠点（点）。--type <種類のキーか名前> が必要（例: fureai-center, なごみの家）
          districts    区域（ポリゴン）。--layer-key <キー> と --kind <種類> が必要（例: elementary 小学校区）
          population   町丁・字別人口（e-Stat 小地域 DBF/Shapefile/CSV: KEY_CODE, JINKO …）
          shelters     指定避難所・指定緊急避難場所（国土地理院 GeoJSON、国土数値情報 P20）

        形式（拡張子から判定、--format で指定も可）:
          .geojson/.json  GeoJSON (RFC 7946; crs があれば従う)
          .zip/.shp       Shapefile（.prj で座標参照系、.cpg で文字コード）
          .dbf            DBF のみ（e-Stat 小地域の属性表など。Shift_JIS 可）
          .csv            CSV（経度・緯度の列、または wkt 列。UTF-8（BOM 有無）/ Shift_JIS）

        オプション:
          --municipality, -m <コード>   5 桁の市区町村コード（必須。例: 35202）
          --municipality-name <名前>    市区町村がまだないときの名前（例: 札幌市）
          --prefecture <名前>           同じく都道府県名
          --type <キー|名前>            拠点の種類（hubs）
          --layer-key <キー>            区域レイヤーのキー（districts）
          --kind <種類>                 区域の種類（districts。小学校区, 中学校区, 日常生活圏域 …）
          --layer-name <名前>           区域レイヤーの表示名（既定は --kind）
          --shelter-kind <種類>         避難所の種類（ファイルから分からないとき）
          --format <形式>               geojson | shapefile | dbf | csv
          --encoding <文字コード>       utf-8 | cp932（shift_jis）。既定は .cpg、なければ内容から判定
          --crs <EPSG:番号>             座標参照系（.prj より優先。6668, 4326, 4612, 6669〜6687, 2443〜2461）
          --name-field / --code-field / --address-field / --lon-field / --lat-field <項目名>
                                        項目の対応（--code-field name で名前をコードに）
          --functions <相談,居場所>     拠点の機能の既定値   --targets <誰でも>  対象の既定値
          --operator <運営主体>         拠点の運営主体の既定値
          --boundary-from-districts     境界がない市区町村の境界を区域の和にする
          --repair                      不正なポリゴンを修復して取り込む（修復した地物を報告）
          --replace                     同じデータセット（またはレイヤー・人口）を置き換える
          --dataset-key <キー>          データセットのキー（既定: 種類-コード-内容のハッシュ）
          --title / --publisher / --licence / --vintage / --attribution <文字列>
                                        データセットの名前・提供者・ライセンス・時点・出典表記
          --max-features <件数>         地物数の上限（既定 200,000）
          --max-vertices <個数>         1 図形の頂点数の上限（既定 1,000,000）
          --max-file-mb <MB>            ファイルの大きさの上限（既定 100）

        例:
          ./fukushimap import hubs nagomi.csv -m 13123 --type nagomi --functions 相談,居場所 --targets 誰でも
          ./fukushimap import shelters ../shared/gis-data/ube-ksj-p20-shelters/ube_shelters_original_shapefile.zip -m 35202
          ./fukushimap import districts A27-16_35.zip -m 35202 --layer-key elementary --kind 小学校区
        """;

    /// <summary>
    /// Runs the command on the database and reference data of <paramref name="services"/>' <see cref="FukushiMapOptions"/>
    /// (the reference data is loaded first when it is missing).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error,
        CancellationToken ct = default)
    {
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        ImportRequest request;
        try
        {
            request = Parse(args);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"エラー: {e.Message}");
            error.WriteLine("./fukushimap import --help で使い方を表示します。");
            return 2;
        }
        FukushiMapOptions options;
        try
        {
            options = services.GetRequiredService<IOptions<FukushiMapOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            error.WriteLine($"エラー: {string.Join(" ", e.Failures)}");
            return 2;
        }

        var progress = new ConsoleProgress(output);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        try
        {
            await DatabaseSetup.PrepareAsync(db, options.DataPath, progress, ct);
        }
        catch (Npgsql.NpgsqlException e)
        {
            var target = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            error.WriteLine(DatabaseOutage.IsUnavailable(e)
                ? $"エラー: データベース {target.Database}（{target.Host}:{target.Port}）に接続できません。./fukushimap db で起動しているか確認してください。"
                : $"エラー: データベース {target.Database}（{target.Host}:{target.Port}）を準備できません（SQLSTATE {(e as Npgsql.PostgresException)?.SqlState ?? "なし"}）。");
            return 2;
        }
        try
        {
            var result = await Importer.RunAsync(db, request, basePath: null, progress, ct);
            if (result.Skipped)
            {
                output.WriteLine($"取り込み済みのため何もしませんでした（データセット「{result.DatasetKey}」）。置き換えるときは --replace を指定してください。");
                return 0;
            }
            foreach (var note in result.Notes)
            {
                output.WriteLine($"    {note}");
            }
            output.WriteLine($"取り込みました（データセット「{result.DatasetKey}」）:");
            foreach (var (table, count) in result.Written.OrderBy(w => w.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"    {table}: {count:N0} 件");
            }
            return 0;
        }
        catch (ImportException e)
        {
            error.WriteLine($"取り込めませんでした（問題 {e.Problems.Count} 件）。データベースは何も変更していません。");
            foreach (var p in e.Problems)
            {
                error.WriteLine($"  - {p}");
            }
            return 1;
        }
    }

    /// <summary>Turns the arguments after <c>import</c> into a request; throws <see cref="ArgumentException"/> with a Japanese message.</summary>
    public static ImportRequest Parse(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        string[] flagNames = ["--repair", "--replace", "--boundary-from-districts"];
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (flagNames.Contains(a))
            {
                flags.Add(a);
            }
            else if (a.StartsWith('-') && a.Length > 1)
            {
                var name = a == "-m" ? "--municipality" : a;
                string value;
                if (name.Contains('='))
                {
                    value = name[(name.IndexOf('=') + 1)..];
                    name = name[..name.IndexOf('=')];
                }
                else
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{a} の値がありません。");
                    }
                    value = args[++i];
                }
                if (!ReadOptions.Contains(name) && !TextOptions.ContainsKey(name))
                {
                    throw new ArgumentException($"不明なオプションです: {name}");
                }
                options[name] = value;
            }
            else
            {
                positional.Add(a);
            }
        }
        if (positional.Count != 2)
        {
            throw new ArgumentException("種類とファイルを 1 つずつ指定してください（例: import hubs hubs.geojson -m 35202 --type nagomi）。");
        }
        if (!Enum.TryParse<ImportKind>(positional[0], ignoreCase: true, out var kind) || int.TryParse(positional[0], out _))
        {
            throw new ArgumentException($"種類「{positional[0]}」は boundary, hubs, districts, population, shelters のいずれかです。");
        }
        if (!options.TryGetValue("--municipality", out var municipality))
        {
            throw new ArgumentException("--municipality（5 桁の市区町村コード）が必要です。");
        }
        string? Opt(string name) => options.GetValueOrDefault(name);
        int? crs = null;
        if (Opt("--crs") is { } crsText)
        {
            crs = Crs.FromName(crsText) ?? (int.TryParse(crsText, CultureInfo.InvariantCulture, out var n) && Crs.IsSupported(n) ? n : (int?)null)
                ?? throw new ArgumentException($"座標参照系「{crsText}」に対応していません（EPSG:6668, 4326, 4612, 6669〜6687, 2443〜2461）。");
        }
        if (Opt("--format") is { } format && !FeatureFileReader.Formats.Contains(format.ToLowerInvariant()))
        {
            throw new ArgumentException($"形式「{format}」は {string.Join(", ", FeatureFileReader.Formats)} のいずれかです。");
        }
        if (Opt("--encoding") is { } enc && TextEncodings.FromName(enc) is null)
        {
            throw new ArgumentException($"文字コード「{enc}」に対応していません（utf-8 か cp932/shift_jis）。");
        }
        var limits = ImportLimits.Default;
        if (Opt("--max-features") is { } mf)
        {
            limits = limits with { MaxFeatures = PositiveInt("--max-features", mf) };
        }
        if (Opt("--max-vertices") is { } mv)
        {
            limits = limits with { MaxVerticesPerGeometry = PositiveInt("--max-vertices", mv) };
        }
        if (Opt("--max-file-mb") is { } mb)
        {
            limits = limits with { MaxFileBytes = PositiveInt("--max-file-mb", mb) * 1024L * 1024L };
        }
        static List<string> List(string? v) =>
            v is null ? [] : v.Split([',', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

        var request = new ImportRequest
        {
            Kind = kind,
            File = positional[1],
            Municipality = municipality,
            Format = Opt("--format"),
            Encoding = Opt("--encoding"),
            Crs = crs,
            Repair = flags.Contains("--repair"),
            Replace = flags.Contains("--replace"),
            BoundaryFromDistricts = flags.Contains("--boundary-from-districts"),
            Functions = List(Opt("--functions")),
            TargetGroups = List(Opt("--targets")),
            Limits = limits,
        };
        foreach (var (name, value) in options)
        {
            if (TextOptions.TryGetValue(name, out var set))
            {
                request = set(request, value);
            }
        }
        return request;
    }

    /// <summary>The options checked or converted one by one in <see cref="Parse"/>.</summary>
    private static readonly string[] ReadOptions =
    [
        "--municipality", "--format", "--encoding", "--crs", "--functions", "--targets", "--max-features", "--max-vertices", "--max-file-mb",
    ];

    /// <summary>The options that set one text field of the request as written (names of fields, layers, credits).</summary>
    private static readonly Dictionary<string, Func<ImportRequest, string, ImportRequest>> TextOptions = new(StringComparer.Ordinal)
    {
        ["--municipality-name"] = (r, v) => r with { MunicipalityName = v },
        ["--prefecture"] = (r, v) => r with { Prefecture = v },
        ["--type"] = (r, v) => r with { HubType = v },
        ["--layer-key"] = (r, v) => r with { LayerKey = v },
        ["--kind"] = (r, v) => r with { LayerKind = v },
        ["--layer-name"] = (r, v) => r with { LayerName = v },
        ["--shelter-kind"] = (r, v) => r with { ShelterKind = v },
        ["--name-field"] = (r, v) => r with { NameField = v },
        ["--code-field"] = (r, v) => r with { CodeField = v },
        ["--address-field"] = (r, v) => r with { AddressField = v },
        ["--lon-field"] = (r, v) => r with { LonField = v },
        ["--lat-field"] = (r, v) => r with { LatField = v },
        ["--operator"] = (r, v) => r with { Operator = v },
        ["--dataset-key"] = (r, v) => r with { Dataset = r.Dataset with { Key = v } },
        ["--title"] = (r, v) => r with { Dataset = r.Dataset with { Title = v } },
        ["--publisher"] = (r, v) => r with { Dataset = r.Dataset with { Publisher = v } },
        ["--licence"] = (r, v) => r with { Dataset = r.Dataset with { Licence = v } },
        ["--vintage"] = (r, v) => r with { Dataset = r.Dataset with { Vintage = v } },
        ["--attribution"] = (r, v) => r with { Dataset = r.Dataset with { Attribution = v } },
    };

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} は正の整数で指定してください（「{value}」）。");
}
