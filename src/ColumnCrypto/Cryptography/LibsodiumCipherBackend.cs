using ColumnCrypto.Configuration;
using NSec.Cryptography;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// libsodium's AES-256-GCM and HMAC-SHA-256, through NSec.Cryptography (a maintained .NET binding of a widely audited
/// library). It costs about a tenth of the platform's <see cref="System.Security.Cryptography.AesGcm"/> per call on
/// Linux, where OpenSSL's per-call set-up dominates small values. libsodium offers AES-256-GCM only on CPUs with AES-NI
/// and CLMUL (or the Arm crypto extensions): <see cref="TryCreate"/> says where it cannot be used.
/// </summary>
internal sealed class LibsodiumCipherBackend : ICipherBackend
{
    private LibsodiumCipherBackend()
    {
    }

    public CipherBackend Kind => CipherBackend.Libsodium;

    public string Implementation { get; } =
        $"libsodium AES-256-GCM through NSec.Cryptography {typeof(Key).Assembly.GetName().Version?.ToString(3)}";

    /// <summary>The backend, or null with the reason when libsodium's AES-256-GCM cannot be used on this machine.</summary>
    public static LibsodiumCipherBackend? TryCreate(out string? unavailableReason)
    {
        try
        {
            if (!Aes256Gcm.IsSupported)
            {
                unavailableReason = "this CPU lacks the instructions libsodium's AES-256-GCM needs (AES-NI and CLMUL, or the Arm crypto extensions)";
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException
                                      or EntryPointNotFoundException or PlatformNotSupportedException or InvalidOperationException)
        {
            // No native libsodium for this platform in the NSec package, or it failed to load.
            unavailableReason = $"libsodium could not be loaded ({e.GetType().Name}: {e.Message})";
            return null;
        }

        unavailableReason = null;
        return new LibsodiumCipherBackend();
    }

    public ICipherKey CreateKey(ReadOnlySpan<byte> key) => new LibsodiumCipherKey(key);

    public KeyedHash CreateKeyedHash(ReadOnlySpan<byte> key) => new LibsodiumKeyedHash(key);
}
