using System.Text.RegularExpressions;
using FukushiMap.Data;
using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Commands;

/// <summary>
/// <c>./fukushimap hub-types [list]</c> and <c>./fukushimap hub-types add --key k --name 名前 [--parent key] [--color #rrggbb] [--shape s] [--description …]</c>:
/// hub types are data, and planners add their own.
/// </summary>
public static partial class HubTypeCommands
{
    /// <summary>The symbol shapes the map can draw.</summary>
    public static readonly string[] Shapes = ["circle", "square", "diamond", "triangle", "star", "hexagon", "pentagon", "cross"];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        switch (args)
        {
            case [] or ["list", ..]:
                await ListAsync(scope, output, ct);
                return 0;
            case ["add", .. var rest]:
                var db = scope.Db;
                var a = CliArgs.Parse(rest);
                var key = a.Require("key");
                var name = a.Require("name").Trim();
                if (!KeyPattern().IsMatch(key))
                {
                    throw new CliException("--key は英小文字・数字・ハイフン（2〜40 文字）で指定してください。");
                }
                if (name.Length is 0 or > 60)
                {
                    throw new CliException("--name は 1〜60 文字で指定してください。");
                }
                var color = a.Get("color") ?? "#555555";
                if (!ColorPattern().IsMatch(color))
                {
                    throw new CliException("--color は #rrggbb の形で指定してください。");
                }
                var shape = a.Get("shape") ?? "hexagon";
                if (!Shapes.Contains(shape))
                {
                    throw new CliException($"--shape は {string.Join(", ", Shapes)} のどれかです。");
                }
                if (await db.HubTypes.AnyAsync(t => t.Key == key || t.Name == name, ct))
                {
                    throw new CliException($"キー「{key}」か名前「{name}」の種類はすでにあります。");
                }
                HubType? parent = null;
                if (a.Get("parent") is { } parentKey)
                {
                    parent = await db.HubTypes.SingleOrDefaultAsync(t => t.Key == parentKey, ct)
                        ?? throw new CliException($"親の種類「{parentKey}」はありません。");
                }
                db.HubTypes.Add(new HubType
                {
                    Key = key, Name = name, Color = color, Shape = shape, Parent = parent, Description = a.Get("description"), BuiltIn = false,
                });
                await db.SaveChangesAsync(ct);
                output.WriteLine($"拠点の種類「{name}」（{key}）を追加しました。");
                return 0;
            default:
                throw new CliException("使い方: ./fukushimap hub-types [list] | add --key <キー> --name <名前> [--parent <キー>] [--color #rrggbb] [--shape 形]");
        }
    }

    /// <summary>
    /// One table as tab-separated text. A plain query on a plain connection: a command that starts for a list answers without
    /// building EF's model (most of its start).
    /// </summary>
    private static async Task ListAsync(CommandScope scope, TextWriter output, CancellationToken ct)
    {
        await using var connection = await scope.OpenConnectionAsync(ct);
        await using var list = connection.CreateCommand();
        list.CommandText = """
            SELECT t.key, t.name, p.key, t.color, t.shape, t.built_in
            FROM hub_types t LEFT JOIN hub_types p ON p.id = t.parent_id
            ORDER BY t.id
            """;
        await using var rows = await list.ExecuteReaderAsync(ct);
        output.WriteLine("key\tname\tparent\tcolor\tshape\tbuilt_in");
        while (await rows.ReadAsync(ct))
        {
            var parent = rows.IsDBNull(2) ? "" : rows.GetString(2);
            output.WriteLine($"{rows.GetString(0)}\t{rows.GetString(1)}\t{parent}\t{rows.GetString(3)}\t{rows.GetString(4)}\t{(rows.GetBoolean(5) ? "yes" : "no")}");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();
}
