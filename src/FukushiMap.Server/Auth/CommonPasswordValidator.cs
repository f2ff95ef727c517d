using System.Reflection;
using FukushiMap.Data.Welfare;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Auth;

/// <summary>
/// NIST SP 800-63B 3.1.1.2: no composition rules; length between the minimum and maximum; refuse passwords found in
/// a list of common/breached passwords (a small bundled list, <c>common-passwords.txt</c>), repeated or sequential
/// characters only, and passwords containing the user name or the service name.
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
        else if (password.Length > 0 && (password.Distinct().Count() <= 2 || IsSequential(lower)))
        {
            errors.Add(new IdentityError { Code = "PasswordTrivial", Description = "同じ文字や連続した文字だけのパスワードは使えません。" });
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

    /// <summary>True when the lower-cased password, or it without trailing digits/symbols, is in the list.</summary>
    public static bool IsCommon(string lowerPassword)
    {
        var set = s_common.Value;
        if (set.Contains(lowerPassword))
        {
            return true;
        }
        var trimmed = lowerPassword.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '!', '?', '.', '@', '#');
        return trimmed.Length >= 4 && set.Contains(trimmed);
    }

    private static bool IsSequential(string s)
    {
        if (s.Length < 2)
        {
            return false;
        }
        var step = s[1] - s[0];
        if (step is not (1 or -1))
        {
            return false;
        }
        for (var i = 2; i < s.Length; i++)
        {
            if (s[i] - s[i - 1] != step)
            {
                return false;
            }
        }
        return true;
    }

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FukushiMap.Server.Auth.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.ToLowerInvariant());
            }
        }
        return set;
    }
}
