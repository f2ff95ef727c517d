using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.WelfareMap;

/// <summary>
/// Writes the append-only audit log: who, when, which records, outcome (and an export's purpose) — ids, never personal
/// values. <see cref="Add"/> joins the caller's own SaveChanges (a change and its audit entry commit together);
/// <see cref="WriteAsync(WelfareCaller, string, string, IEnumerable{int}, int?, string, string?, CancellationToken)"/> commits
/// at once on its own connection (reads, refusals, conflicts), so nothing pending in the request's context leaks in.
/// </summary>
public sealed class WelfareAudit(TimeProvider clock, IOptions<FukushiMapOptions> options, IHttpContextAccessor http)
{
    public AuditEntry Entry(string? userId, string? userName, string action, string resource, IEnumerable<int> ids, int? districtId,
        string outcome, string? purpose = null) => new()
        {
            At = clock.GetUtcNow(),
            UserId = userId,
            UserName = userName,
            Action = action,
            Resource = resource,
            RecordIds = ids.ToList(),
            DistrictId = districtId,
            Outcome = outcome,
            Purpose = purpose,
            RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
        };

    /// <summary>Adds an entry to <paramref name="db"/>; it is saved with the caller's change.</summary>
    public void Add(FukushiMapDbContext db, WelfareCaller caller, string action, string resource, IEnumerable<int> ids, int? districtId,
        string outcome, string? purpose = null) =>
        db.AuditLog.Add(Entry(caller.UserId, caller.UserName, action, resource, ids, districtId, outcome, purpose));

    public Task WriteAsync(WelfareCaller caller, string action, string resource, IEnumerable<int> ids, int? districtId, string outcome,
        string? purpose = null, CancellationToken ct = default) =>
        WriteAsync(Entry(caller.UserId, caller.UserName, action, resource, ids, districtId, outcome, purpose), ct);

    public Task WriteAsync(string? userId, string? userName, string action, string resource, IEnumerable<int> ids, int? districtId,
        string outcome, CancellationToken ct = default) =>
        WriteAsync(Entry(userId, userName, action, resource, ids, districtId, outcome), ct);

    private async Task WriteAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = FukushiMapDb.CreateContext(options.Value.ConnectionString);
        db.AuditLog.Add(entry);
        // Written even when the client has gone: the access happened.
        await db.SaveChangesAsync(CancellationToken.None);
        _ = ct;
    }
}

/// <summary>Japanese wording for Identity's errors.</summary>
public static class WelfareText
{
    public static string IdentityError(Microsoft.AspNetCore.Identity.IdentityError e) => e.Code switch
    {
        "PasswordTooShort" => "パスワードが短すぎます（12文字以上。覚えやすい言葉を組み合わせた長いものがおすすめです）。",
        "PasswordMismatch" => "今のパスワードが違います。",
        "DuplicateUserName" => "そのユーザー名はすでに使われています。",
        "InvalidUserName" => "ユーザー名に使えるのは半角英数字と - . _ @ + です。",
        "PasswordRequiresUniqueChars" => "同じ文字だけのパスワードは使えません。",
        _ when e.Description.Any(c => c > 0x3000) => e.Description,
        _ => $"登録できませんでした（{e.Code}）。",
    };
}
