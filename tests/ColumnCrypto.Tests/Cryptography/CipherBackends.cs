using ColumnCrypto.Configuration;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>The two real backends. libsodium needs AES-NI and CLMUL; this project's machines and CI have them.</summary>
internal static class CipherBackends
{
    public static ICipherBackend Libsodium { get; } = LibsodiumCipherBackend.TryCreate(out var reason)
        ?? throw new InvalidOperationException($"These specifications need libsodium's AES-256-GCM, which cannot be used here: {reason}.");

    public static ICipherBackend Platform => PlatformCipherBackend.Instance;

    public static ICipherBackend Of(CipherBackend kind) => kind == CipherBackend.Libsodium ? Libsodium : Platform;
}
