using FukushiMap.Server.Infrastructure;

namespace FukushiMap.Server.Commands;

/// <summary>The CLI behind ./fukushimap: every command except serve.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args[0])
        {
            case "import":
                return await ImportCommand.RunAsync(args[1..], Environment.GetEnvironmentVariable("FUKUSHIMAP_DB"), DataPaths.Resolve(),
                    Console.Out, Console.Error);
        }
        Console.Error.WriteLine($"不明なコマンドです: {args[0]}（./fukushimap help で一覧を表示します）");
        return 2;
    }
}
