namespace FukushiMap.Server.Commands;

/// <summary>The CLI behind ./fukushimap: every command except serve.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Task.CompletedTask;
        Console.Error.WriteLine($"不明なコマンドです: {args[0]}（./fukushimap help で一覧を表示します）");
        return 2;
    }
}
