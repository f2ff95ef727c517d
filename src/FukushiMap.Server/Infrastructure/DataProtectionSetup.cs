using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace FukushiMap.Server.Infrastructure;

/// <summary>
/// The key ring that protects session and antiforgery cookies: in this instance's state folder
/// (<c>&lt;StatePath&gt;/keys</c>, mode 0700), isolated by an application name derived from that folder, and encrypted at rest
/// with an X.509 certificate made once beside it (<c>key-encryption.pfx</c>, mode 0600). Linux has no DPAPI; the certificate
/// keeps key material out of plain XML (backups of the folder without the certificate, other tools reading *.xml), while
/// the 0700/0600 modes keep both from other users of the machine.
/// </summary>
internal static class DataProtectionSetup
{
    public const string CertificateFile = "key-encryption.pfx";

    public static IServiceCollection AddFukushiMapDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = KeysPath(configuration[$"{FukushiMapOptions.Section}:StatePath"]);
        var certificate = LoadOrCreateCertificate(keys);
        services.AddDataProtection()
            .SetApplicationName("FukushiMap-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(keys)))[..16])
            .PersistKeysToFileSystem(new DirectoryInfo(keys))
            .ProtectKeysWithCertificate(certificate)
            // Decryption otherwise looks for the certificate in the X.509 store, which on Linux does not hold it.
            .UnprotectKeysWithAnyCertificate(certificate);
        return services;
    }

    /// <summary><c>&lt;state&gt;/keys</c>, created 0700 (and made 0700 when it exists with a wider mode).</summary>
    public static string KeysPath(string? statePath)
    {
        var state = Path.GetFullPath(string.IsNullOrWhiteSpace(statePath) ? FukushiMapOptions.DefaultStatePath() : statePath);
        var keys = Path.Combine(state, "keys");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(keys);
            return keys;
        }
        // The state folder keeps its mode (the front door lets the postgres user reach the cluster under it); keys/ is owner-only.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(keys, ownerOnly);
        File.SetUnixFileMode(keys, ownerOnly);
        return keys;
    }

    private static X509Certificate2 LoadOrCreateCertificate(string keys)
    {
        var path = Path.Combine(keys, CertificateFile);
        if (!File.Exists(path))
        {
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=FukushiMap data-protection key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            // Written 0600 under another name and moved into place, so that two instances starting together agree on one certificate.
            var temp = path + "." + Guid.NewGuid().ToString("N");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new FileStream(temp, options))
            {
                file.Write(created.Export(X509ContentType.Pkcs12));
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);
    }
}
