using System.Security.Cryptography;
using System.Text;
using FukushiMap.Data;
using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FukushiMap.Analysis.Cities;

/// <summary>
/// Prepared cities on disk, so a restart reads in one pass what took seconds to build from PostGIS: a municipality's walking
/// graph (<c>&lt;code&gt;.network</c>) and its population placed on it (<c>&lt;code&gt;.coverage</c>), in the compact binary form of
/// <see cref="PreparedCityFormat"/>, under <c>&lt;folder&gt;/&lt;database&gt;/</c> (one folder per database, so the test and the
/// development databases never share a file). Why files in the state folder rather than PostGIS: the point is to skip the
/// database on start, and a file is read in one system call.
/// <para>Each file carries a key: the dataset versions (<see cref="DataTables"/>) it was built from, the database's identity and
/// the build of the code that prepared it (a changed placement rule prepares again). A file is used only when its key is the
/// current one and its SHA-256 checksum matches its bytes; a stale, foreign, truncated or corrupted file is never trusted, only
/// ignored and replaced. Files are written to a temporary name and renamed, so a reader never sees half a file.</para>
/// </summary>
public sealed class PreparedCityStore
{
    private static readonly byte[] Magic = "FKMPCITY"u8.ToArray();

    /// <summary>Raised when the layout of <see cref="PreparedCityFormat"/> changes (older files are then ignored).</summary>
    public const int FormatVersion = 1;

    private readonly string? _folder;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _log;
    private readonly Lazy<Task<string>> _database;

    public PreparedCityStore(AnalysisSettings settings, IServiceScopeFactory scopes, ILogger<PreparedCityStore>? log = null)
    {
        _folder = string.IsNullOrWhiteSpace(settings.PreparedCityPath) ? null : Path.GetFullPath(settings.PreparedCityPath);
        _scopes = scopes;
        _log = log ?? NullLogger<PreparedCityStore>.Instance;
        _database = new(DatabaseIdentityAsync);
    }

    /// <summary>False when no folder is set: everything is built from PostGIS on each start.</summary>
    public bool Enabled => _folder is not null;

    /// <summary>The folder of this database's files (null when disabled).</summary>
    public async Task<string?> FolderAsync()
    {
        if (_folder is null) return null;
        var identity = await _database.Value;
        return Path.Combine(_folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 8)));
    }

    /// <summary>The municipality codes that have a <see cref="Coverage.CoverageService.PreparedKind"/> file on disk (the cities used before a restart), at most <see cref="Coverage.CoverageService.Capacity"/>.</summary>
    public async Task<IReadOnlyList<string>> PreparedCitiesAsync()
    {
        var folder = await FolderAsync();
        if (folder is null || !Directory.Exists(folder)) return [];
        return [.. Directory.EnumerateFiles(folder, $"*.{Coverage.CoverageService.PreparedKind}")
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).Take(Coverage.CoverageService.Capacity)];
    }

    /// <summary>
    /// The key a file of <paramref name="kind"/> for <paramref name="municipalityCode"/> must carry to be used now: the versions of
    /// <paramref name="tables"/>, what identifies the source rows (<paramref name="source"/>, e.g. the network id), the database and
    /// the code's build.
    /// </summary>
    public static string Key(string kind, string municipalityCode, DataVersionSet versions, IEnumerable<string> tables, string source) =>
        string.Join('|', [
            kind, municipalityCode, source,
            .. tables.Select(t => $"{t}={versions[t]}"),
            $"core={typeof(Core.Network.WalkingGraph).Assembly.ManifestModule.ModuleVersionId}",
            $"analysis={typeof(PreparedCityStore).Assembly.ManifestModule.ModuleVersionId}",
        ]);

    /// <summary>
    /// The payload of a file whose key is <paramref name="key"/> and whose bytes are whole, else null (why is logged): a view into
    /// the file's bytes, read in one call and not copied (a few MB that a start would otherwise allocate twice).
    /// </summary>
    public async Task<ArraySegment<byte>?> TryReadAsync(string kind, string municipalityCode, string key)
    {
        if (await FolderAsync() is not { } folder) return null;
        var path = Path.Combine(folder, $"{municipalityCode}.{kind}");
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (IOException e)
        {
            _log.LogWarning("準備済みの市区町村データ {Path} を読めません（{Reason}）。作り直します。", path, e.Message);
            return null;
        }
        var why = Check(file, key, out var payload);
        if (why is not null)
        {
            _log.LogInformation("準備済みの市区町村データ {Path} は使いません（{Reason}）。作り直します。", path, why);
            return null;
        }
        return payload;
    }

    /// <summary>Writes a file (temporary name, then renamed over the old one). A failure is logged, never thrown: the file is only a shortcut.</summary>
    public async Task WriteAsync(string kind, string municipalityCode, string key, Action<BinaryWriter> write)
    {
        if (await FolderAsync() is not { } folder) return;
        var path = Path.Combine(folder, $"{municipalityCode}.{kind}");
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(folder);
            using var payload = new MemoryStream();
            using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
            {
                write(writer);
            }
            var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var header = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
                header.Write(Magic);
                header.Write(FormatVersion);
                header.Write(key);
                header.Write((long)bytes.Length);
                header.Write(SHA256.HashData(bytes));
                header.Write(bytes);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("準備済みの市区町村データ {Path} を書けません（{Reason}）。次の起動でも PostGIS から作ります。", path, e.Message);
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Null when <paramref name="file"/> is whole and carries <paramref name="key"/>; else why not.</summary>
    internal static string? Check(byte[] file, string key, out ArraySegment<byte> payload)
    {
        payload = ArraySegment<byte>.Empty;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(file, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) return "形式が違います";
            if (reader.ReadInt32() != FormatVersion) return "形式の版が違います";
            if (reader.ReadString() != key) return "元のデータかプログラムが変わりました";
            var length = reader.ReadInt64();
            var hash = reader.ReadBytes(32);
            var start = reader.BaseStream.Position;
            if (length < 0 || start + length != file.Length) return "長さが合いません（途中で切れています）";
            var body = new ArraySegment<byte>(file, (int)start, (int)length);
            if (!SHA256.HashData(body).AsSpan().SequenceEqual(hash)) return "チェックサムが合いません（壊れています）";
            payload = body;
            return null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            return "読めません（壊れています）";
        }
    }

    private async Task<string> DatabaseIdentityAsync()
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            // The database's own oid (one dropped and created again gets a new one, so its files are never mistaken for the old
            // one's), the server's port and the cluster's system identifier when this role may read it (else the host).
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT current_database() || '/' || (SELECT oid FROM pg_database WHERE datname = current_database())::text || '/' || coalesce(inet_server_port()::text, '')",
                connection);
            var identity = (string)(await command.ExecuteScalarAsync())!;
            try
            {
                await using var system = new Npgsql.NpgsqlCommand("SELECT system_identifier::text FROM pg_control_system()", connection);
                return identity + "/" + (string)(await system.ExecuteScalarAsync())!;
            }
            catch (Npgsql.PostgresException)
            {
                return identity + "/" + connection.Host;
            }
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
