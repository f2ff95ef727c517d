using FukushiMap.Data.Entities;
using FukushiMap.Data.Welfare;
using FukushiMap.Testing;
using NetTopologySuite.Geometries;
using Npgsql;

namespace FukushiMap.Server.Tests.Faults;

/// <summary>
/// <c>./fukushimap backup</c> and <c>restore</c> over a database of their own (made afresh for each run):
/// every welfare row comes back as it was, and a wrong key changes nothing.
/// </summary>
public sealed class BackupRestoreTests(BackupDatabaseFixture fixture) : IClassFixture<BackupDatabaseFixture>, IDisposable
{
    private const string Key = "correct horse battery staple 2026";
    private static readonly string[] s_tables =
        ["households", "watchers", "watcher_assignments", "district_grants", "welfare_users", "welfare_user_roles", "audit_log", "household_changes", "districts"];

    private readonly string _folder = Directory.CreateTempSubdirectory("fukushimap-backup-").FullName;
    private readonly TestDatabase _database = fixture.Database;

    [Fact]
    public async Task BackupDamageRestoreFindsEveryWelfareRowAsItWas()
    {
        var before = await SnapshotAsync();
        Assert.NotEmpty(before["households"]);
        Assert.NotEmpty(before["audit_log"]);
        var file = Path.Combine(_folder, "ube.backup");

        var backup = await RunAsync("backup", file, Key);
        Assert.True(backup.Code == 0, backup.Error);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var head = new byte[8];
        await using (var stream = File.OpenRead(file))
        {
            await stream.ReadExactlyAsync(head);
        }
        Assert.Equal("Salted__", System.Text.Encoding.ASCII.GetString(head)); // openssl's envelope, not a readable PGDMP archive

        await DamageAsync();
        var damaged = await SnapshotAsync();
        Assert.NotEqual(before["households"], damaged["households"]);

        var wrong = await RunAsync("restore", file, "not the key at all");
        Assert.NotEqual(0, wrong.Code);
        Assert.Contains("鍵が違う", wrong.Error);
        Assert.Contains("何も変えていません", wrong.Error);
        AssertSame(damaged, await SnapshotAsync());

        var restore = await RunAsync("restore", file, Key);
        Assert.True(restore.Code == 0, restore.Error);
        AssertSame(before, await SnapshotAsync());
    }

    [Fact]
    public async Task WelfareDataIsNotBackedUpWithoutAKey()
    {
        var file = Path.Combine(_folder, "plain.backup");
        var result = await RunAsync("backup", file, key: null);
        Assert.NotEqual(0, result.Code);
        Assert.Contains("暗号化の鍵が必要です", result.Error);
        Assert.False(File.Exists(file));

        var onCommandLine = await FrontDoor.RunAsync(["backup", file, "--key", Key], Env(null));
        Assert.NotEqual(0, onCommandLine.Code);
        Assert.Contains("コマンドラインに書くことはできません", onCommandLine.Error);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task AKeyFileWorksLikeTheEnvironmentVariable()
    {
        var keyFile = Path.Combine(_folder, "backup.key");
        await File.WriteAllTextAsync(keyFile, Key + "\n");
        var file = Path.Combine(_folder, "keyfile.backup");
        var backup = await FrontDoor.RunAsync(["backup", file, "--key-file", keyFile], Env(null));
        Assert.True(backup.Code == 0, backup.Error);
        var before = await SnapshotAsync();
        var restore = await FrontDoor.RunAsync(["restore", file, "--key-file", keyFile], Env(null));
        Assert.True(restore.Code == 0, restore.Error);
        AssertSame(before, await SnapshotAsync());
    }

    private Task<(int Code, string Output, string Error)> RunAsync(string command, string file, string? key) =>
        FrontDoor.RunAsync([command, file], Env(key));

    private Dictionary<string, string?> Env(string? key) => new()
    {
        ["FUKUSHIMAP_DB"] = _database.ConnectionString,
        ["FUKUSHIMAP_BACKUP_KEY"] = key,
    };

    private static void AssertSame(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual)
    {
        foreach (var table in s_tables)
        {
            Assert.True(expected[table].SequenceEqual(actual[table]), $"{table}: {expected[table].Count} rows expected, {actual[table].Count} found, or their values differ");
        }
    }

    /// <summary>Every row of every welfare table, as text, in a fixed order: full row sets, not counts.</summary>
    private async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        // A connection of its own: the restore recreates the tables under the pooled ones.
        await using var conn = await AdminSql.OpenAsync(_database.ConnectionString);
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var table in s_tables)
        {
            var rows = new List<string>();
            await using var cmd = new NpgsqlCommand($"SELECT t::text FROM {table} t ORDER BY 1", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
            snapshot[table] = rows;
        }
        return snapshot;
    }

