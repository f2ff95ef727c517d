using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Commands;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.WelfareMap;

/// <summary>
/// <c>./fukushimap demo-welfare</c>: demo district layers and fictitious households for 宇部市.
/// <c>./fukushimap demo-users</c>: one demo account per role with a grant, passwords generated and printed once
/// (never stored in the repository); running it again gives new passwords.
/// <c>./fukushimap planner-cities [ユーザー名 [--grant 35202,40224] [--revoke 13123]]</c>: the municipalities each 計画担当
/// may set up, the same change (and audit entry) as on /welfare/admin.html.
/// </summary>
public static class WelfareCommands
{
    public static async Task<int> DemoWelfareAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        var created = await DemoWelfareData.EnsureAsync(scope.Db, new ConsoleProgress(Console.Out), ct);
        Console.WriteLine(created ? "デモ用の区域と架空の世帯を作成しました。" : "デモデータはすでにあります。");
        return 0;
    }

    public static async Task<int> DemoUsersAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        var db = scope.Db;
        if (!await db.Municipalities.AnyAsync(m => m.Code == DemoWelfareData.Municipality, ct))
        {
            throw new CliException("宇部市の参照データがありません。先に ./fukushimap serve を一度起動してください。");
        }
        await DemoWelfareData.EnsureAsync(db, new ConsoleProgress(Console.Error), ct);
        var users = scope.Services.GetRequiredService<UserManager<WelfareUser>>();
        var now = DateTimeOffset.UtcNow;

        var (main, other) = await DemoDistrictsAsync(db, ct);
        var accounts = new (string UserName, string DisplayName, string Role, int? District)[]
        {
            ("demo-admin", "デモ 管理者", WelfareRoles.Admin, null),
            ("demo-planner", "デモ 計画担当", WelfareRoles.Planner, null),
            ("demo-minsei", "デモ 民生委員", WelfareRoles.Minsei, main.Id),
            ("demo-chonaikai", "デモ 町内会役員", WelfareRoles.Chonaikai, main.Id),
            ("demo-kyoryoku", "デモ 福祉協力員", WelfareRoles.Kyoryokuin, main.Id),
            ("demo-minsei2", "デモ 民生委員（隣の区域）", WelfareRoles.Minsei, other.Id),
        };
        Console.WriteLine("デモ用アカウント（パスワードはこの画面にだけ表示します。控えてください）:");
        foreach (var (userName, displayName, role, district) in accounts)
        {
            var password = WelfareAccounts.GeneratePassword();
            var user = await users.FindByNameAsync(userName);
            if (user is null)
            {
                var created = await WelfareAccounts.CreateAsync(users, userName, displayName, role, password, now, demo: true);
                user = created.User ?? throw new CliException(string.Join(" ", created.Errors));
            }
            else
            {
                await users.RemovePasswordAsync(user);
                await users.AddPasswordAsync(user, password);
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
            }
            if (district is { } d && !await db.DistrictGrants.AnyAsync(g => g.UserId == user.Id && g.DistrictId == d && g.RevokedAt == null && g.ExpiresAt > now, ct))
            {
                db.DistrictGrants.Add(new DistrictGrant
                {
                    UserId = user.Id, DistrictId = d, Name = $"デモ: {role}（{(d == main.Id ? main.Name : other.Name)}）",
                    GrantedAt = now, GrantedBy = "./fukushimap demo-users", ExpiresAt = now.AddYears(1),
                });
                await db.SaveChangesAsync(ct);
            }
            if (role == WelfareRoles.Planner)
            {
                // The demo planner may set up every municipality loaded (uploads in the browser: /welfare/setup.html).
                foreach (var code in await db.Municipalities.AsNoTracking().Select(m => m.Code).ToListAsync(ct))
                {
                    await PlannerCities.GrantAsync(db, user.Id, code, ct);
                }
                await db.SaveChangesAsync(ct);
            }
            Console.WriteLine($"  {role,-10} {userName,-16} {password}{(district is null ? "" : $"  担当: {(district == main.Id ? main.Name : other.Name)}")}");
        }
        Console.WriteLine("ログイン: ./fukushimap serve のあと http://127.0.0.1:5080/welfare/");
        return 0;
    }

    /// <summary>
    /// Lists every 計画担当 with the municipalities they hold, or gives (<c>--grant</c>) and takes (<c>--revoke</c>) municipalities
    /// of one of them: all or nothing, audited as on the administration page (action grant-municipality / revoke-municipality).
    /// </summary>
    public static async Task<int> PlannerCitiesAsync(CliArgs args, IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        await using var scope = await CommandScope.OpenAsync(services, ct);
        var db = scope.Db;
        var names = await db.Municipalities.AsNoTracking().ToDictionaryAsync(m => m.Code, m => m.Name, ct);
        string Cities(IEnumerable<string> codes) => codes.Any() ? string.Join("、", codes.Select(c => $"{names.GetValueOrDefault(c, "?")}（{c}）")) : "（なし）";
        static string[] Codes(string? list) => (list ?? "").Split([',', '、', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (args.Positional.Count == 0)
        {
            if (args.Has("grant") || args.Has("revoke"))
            {
                throw new CliException("担当を変える計画担当のユーザー名を指定してください（例: ./fukushimap planner-cities yamada --grant 40224）。");
            }
            var planners = await db.UserRoles.Join(db.Roles.Where(r => r.Name == WelfareRoles.Planner), ur => ur.RoleId, r => r.Id, (ur, r) => ur.UserId)
                .Join(db.Users, id => id, u => u.Id, (id, u) => new { u.Id, u.UserName, u.DisplayName }).OrderBy(u => u.UserName).ToListAsync(ct);
            var held = await PlannerCities.HeldByUserAsync(db, ct);
            output.WriteLine(planners.Count == 0 ? "計画担当のアカウントはありません。" : "計画担当と担当の市区町村:");
            foreach (var p in planners)
            {
                output.WriteLine($"  {p.UserName,-16} {p.DisplayName}: {Cities(held.GetValueOrDefault(p.Id, []))}");
            }
            return 0;
        }
        var userName = args.Positional[0];
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, ct)
            ?? throw new CliException($"アカウント「{userName}」はありません。");
        var audit = new WelfareAudit(TimeProvider.System, scope.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FukushiMapOptions>>(),
            new HttpContextAccessor());
        const string by = "./fukushimap planner-cities";
        foreach (var code in Codes(args.Get("grant")))
        {
            if (await PlannerCities.GrantAsync(db, user.Id, code, ct))
            {
                db.AuditLog.Add(audit.Entry(null, by, "grant-municipality", "planner-municipality", [], null, "success", $"{code} {userName}"));
            }
        }
        foreach (var code in Codes(args.Get("revoke")))
        {
            await PlannerCities.RevokeAsync(db, user.Id, code, ct);
            db.AuditLog.Add(audit.Entry(null, by, "revoke-municipality", "planner-municipality", [], null, "success", $"{code} {userName}"));
        }
        await db.SaveChangesAsync(ct);
        output.WriteLine($"{userName} さんの担当の市区町村: {Cities(await PlannerCities.HeldAsync(db, user.Id, ct))}");
        return 0;
    }

    /// <summary>The demo 民生委員担当区域 with the most households on the walking network, and its neighbour.</summary>
    public static async Task<(Data.Entities.District Main, Data.Entities.District Other)> DemoDistrictsAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        var candidates = await db.Districts.AsNoTracking()
            .Where(d => d.Layer!.Key == DemoWelfareData.MinseiLayerKey && d.MunicipalityCode == DemoWelfareData.Municipality)
            .Select(d => new
            {
                District = d,
                d.Geometry.Centroid.X,
                d.Geometry.Centroid.Y,
                Households = db.Households.Count(h => h.DistrictId == d.Id && h.Status == HouseholdStatuses.Active && h.ConsentState == ConsentStates.Agreed),
            })
            .ToListAsync(ct);
        // Inside the bbox of the reference walking network (宇部市 urban south).
        var onNetwork = candidates.Where(c => c.X is > 131.23 and < 131.31 && c.Y is > 33.94 and < 33.99).ToList();
        var pool = onNetwork.Count >= 2 ? onNetwork : candidates;
        var main = pool.OrderByDescending(c => c.Households).ThenBy(c => c.District.Id).First();
        var other = pool.Where(c => c.District.Id != main.District.Id).OrderByDescending(c => c.Households).ThenBy(c => c.District.Id).First();
        return (main.District, other.District);
    }
}
