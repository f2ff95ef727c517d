using System.Net;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Tests.WelfareMap;
using FukushiMap.Server.WelfareMap;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Security;

/// <summary>Sign-in, lockout, passwords, cookies and session lifetimes (the test clock moves instead of waiting).</summary>
[Collection(WelfareCollection.Name)]
public sealed class SessionTests(WelfareFixture fixture)
{
    private static async Task<bool> SignedInAsync(WelfareClient client) =>
        (await client.RefreshSessionAsync()).GetProperty("signedIn").GetBoolean();

    [Fact]
    public async Task AWrongPasswordIsRefusedWithTheSameAnswerAsAnUnknownUser()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = new WelfareClient(fixture.BaseUrl);

        var wrong = await client.LoginAsync(user.UserName, user.Password + "x");
        var unknown = await client.LoginAsync("nobody-" + user.UserName, user.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((await WelfareClient.ReadAsync(wrong)).GetProperty("detail").GetString(), (await WelfareClient.ReadAsync(unknown)).GetProperty("detail").GetString());
        Assert.False(await SignedInAsync(client));
    }

    // Replaces "TheAccountLocksAfterFiveFailuresInARowEvenForTheRightPassword" (issue 10): a 15-minute lockout after five
    // failures let anyone lock a real user out and told existing accounts (423) from unknown ones (401).
    [Fact]
    public async Task FiveFailuresSlowTheNextTryButDoNotLockTheRealUserOut()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var attacker = new WelfareClient(fixture.BaseUrl);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.LoginAsync(user.UserName, "wrong-password-" + i)).StatusCode);
        }

        // The next try for that name waits a second (429, Retry-After, Japanese problem details) …
        var slowed = await attacker.LoginAsync(user.UserName, user.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), slowed.Headers.RetryAfter!.Delta);
        Assert.Contains("待って", (await WelfareClient.ReadAsync(slowed)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // … and then the real user signs in.
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        using var real = await fixture.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await real.GetAsync("api/households")).StatusCode);
    }

    [Fact]
    public async Task DelaysDoubleWithEachFailureUpToAMinutePerAccountAndTellNothingAboutWhetherItExists()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = new WelfareClient(fixture.BaseUrl);
        async Task<List<double>> WaitsAsync(string name)
        {
            var waits = new List<double>();
            for (var i = 0; i < 14; i++)
            {
                var answer = await client.LoginAsync(name, "wrong-password-" + i);
                if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = answer.Headers.RetryAfter!.Delta!.Value;
                    waits.Add(wait.TotalSeconds);
                    fixture.Clock.Advance(wait);
                    answer = await client.LoginAsync(name, "wrong-password-" + i);
                }
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            }
            return waits;
        }

        var existing = await WaitsAsync(user.UserName);
        var unknown = await WaitsAsync("nobody-" + user.UserName);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], existing);
        Assert.Equal(existing, unknown);
    }

    [Fact]
    public async Task UnknownNamesWrongPasswordsAndLockedAccountsGetTheSameAnswer()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var locked = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using (var scope = fixture.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();
            var u = (await users.FindByIdAsync(locked.Id))!;
            await users.SetLockoutEndDateAsync(u, fixture.Clock.GetUtcNow().AddDays(1));
        }
        using var client = new WelfareClient(fixture.BaseUrl);

        var answers = new[]
        {
            await client.LoginAsync("nobody-" + user.UserName, user.Password),
            await client.LoginAsync(user.UserName, user.Password + "x"),
            await client.LoginAsync(locked.UserName, locked.Password),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        var bodies = new List<string>();
        foreach (var a in answers)
        {
            var body = await WelfareClient.ReadAsync(a);
            bodies.Add($"{body.GetProperty("type")}|{body.GetProperty("title")}|{body.GetProperty("detail")}");
        }
        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task ManyNamesTriedFromOneAddressAreSlowedToo()
    {
        var app = await WelfareFixture.StartAsync(fixture.Database, fixture.Clock, null, loginPermitsPerMinute: 100_000, freeFailuresPerAddress: 20);
        try
        {
            using var client = new WelfareClient(WelfareFixture.Address(app));
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 22; i++)
            {
                answers.Add((await client.LoginAsync($"spray-{i}-{Guid.NewGuid():N}", "Winter2026winter")).StatusCode);
            }

            Assert.All(answers.Take(20), a => Assert.Equal(HttpStatusCode.Unauthorized, a));
            Assert.Equal(HttpStatusCode.TooManyRequests, answers[20]);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSiteStrict()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = new WelfareClient(fixture.BaseUrl);
        await client.RefreshSessionAsync();

        var response = await client.SendAsync(HttpMethod.Post, "api/auth/login", new { userName = user.UserName, password = user.Password });

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var session = Assert.Single(cookies, c => c.StartsWith(WelfareAuth.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        // No Expires/Max-Age: the browser forgets it when closed; the server also limits its life (below).
        Assert.DoesNotContain("expires=", session, StringComparison.OrdinalIgnoreCase);
        // Loopback http in development: Secure is set only when the request is HTTPS (SameAsRequest).
        Assert.DoesNotContain("secure", session.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheSessionEndsAfterTheIdleTimeout()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/households")).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/households")).StatusCode);
    }

    [Fact]
    public async Task TheSessionEndsAfterTheAbsoluteTimeoutEvenWhenActive()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        var answers = new List<HttpStatusCode>();

        // A request every 20 minutes for 8 hours 20 minutes: never idle, but longer than the 8-hour limit.
        for (var i = 0; i < 25; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(20));
            answers.Add((await client.GetAsync("api/households")).StatusCode);
        }

        Assert.All(answers.Take(23), a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(HttpStatusCode.Unauthorized, answers[^1]);
    }

    [Fact]
    public async Task WhenAGrantExpiresThePersonsSessionEnds()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, TimeSpan.FromHours(1), fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/households")).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/households")).StatusCode);
        Assert.False(await SignedInAsync(client));
    }

    [Fact]
    public async Task WhenAGrantIsRevokedThePersonsSessionEndsAtOnce()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Chonaikai, fixture.Own.Id);
        var admin = await fixture.CreateUserAsync(WelfareRoles.Admin);
        using var client = await fixture.SignInAsync(user);
        using var adminClient = await fixture.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/households")).StatusCode);

        var revoke = await adminClient.SendAsync(HttpMethod.Post, $"api/welfare-admin/grants/{user.GrantIds[0]}/revoke");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/households")).StatusCode);
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Minsei, fixture.Own.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, "api/auth/logout")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/households")).StatusCode);
    }

    /// <summary>A second client holding a copy of <paramref name="client"/>'s cookies (what a thief would replay).</summary>
    private WelfareClient CopyCookies(WelfareClient client)
    {
        var thief = new WelfareClient(fixture.BaseUrl);
        foreach (Cookie cookie in client.Cookies.GetAllCookies())
        {
            thief.Cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }
        return thief;
    }

    private static async Task AssertRefusedAsync(WelfareClient copy)
    {
        var answer = await copy.GetAsync("api/households");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.DoesNotContain("テスト世帯", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await copy.RefreshSessionAsync()).GetProperty("signedIn").GetBoolean());
    }

    [Fact]
    public async Task ACookieCopiedBeforeLogoutIsRefusedAfterIt()
    {
        await fixture.CreateHouseholdAsync(fixture.Own.Id);
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        using var other = await fixture.SignInAsync(user);
        using var copy = CopyCookies(client);
        Assert.True((await copy.GetJsonAsync("api/households")).GetProperty("count").GetInt32() > 0);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, "api/auth/logout")).StatusCode);

        await AssertRefusedAsync(copy);
        // Logging out ends that session only: the same person's other session goes on.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("api/households")).StatusCode);
    }

    [Fact]
    public async Task ACookieCopiedBeforeAPasswordChangeIsRefusedAfterIt()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        using var copy = CopyCookies(client);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("api/households")).StatusCode);

        var change = await client.SendAsync(HttpMethod.Post, "api/auth/password", new { currentPassword = user.Password, newPassword = WelfareAccounts.GeneratePassword() });

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        await AssertRefusedAsync(copy);
        await using var db = fixture.Database.CreateContext();
        Assert.All(await db.SignInSessions.Where(s => s.UserId == user.Id).ToListAsync(), s => Assert.NotNull(s.EndedAt));
    }

    [Fact]
    public async Task ACookieCopiedBeforeAGrantRevocationIsRefusedAfterIt()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id, fixture.Other.Id);
        var admin = await fixture.CreateUserAsync(WelfareRoles.Admin);
        using var client = await fixture.SignInAsync(user);
        using var adminClient = await fixture.SignInAsync(admin);
        using var copy = CopyCookies(client);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("api/households")).StatusCode);

        var revoke = await adminClient.SendAsync(HttpMethod.Post, $"api/welfare-admin/grants/{user.GrantIds[1]}/revoke");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await AssertRefusedAsync(copy);
        await AssertRefusedAsync(client);
        // Signing in again gives a session with the grant that remains.
        using var again = await fixture.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"api/households?district={fixture.Own.Id}")).StatusCode);
    }

    [Fact]
    public async Task TheServerCountsTheIdleTimeoutItselfWhateverTheCookieSays()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var client = await fixture.SignInAsync(user);
        using var copy = CopyCookies(client);
        await using var db = fixture.Database.CreateContext();
        // The cookie's own ticket is still fresh; only the server's record says the session has been idle too long.
        await db.SignInSessions.Where(s => s.UserId == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, fixture.Clock.GetUtcNow().AddMinutes(-31)));

        await AssertRefusedAsync(copy);
        Assert.Equal("idle", await db.SignInSessions.Where(s => s.UserId == user.Id).Select(s => s.EndReason).SingleAsync());
    }

    [Theory]
    [InlineData("short-pass")]             // under 12 characters
    [InlineData("password1234")]           // a common password with digits appended
    [InlineData("qwertyuiop123")]          // keyboard walk from the list
    [InlineData("aaaaaaaaaaaaaaaa")]       // one character repeated
    [InlineData("abcdefghijklmnop")]       // a sequence
    [InlineData("123456789012")]           // digits running on past 9
    [InlineData("abcdefghijkl")]
    [InlineData("qwertyuiop12")]           // a keyboard row and two digits
    [InlineData("1qaz2wsx3edc")]           // keyboard columns, from the list
    [InlineData("asdfghjkl;'1")]
    [InlineData("abcabcabcabc")]           // a short block repeated
    [InlineData("iloveyou1234")]           // a list entry with digits appended
    [InlineData("superman1234")]
    public async Task WeakPasswordsAreRefused(string password)
    {
        using var scope = fixture.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();

        var result = await WelfareAccounts.CreateAsync(users, $"pw-{Guid.NewGuid():N}"[..12], "テスト", WelfareRoles.Minsei, password, fixture.Clock.GetUtcNow(), false);

        Assert.Null(result.User);
        Assert.NotEmpty(result.Errors);
    }

    [Theory]
    [InlineData("うべの海と常盤公園の白鳥")]                     // Japanese passphrase, no digits or symbols: no composition rules
    [InlineData("tall green kettle on a quiet morning")]     // spaces allowed
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+")] // 64 characters
    public async Task LongPassphrasesWithoutCompositionRulesAreAccepted(string password)
    {
        using var scope = fixture.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<WelfareUser>>();

        var result = await WelfareAccounts.CreateAsync(users, $"pw-{Guid.NewGuid():N}"[..12], "テスト", WelfareRoles.Minsei, password, fixture.Clock.GetUtcNow(), false);

        Assert.True(result.User is not null, string.Join(" ", result.Errors));
    }

    [Fact]
    public void TheBundledBreachedPasswordListIsLoaded() => Assert.True(CommonPasswordValidator.CommonCount > 10_000);

    [Fact]
    public void EachOfTheTenThousandMostCommonPasswordsIsRefusedEvenWithDigitsAppended()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("FukushiMap.Server.Auth.zxcvbn-passwords-10k.txt")!;
        using var reader = new StreamReader(stream);
        var entries = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                entries.Add(line);
            }
        }

        Assert.Equal(10_000, entries.Distinct().Count());
        // As people stretch a short favourite to the 12 characters asked for: "dragon" → "dragon123456".
        var validator = new CommonPasswordValidator(Microsoft.Extensions.Options.Options.Create(new WelfareAuthOptions()));
        var user = new WelfareUser { UserName = "someone-else", DisplayName = "テスト" };
        var accepted = entries
            .Select(e => e.Length >= 12 ? e : e + "123456789012"[..(12 - e.Length)])
            .Where(p => validator.ValidateAsync(null!, user, p).Result.Succeeded)
            .ToList();
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task LoginAttemptsBeyondTheRateLimitAnswer429()
    {
        // Its own host with a small limit, so the shared host's other tests are not slowed.
        var app = await WelfareFixture.StartAsync(fixture.Database, TimeProvider.System, null, loginPermitsPerMinute: 3);
        try
        {
            using var client = new WelfareClient(WelfareFixture.Address(app));
            var answers = new List<HttpResponseMessage>();
            for (var i = 0; i < 8; i++)
            {
                answers.Add(await client.LoginAsync("rate-limit-" + i, "not-the-password-" + i));
            }

            var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            Assert.All(limited, a => Assert.True(a.Headers.RetryAfter is not null));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChangingThePasswordEndsOtherSessions()
    {
        var user = await fixture.CreateUserAsync(WelfareRoles.Minsei, fixture.Own.Id);
        using var first = await fixture.SignInAsync(user);
        using var second = await fixture.SignInAsync(user);
        var newPassword = WelfareAccounts.GeneratePassword();

        var change = await first.SendAsync(HttpMethod.Post, "api/auth/password", new { currentPassword = user.Password, newPassword });

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("api/households")).StatusCode);
        await using var db = fixture.Database.CreateContext();
        Assert.True(await db.Users.AnyAsync(u => u.Id == user.Id));
    }
}
