using FukushiMap.Core;
using FukushiMap.Data;
using FukushiMap.Server.Infrastructure;

namespace FukushiMap.Server.Commands;

/// <summary>The CLI behind ./fukushimap: every command except serve.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            return args switch
            {
                ["import", "network", .. var rest] => await NetworkCommands.ImportAsync(CliArgs.Parse(rest), cts.Token),
                ["import", .. var rest] => await ImportCommand.RunAsync(rest, cts.Token),
                ["network", "list", .. var rest] => await NetworkCommands.ListAsync(CliArgs.Parse(rest), Console.Out, cts.Token),
                ["network", "activate", .. var rest] => await NetworkCommands.ActivateAsync(CliArgs.Parse(rest), Console.Out, cts.Token),
                ["distances", .. var rest] => await NetworkCommands.DistancesAsync(CliArgs.Parse(rest), Console.Out, cts.Token),
                ["site", .. var rest] => await Siting.SiteCommand.RunAsync(CliArgs.Parse(rest), Console.Out, cts.Token),
                ["hub-types", .. var rest] => await HubTypeCommands.RunAsync(rest, Console.Out, cts.Token),
                ["migrate", ..] => await MigrateAsync(cts.Token),
                ["demo-welfare", ..] => await WelfareMap.WelfareCommands.DemoWelfareAsync(cts.Token),
                ["demo-users", ..] => await WelfareMap.WelfareCommands.DemoUsersAsync(cts.Token),
                ["coverage", .. var rest] => await Coverage.CoverageCommand.RunAsync(CliArgs.Parse(rest), Console.Out, cts.Token),
                _ => Unknown(args),
            };
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"エラー: {e.Message}");
            return 2;
        }
        catch (FukushiMapError e)
        {
            Console.Error.WriteLine($"エラー: {e.Detail}");
            return ExitCodeOf(e.Kind);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("中断しました（何も保存していません）。");
            return 130;
        }
    }

    /// <summary>The exit code of each kind of domain error (the server maps the same kinds to HTTP statuses).</summary>
    public static int ExitCodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => 2,
        ErrorKind.NotFound => 3,
        ErrorKind.Conflict => 4,
        ErrorKind.TooLarge => 5,
        ErrorKind.Unavailable => 6,
        _ => 1,
    };

    /// <summary>A database context for the CLI, after bringing the schema up to date (no reference data).</summary>
    internal static async Task<FukushiMapDbContext> OpenDatabaseAsync(CancellationToken ct, string? connectionString = null)
    {
        var connection = connectionString ?? Environment.GetEnvironmentVariable("FUKUSHIMAP_DB");
        if (string.IsNullOrEmpty(connection))
        {
            throw new CliException("FUKUSHIMAP_DB が設定されていません。./fukushimap から実行するか、接続文字列を設定してください。");
        }
        var db = FukushiMapDb.CreateContext(connection);
        await DatabaseSetup.PrepareAsync(db, dataPath: null, new ConsoleProgress(Console.Error), ct);
        return db;
    }

    private static async Task<int> MigrateAsync(CancellationToken ct)
    {
        await using var db = await OpenDatabaseAsync(ct);
        Console.WriteLine("データベースは最新です。");
        return 0;
    }

    private static int Unknown(string[] args)
    {
        Console.Error.WriteLine($"不明なコマンドです: {string.Join(' ', args)}（./fukushimap help で一覧を表示します）");
        return 2;
    }
}

/// <summary>A mistake in how a command was called; printed without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>Parsed <c>--name value</c> options and positional arguments.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CliArgs Parse(IEnumerable<string> args)
    {
        var parsed = new CliArgs();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                if (eq > 0)
                {
                    parsed._options[a[2..eq]] = a[(eq + 1)..];
                }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    parsed._options[a[2..]] = list[++i];
                }
                else
                {
                    parsed._options[a[2..]] = null;
                }
            }
            else
            {
                parsed.Positional.Add(a);
            }
        }
        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Require(string name) =>
        Get(name) is { Length: > 0 } v ? v : throw new CliException($"--{name} を指定してください。");

    public double? GetDouble(string name)
    {
        var v = Get(name);
        if (v is null)
        {
            return null;
        }
        return double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new CliException($"--{name} は数値で指定してください（「{v}」）。");
    }
}
