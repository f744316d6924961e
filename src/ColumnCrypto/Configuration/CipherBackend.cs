namespace ColumnCrypto.Configuration;

/// <summary>
/// Which AES-256-GCM implementation seals and opens values (<c>cipher:</c> in the configuration). Both produce the
/// same bytes, so the choice changes speed and certification, never the stored format.
/// </summary>
public enum CipherBackend
{
    /// <summary>
    /// <c>auto</c> (the default): libsodium's AES-256-GCM where the CPU supports it (AES-NI and CLMUL), otherwise the
    /// platform's <see cref="System.Security.Cryptography.AesGcm"/>.
    /// </summary>
    Auto,

    /// <summary><c>libsodium</c>: libsodium's AES-256-GCM (through NSec.Cryptography); start-up fails where it is not supported.</summary>
    Libsodium,

    /// <summary>
    /// <c>platform</c>: the platform's <see cref="System.Security.Cryptography.AesGcm"/> (OpenSSL on Linux, CNG on
    /// Windows) for every value, for deployments that must use a FIPS-validated module.
    /// </summary>
    Platform,
}
