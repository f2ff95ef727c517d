using FukushiMap.Core;
using FukushiMap.Data;
using FukushiMap.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Commands;

/// <summary>The CLI behind ./fukushimap: every command except serve.</summary>
public static class CommandLine
{
    /// <summary>Runs one command on the <see cref="CommandHost"/>, at the terminal (Ctrl+C cancels).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        using var host = CommandHost.Build();
        return await RunAsync(args, host.Services, cts.Token);
    }

    /// <summary>Runs one command with <paramref name="services"/> (the command host's, or a running server's in tests).</summary>
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, CancellationToken ct)
    {
        try
        {
            return args switch
            {
                ["import", "network", .. var rest] => await NetworkCommands.ImportAsync(CliArgs.Parse(rest), services, ct),
                ["import", .. var rest] => await ImportCommand.RunAsync(rest, services, Console.Out, Console.Error, ct),
                ["network", "list", .. var rest] => await NetworkCommands.ListAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                ["network", "activate", .. var rest] => await NetworkCommands.ActivateAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                ["distances", .. var rest] => await NetworkCommands.DistancesAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                ["site", .. var rest] => await Siting.SiteCommand.RunAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                ["hub-types", .. var rest] => await HubTypeCommands.RunAsync(rest, services, Console.Out, ct),
                ["migrate", ..] => await MigrateAsync(services, ct),
                ["demo-welfare", ..] => await WelfareMap.WelfareCommands.DemoWelfareAsync(services, ct),
                ["demo-users", ..] => await WelfareMap.WelfareCommands.DemoUsersAsync(services, ct),
                ["planner-cities", .. var rest] => await WelfareMap.WelfareCommands.PlannerCitiesAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                ["coverage", .. var rest] => await Coverage.CoverageCommand.RunAsync(CliArgs.Parse(rest), services, Console.Out, ct),
                _ => Unknown(args),
            };
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"エラー: {e.Message}");
            return 2;
        }
        catch (OptionsValidationException e)
        {
            // FukushiMapOptions says what is missing (e.g. the connection string) in Japanese.
            Console.Error.WriteLine($"エラー: {string.Join(" ", e.Failures)}");
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

    private static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        Console.WriteLine("データベースは最新です。");
        return 0;
    }

    private static int Unknown(string[] args)
    {
        Console.Error.WriteLine($"不明なコマンドです: {string.Join(' ', args)}（./fukushimap help で一覧を表示します）");
        return 2;
    }
}

/// <summary>
/// One command's scope of the host's services and its database context, the schema brought up to date first
/// (migrations and built-in hub types; no reference data, which <c>serve</c> loads). The context is made when first asked for:
/// a command that only reads through <see cref="OpenConnectionAsync"/> starts without building EF's model.
/// </summary>
public sealed class CommandScope : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly string _connectionString;
    private FukushiMapDbContext? _db;

    private CommandScope(AsyncServiceScope scope)
    {
        _scope = scope;
        _connectionString = scope.ServiceProvider.GetRequiredService<IOptions<FukushiMapOptions>>().Value.ConnectionString;
    }

    public FukushiMapDbContext Db => _db ??= _scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();

    public IServiceProvider Services => _scope.ServiceProvider;

    /// <summary>A plain connection to the command's database, open (the caller disposes it).</summary>
    public async Task<Npgsql.NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public static async Task<CommandScope> OpenAsync(IServiceProvider services, CancellationToken ct, TextWriter? progress = null)
    {
        var scope = new CommandScope(services.CreateAsyncScope());
        try
        {
            if (!await DatabaseSetup.IsPreparedAsync(scope._connectionString, ct))
            {
                await DatabaseSetup.PrepareAsync(scope.Db, dataPath: null, new ConsoleProgress(progress ?? Console.Error), ct);
            }
            return scope;
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _scope.DisposeAsync();
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
