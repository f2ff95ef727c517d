using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FukushiMap.Server.Tests.Faults;

public sealed class DataProtectionKeysTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "fukushimap-state-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void TheKeyRingLivesInTheStateFolderOwnerOnlyAndEncryptedAndSurvivesARestart()
    {
        var secret = Protector(_state).Protect("session");

        var keys = Path.Combine(_state, "keys");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, DataProtectionSetup.CertificateFile)));
        }
        var ring = Directory.GetFiles(keys, "key-*.xml");
        Assert.NotEmpty(ring);
        foreach (var key in ring)
        {
            var xml = File.ReadAllText(key);
            Assert.Contains("<encryptedSecret", xml);
            Assert.Contains("EncryptedData", xml);
            Assert.DoesNotContain("unencrypted", xml);
            Assert.DoesNotContain("<value>", xml);
        }

        // A new instance over the same folder reads what the first one wrote (the certificate decrypts its keys).
        Assert.Equal("session", Protector(_state).Unprotect(secret));
    }

    [Fact]
    public void EachInstanceHasItsOwnKeyRing()
    {
        var other = _state + "-other";
        try
        {
            var secret = Protector(_state).Protect("session");
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(other).Unprotect(secret));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    private static IDataProtector Protector(string state)
    {
        var app = FukushiMapApp.Create([], builder =>
        {
            builder.Configuration["FukushiMap:ConnectionString"] = "Host=127.0.0.1;Database=unused";
            builder.Configuration["FukushiMap:StatePath"] = state;
        });
        return app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
    }

    public void Dispose()
    {
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }
}
