using System.Net;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FukushiMap.Server.Tests.Security;

/// <summary>The append-only audit log, logs without personal values, and optimistic concurrency on households.</summary>
[Collection(WelfareCollection.Name)]
public sealed class AuditAndConcurrencyTests(WelfareFixture fixture)
{
    private async Task<List<AuditEntry>> AuditForAsync(string userId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.AuditLog.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task EveryReadChangeAndExportIsInTheAuditLogWithWhoWhichRecordAndOutcome()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var other = await fixture.CreateHouseholdAsync(fixture.Other.Id);

        var read = await client.GetAsync($"api/households/{h.Id}");
        await client.GetAsync("api/households");
        await client.GetAsync($"api/households/{other.Id}");
        await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { address = "（架空）新しい住所" }, WelfareClient.ETag(read));
        await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, purpose = "監査テストの目的", format = "csv" });

        var entries = await AuditForAsync(user.Id);
        Assert.Contains(entries, a => a.Action == "read" && a.RecordIds.SequenceEqual([h.Id]) && a.Outcome == "success" && a.UserName == user.UserName);
        Assert.Contains(entries, a => a.Action == "list" && a.RecordIds.Contains(h.Id) && a.Outcome == "success");
        Assert.Contains(entries, a => a.Action == "read" && a.RecordIds.SequenceEqual([other.Id]) && a.Outcome == "not-found");
        Assert.Contains(entries, a => a.Action == "update" && a.RecordIds.SequenceEqual([h.Id]) && a.Outcome == "success");
        Assert.Contains(entries, a => a.Action == "export" && a.RecordIds.Contains(h.Id) && a.Purpose!.Contains("監査テストの目的") && a.Outcome == "success");
        Assert.All(entries, a => Assert.True(a.At > DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task TheAuditLogRefusesUpdateDeleteAndTruncate()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        await client.GetAsync("api/households");
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();

        foreach (var sql in new[] { "UPDATE audit_log SET outcome = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("追記のみ", error.MessageText);
        }
        Assert.NotEmpty(await AuditForAsync(user.Id));
    }

    [Fact]
    public async Task NoPersonalValueReachesTheApplicationLog()
    {
        var marker = "PII" + Guid.NewGuid().ToString("N")[..10];
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id, marker: marker);

        var read = await client.GetAsync($"api/households/{h.Id}");
        await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = $"（架空）{marker} 更新" }, WelfareClient.ETag(read));
        await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = $"（架空）{marker} 古い版から" }, WelfareClient.ETag(read));
        await client.SendAsync(HttpMethod.Post, "api/households", new { districtId = fixture.Own.Id, label = $"（架空）{marker}", lon = 0.0, lat = 0.0 });
        await client.SendAsync(HttpMethod.Post, "api/households/exports", new { districtId = fixture.Own.Id, purpose = "ログの確認", format = "csv" });
        await client.GetAsync($"api/households/evacuation?district={fixture.Own.Id}");

        Assert.NotEmpty(fixture.Logs.Messages);
        Assert.DoesNotContain(fixture.Logs.Messages, m => m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSecondWriterIsToldWithBothVersionsAndNothingIsLost()
    {
        using var first = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var second = await fixture.SignInAsNewUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var firstRead = await first.GetAsync($"api/households/{h.Id}");
        var secondRead = await second.GetAsync($"api/households/{h.Id}");
        Assert.Equal(WelfareClient.ETag(firstRead), WelfareClient.ETag(secondRead));

        var firstSave = await first.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = "（架空）民生委員のメモ" }, WelfareClient.ETag(firstRead));
        var secondSave = await second.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = "（架空）町内会のメモ" }, WelfareClient.ETag(secondRead));

        Assert.Equal(HttpStatusCode.OK, firstSave.StatusCode);
        Assert.NotEqual(WelfareClient.ETag(firstRead), WelfareClient.ETag(firstSave));
        Assert.Equal(HttpStatusCode.PreconditionFailed, secondSave.StatusCode);
        var conflict = await WelfareClient.ReadAsync(secondSave);
        Assert.Equal("（架空）民生委員のメモ", conflict.GetProperty("current").GetProperty("notes").GetString());
        Assert.Equal("（架空）町内会のメモ", conflict.GetProperty("yours").GetProperty("notes").GetString());
        Assert.Equal(WelfareClient.ETag(firstSave), conflict.GetProperty("currentVersion").GetString());

        // With the current version the second writer saves, and the first writer's change is still in the history.
        var retry = await second.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = "（架空）民生委員のメモ／町内会のメモ" },
            conflict.GetProperty("currentVersion").GetString());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(2, await db.HouseholdChanges.CountAsync(c => c.HouseholdId == h.Id && c.Action == "update"));
    }

    [Fact]
    public async Task AChangeWithoutIfMatchIsRefusedWith428()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var h = await fixture.CreateHouseholdAsync(fixture.Own.Id);

        var update = await client.SendAsync(HttpMethod.Patch, $"api/households/{h.Id}", new { notes = "x" });
        var delete = await client.SendAsync(HttpMethod.Delete, $"api/households/{h.Id}");

        Assert.Equal((HttpStatusCode)428, update.StatusCode);
        Assert.Equal((HttpStatusCode)428, delete.StatusCode);
    }
}
