using NSec.Cryptography;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// One data key as an NSec <see cref="Key"/>: imported once (NSec expands the AES key schedule and GHASH table then, in
/// libsodium's guarded memory), never exportable, shared by all threads (the state is only read), freed and zeroed on
/// dispose.
/// </summary>
internal sealed class LibsodiumCipherKey : ICipherKey
{
    private static readonly Aes256Gcm Algorithm = AeadAlgorithm.Aes256Gcm;

    private readonly Key _key;

    public LibsodiumCipherKey(ReadOnlySpan<byte> key) =>
        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertextAndTag) =>
        Algorithm.Encrypt(_key, nonce, associatedData, plaintext, ciphertextAndTag);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext) =>
        Algorithm.Decrypt(_key, nonce, associatedData, ciphertextAndTag, plaintext);

    public void Dispose() => _key.Dispose();

    /// <summary>Never shows key material.</summary>
    public override string ToString() => "libsodium AES-256-GCM key";
}
