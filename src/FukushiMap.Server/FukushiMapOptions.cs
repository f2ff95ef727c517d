using System.ComponentModel.DataAnnotations;

namespace FukushiMap.Server;

/// <summary>
/// Settings of the server and CLI. Defaults live here; appsettings.json documents each key;
/// environment variables override (FUKUSHIMAP_DB, FUKUSHIMAP_DATA, or FukushiMap__Key).
/// </summary>
public sealed class FukushiMapOptions
{
    public const string Section = "FukushiMap";

    /// <summary>What a server or command without <see cref="ConnectionString"/> says.</summary>
    public const string MissingConnectionString = "データベースの接続文字列がありません。./fukushimap から実行するか、FUKUSHIMAP_DB を設定してください。";

    /// <summary>Npgsql connection string of the PostGIS database (FUKUSHIMAP_DB). Required (<see cref="MissingConnectionString"/>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Folder of the reference data (FUKUSHIMAP_DATA; default ../shared/gis-data).</summary>
    public string? DataPath { get; set; }

    /// <summary>Write the exact siting solver's log (SCIP) to standard output (FUKUSHIMAP_SCIP_LOG=true), for finding why a solve is slow.</summary>
    public bool SolverLog { get; set; }

    /// <summary>Load the reference data on start when it is missing.</summary>
    public bool LoadReferenceData { get; set; } = true;

    /// <summary>
    /// Folder of this instance's own state: the data-protection key ring in <c>keys/</c> (FUKUSHIMAP_STATE; default
    /// <c>.fukushimap</c> in the repository, as the front door uses).
    /// </summary>
    public string? StatePath { get; set; }

    /// <summary><c>.fukushimap</c> in the repository the binary was built in, else the user's local application data.</summary>
    public static string DefaultStatePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FukushiMap.sln")))
            {
                return Path.Combine(dir.FullName, ".fukushimap");
            }
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fukushimap");
    }

    /// <summary>The address the server listens on when none is given.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080";
}
