namespace FukushiMap.Server.Commands;

/// <summary><c>./fukushimap import &lt;kind&gt; &lt;file&gt; …</c> for hubs, districts, population, shelters and boundaries.</summary>
public static class ImportCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        Console.Error.WriteLine("この取り込みはまだ使えません。");
        return Task.FromResult(2);
    }
}
