using ColumnCrypto.Configuration;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// An implementation of the primitives values need: AES-256-GCM per data key, and the keyed hash (HMAC-SHA-256) for
/// lookups. One per library (<see cref="LibsodiumCipherBackend"/>, <see cref="PlatformCipherBackend"/>); the
/// <see cref="CipherBackendSelector"/> picks one per application. Every backend produces the same bytes.
/// </summary>
internal interface ICipherBackend
{
    /// <summary><see cref="CipherBackend.Libsodium"/> or <see cref="CipherBackend.Platform"/>.</summary>
    CipherBackend Kind { get; }

    /// <summary>The library doing the work, for logs and status (no key material).</summary>
    string Implementation { get; }

    /// <summary>Prepares a 256-bit key for AES-256-GCM; the caller keeps (and zeroes) its own copy.</summary>
    ICipherKey CreateKey(ReadOnlySpan<byte> key);

    /// <summary>Prepares a 256-bit key for <see cref="KeyedHash"/>; the caller keeps (and zeroes) its own copy.</summary>
    KeyedHash CreateKeyedHash(ReadOnlySpan<byte> key);
}