    private async Task DamageAsync()
    {
        await using var conn = await AdminSql.OpenAsync(_database.ConnectionString);
        await AdminSql.ExecuteAsync(conn, "DELETE FROM households WHERE id % 2 = 0");
        await AdminSql.ExecuteAsync(conn, "UPDATE watchers SET name = '書き換えられた担当', role = NULL WHERE id = (SELECT min(id) FROM watchers)");
        await AdminSql.ExecuteAsync(conn, "UPDATE district_grants SET revoked_at = now()");
        // The audit log refuses DELETE by trigger; an attacker with the database's owner account need not.
        await AdminSql.ExecuteAsync(conn, "ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE id % 3 = 0; ALTER TABLE audit_log ENABLE TRIGGER USER");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>A database made afresh for this run, with districts, users, grants, households, watchers and audit rows.</summary>
public sealed class BackupDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var name = new NpgsqlConnectionStringBuilder(System.Environment.GetEnvironmentVariable("FUKUSHIMAP_TEST_DB")).Database + "_backup";
        await using (var admin = await AdminSql.OpenAsync(System.Environment.GetEnvironmentVariable("FUKUSHIMAP_TEST_DB")!, "postgres"))
        {
            await AdminSql.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
        Database = await TestDatabase.GetAsync("backup", withReferenceData: false);
        await SeedAsync();
    }

    private async Task SeedAsync()
    {
        await using var db = Database.CreateContext();
        var square = new GeometryFactory(new PrecisionModel(), 6668);
        MultiPolygon Square(double lon, double lat) => square.CreateMultiPolygon([(Polygon)square.ToGeometry(new Envelope(lon, lon + 0.01, lat, lat + 0.01))]);
        db.Municipalities.Add(new Municipality { Code = "35202", Name = "宇部市", Prefecture = "山口県", PlaneSrid = 6671 });
        var layer = new DistrictLayer { Key = "backup-minsei", MunicipalityCode = "35202", Kind = "民生委員担当区域", Name = "テスト区域" };
        var districts = Enumerable.Range(0, 2).Select(i => new District
        {
            Layer = layer, MunicipalityCode = "35202", Name = $"区域{i + 1}", Geometry = Square(131.24 + i * 0.01, 33.95), AreaSquareMetres = 1e6,
        }).ToList();
        db.AddRange(districts);
        var users = Enumerable.Range(0, 3).Select(i => new WelfareUser
        {
            Id = $"user-{i}", UserName = $"minsei{i}", NormalizedUserName = $"MINSEI{i}", DisplayName = $"民生委員{i}", SecurityStamp = $"stamp-{i}",
            CreatedAt = DateTimeOffset.Parse("2026-04-01T09:00:00Z"),
        }).ToList();
        db.AddRange(users);
        await db.SaveChangesAsync();
        var at = DateTimeOffset.Parse("2026-05-01T10:00:00Z");
        db.AddRange(users.Select((u, i) => new DistrictGrant { UserId = u.Id, DistrictId = districts[i % 2].Id, Name = "担当", GrantedAt = at, ExpiresAt = at.AddYears(1) }));
        var households = Enumerable.Range(0, 12).Select(i => new Household
        {
            MunicipalityCode = "35202", DistrictId = districts[i % 2].Id, Label = $"架空世帯{i}", Address = $"則貞{i}丁目",
            Location = square.CreatePoint(new Coordinate(131.245 + i * 0.0001, 33.955)), Categories = [HouseholdCategories.All[i % HouseholdCategories.All.Count]],
            Notes = i % 3 == 0 ? "=HYPERLINK(\"x\") 改行\nあり" : null, CreatedAt = at, UpdatedAt = at,
        }).ToList();
        var watchers = Enumerable.Range(0, 4).Select(i => new Watcher
        {
            DistrictId = districts[i % 2].Id, Name = $"見守り{i}", Role = "福祉協力員", Location = square.CreatePoint(new Coordinate(131.246, 33.956 + i * 0.0001)),
        }).ToList();
        db.AddRange(households);
        db.AddRange(watchers);
        await db.SaveChangesAsync();
        db.AddRange(households.Select((h, i) => new WatcherAssignment { HouseholdId = h.Id, WatcherId = watchers[i % 4].Id, AssignedAt = at }));
        db.AddRange(Enumerable.Range(0, 9).Select(i => new AuditEntry
        {
            At = at.AddMinutes(i), UserId = users[i % 3].Id, UserName = users[i % 3].UserName, Action = "view", Resource = "households",
            RecordIds = [households[i].Id], DistrictId = districts[i % 2].Id, Outcome = "allowed", RemoteAddress = "127.0.0.1",
        }));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
