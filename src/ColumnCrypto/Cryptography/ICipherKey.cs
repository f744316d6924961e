namespace ColumnCrypto.Cryptography;

/// <summary>
/// One data key prepared for AES-256-GCM by a <see cref="ICipherBackend"/>: created once per data key, safe for
/// concurrent use, and disposed (its key material zeroed) with the data key. The ciphertext and its 16-byte tag are
/// one span, as format version 1 stores them.
/// </summary>
internal interface ICipherKey : IDisposable
{
    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertextAndTag"/> (its length plus 16 bytes).
    /// <paramref name="plaintext"/> may be the start of <paramref name="ciphertextAndTag"/> (in place), never another overlap.
    /// </summary>
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertextAndTag);

    /// <summary>
    /// Authenticates and decrypts <paramref name="ciphertextAndTag"/> into <paramref name="plaintext"/> (16 bytes
    /// shorter). False, with nothing usable in <paramref name="plaintext"/>, when the ciphertext, tag, nonce or
    /// associated data was altered.
    /// </summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext);
}
