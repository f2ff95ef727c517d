using System.Diagnostics;
using System.Text.RegularExpressions;
using FukushiMap.Server.Tests.Infrastructure;

namespace FukushiMap.Server.Tests.Features;

/// <summary>GDAL's OAPIF driver as a real client of the OGC API.</summary>
[Collection(ServerCollection.Name)]
public partial class GdalClientTests(ServerFixture server)
{
    [RequiresOgrinfoFact]
    public async Task OgrinfoListsEveryCollectionWithTheApisFeatureCount()
    {
        var (exitCode, output) = await Ogrinfo.RunAsync("-ro", "-al", "-so", $"OAPIF:{server.BaseUrl}");
        Assert.True(exitCode == 0, output);

        var counts = LayerCount().Matches(output).ToDictionary(m => m.Groups["layer"].Value, m => long.Parse(m.Groups["count"].Value));
        var collections = (await server.Client.GetJsonAsync("/collections")).GetProperty("collections").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()!).ToList();

        Assert.Equal(collections.Order(), counts.Keys.Order());
        foreach (var id in collections)
        {
            var matched = (await server.Client.GetJsonAsync($"/collections/{id}/items?limit=1")).GetProperty("numberMatched").GetInt64();
            Assert.True(matched == counts[id], $"{id}: ogrinfo {counts[id]}, API {matched}\n{output}");
        }
    }

    [RequiresOgrinfoFact]
    public async Task OgrinfoReadsEveryHubOfUbeThroughTheNextLinks()
    {
        // GDAL pages with limit=10 and follows next; -where on a queryable is sent to the server.
        var (exitCode, output) = await Ogrinfo.RunAsync("-ro", "-q", "-where", "municipality_code='35202'", $"OAPIF:{server.BaseUrl}", "hubs");
        Assert.True(exitCode == 0, output);

        var expected = (await server.Client.GetJsonAsync("/collections/hubs/items?municipality_code=35202&limit=1")).GetProperty("numberMatched").GetInt64();
        Assert.Equal(expected, Regex.Matches(output, @"^OGRFeature\(hubs\):", RegexOptions.Multiline).Count);
    }

    [GeneratedRegex(@"^Layer name: (?<layer>\S+)$(?:(?!^Layer name:).)*?^Feature Count: (?<count>\d+)$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex LayerCount();
}

/// <summary>A fact that is skipped, saying why, when GDAL's ogrinfo is not installed (./fukushimap test installs gdal-bin).</summary>
public sealed class RequiresOgrinfoFactAttribute : FactAttribute
{
    public RequiresOgrinfoFactAttribute()
    {
        if (Ogrinfo.Path is null)
        {
            Skip = "ogrinfo（gdal-bin）がインストールされていないため省略します。apt-get install gdal-bin で入ります。";
        }
    }
}

internal static class Ogrinfo
{
    /// <summary>The ogrinfo on PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "ogrinfo"))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs ogrinfo and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        // No proxy between GDAL and the loopback server.
        start.Environment["GDAL_HTTP_PROXY"] = "";
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung client, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
