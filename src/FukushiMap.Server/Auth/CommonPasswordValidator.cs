using System.Reflection;
using FukushiMap.Data.Welfare;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>
/// NIST SP 800-63B 3.1.1.2: no composition rules; length between the minimum and maximum; refuse passwords found in
/// a list of common/breached passwords, passwords made of at most three runs (repeated characters, alphabet or digit
/// sequences such as <c>123456789012</c>, keyboard rows such as <c>qwertyuiop12</c>), a short block repeated, and
/// passwords containing the user name or the service name.
/// <para>
/// The lists: <c>zxcvbn-passwords-10k.txt</c> (the 10,000 most common passwords, in order: the first 10,000 entries of
/// zxcvbn 4.4.28's frequency list, MIT licence, taken unchanged from Debian's python3-zxcvbn 4.4.28-3; zxcvbn built it
/// from Mark Burnett's 10 million password set), <c>openwall-password.lst</c> (3,546 entries, the Openwall Project's list
/// by Solar Designer, 1996–2011, from Debian's john-data 1.9.0-2; its header says it is assumed to be in the public
/// domain) and <c>common-passwords.txt</c> (our own ~220 entries, Japanese service words among them).
/// </para>
/// </summary>
public sealed class CommonPasswordValidator(IOptions<WelfareAuthOptions> options) : IPasswordValidator<WelfareUser>
{
    private static readonly Lazy<HashSet<string>> s_common = new(Load);

    /// <summary>Entries in the bundled list.</summary>
    public static int CommonCount => s_common.Value.Count;

    public Task<IdentityResult> ValidateAsync(UserManager<WelfareUser> manager, WelfareUser user, string? password)
    {
        var errors = new List<IdentityError>();
        password ??= "";
        var o = options.Value;
        if (password.Length > o.MaxPasswordLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"パスワードは {o.MaxPasswordLength} 文字以内にしてください。" });
        }
        var lower = password.ToLowerInvariant();
        if (IsCommon(lower))
        {
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = "よく使われる（漏えいしたことのある）パスワードです。別の言葉の組み合わせにしてください。" });
        }
        else if (password.Length > 0 && (password.Distinct().Count() <= 2 || Runs(lower) <= 3 || IsRepeatedBlock(lower)))
        {
            errors.Add(new IdentityError { Code = "PasswordTrivial", Description = "同じ文字の繰り返し、連続した文字（123456789012、abcdefghijkl）、キーボードの並び（qwertyuiop）だけのパスワードは使えません。" });
        }
        if (!string.IsNullOrEmpty(user.UserName) && user.UserName.Length >= 3 && lower.Contains(user.UserName.ToLowerInvariant(), StringComparison.Ordinal))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsUserName", Description = "パスワードにユーザー名を含めないでください。" });
        }
        if (lower.Contains("fukushimap", StringComparison.Ordinal) || lower.Contains("fukushi", StringComparison.Ordinal))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsServiceName", Description = "パスワードにサービス名を含めないでください。" });
        }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    /// <summary>True when the lower-cased password, or it without some of its trailing digits/symbols, is in the list.</summary>
    public static bool IsCommon(string lowerPassword)
    {
        var set = s_common.Value;
        if (set.Contains(lowerPassword))
        {
            return true;
        }
        // A list entry stretched with digits or symbols ("dragon2024!", "696969123456"): try every point where only such
        // characters follow, so that entries made of digits themselves are found too.
        for (var end = lowerPassword.Length - 1; end >= 4 && IsPadding(lowerPassword[end]); end--)
        {
            if (set.Contains(lowerPassword[..end]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsPadding(char c) => char.IsAsciiDigit(c) || c is '!' or '?' or '.' or '@' or '#';

    // Keyboard rows (JIS and US share these), each read both ways.
    private static readonly string[] s_rows = ["1234567890-^\\", "qwertyuiop@[", "asdfghjkl;:]", "zxcvbnm,./\\", "1234567890-=", "qwertyuiop[]", "asdfghjkl;'"];

    /// <summary>True when <paramref name="b"/> follows <paramref name="a"/> predictably: the same character, the next or
    /// previous letter or digit (digits wrap: 9 → 0 → 1), or a neighbour on a keyboard row.</summary>
    private static bool Follows(char a, char b)
    {
        var digits = char.IsAsciiDigit(a) && char.IsAsciiDigit(b);
        if (a == b || Math.Abs(a - b) == 1 && char.IsAsciiLetter(a) && char.IsAsciiLetter(b)
            || digits && ((a - '0' + 1) % 10 == b - '0' || (b - '0' + 1) % 10 == a - '0'))
        {
            return true;
        }
        foreach (var row in s_rows)
        {
            var i = row.IndexOf(a);
            if (i >= 0 && (i + 1 < row.Length && row[i + 1] == b || i > 0 && row[i - 1] == b))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The number of maximal predictable runs (see <see cref="Follows"/>) the password is made of.</summary>
    public static int Runs(string lower)
    {
        var runs = lower.Length == 0 ? 0 : 1;
        for (var i = 1; i < lower.Length; i++)
        {
            if (!Follows(lower[i - 1], lower[i]))
            {
                runs++;
            }
        }
        return runs;
    }

    /// <summary>A block of up to a third of the length repeated (abcabcabcabc, pass1pass1pass1).</summary>
    private static bool IsRepeatedBlock(string s)
    {
        for (var block = 1; block <= s.Length / 3; block++)
        {
            if (s.Length % block == 0 && Enumerable.Range(block, s.Length - block).All(i => s[i] == s[i - block]))
            {
                return true;
            }
        }
        return false;
    }

    private static HashSet<string> Load()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "common-passwords.txt", "openwall-password.lst", "zxcvbn-passwords-10k.txt" })
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FukushiMap.Server.Auth." + name)
                ?? throw new InvalidOperationException(name + " is not embedded.");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                line = line.Trim();
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    set.Add(line.ToLowerInvariant());
                }
            }
        }
        return set;
    }
}
