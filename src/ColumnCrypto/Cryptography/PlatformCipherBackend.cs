using System.Security.Cryptography;
using ColumnCrypto.Configuration;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// The platform's <see cref="AesGcm"/> and <see cref="HMACSHA256"/> (OpenSSL on Linux, CNG on Windows, CryptoKit on
/// macOS): the FIPS-capable choice (<c>cipher: platform</c>), and the fallback wherever libsodium cannot be used.
/// </summary>
internal sealed class PlatformCipherBackend : ICipherBackend
{
    public static PlatformCipherBackend Instance { get; } = new();

    private PlatformCipherBackend()
    {
    }

    public CipherBackend Kind => CipherBackend.Platform;

    public string Implementation { get; } = "System.Security.Cryptography.AesGcm" + (OperatingSystem.IsLinux() ? $" ({OpenSslName()})" : "");

    public ICipherKey CreateKey(ReadOnlySpan<byte> key) => new PlatformCipherKey(key);

    public KeyedHash CreateKeyedHash(ReadOnlySpan<byte> key) => new PlatformKeyedHash(key);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string OpenSslName()
    {
        try
        {
            // 0xMNN00PP0L: major, minor, patch.
            var version = SafeEvpPKeyHandle.OpenSslVersion;
            return $"OpenSSL {version >> 28}.{(version >> 20) & 0xFF}.{(version >> 4) & 0xFF}";
        }
        catch (Exception e) when (e is PlatformNotSupportedException or CryptographicException or DllNotFoundException)
        {
            return "OpenSSL";
        }
    }
}
