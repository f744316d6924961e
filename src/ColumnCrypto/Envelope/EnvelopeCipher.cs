using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Ring;

namespace ColumnCrypto.Envelope;

/// <summary>
/// Seals and opens format-1 values: the header, the nonce, and the associated data that binds each value to its key
/// version and its column. Everything that encrypts or decrypts a value goes through here.
/// </summary>
internal static class EnvelopeCipher
{
    // Table and column names are short; this bound only keeps stackalloc safe against absurd names.
    private const int MaxAssociatedDataLength = 1024;

    /// <summary>The size of a sealed value whose encoded plaintext is <paramref name="plaintextLength"/> bytes.</summary>
    public static int SealedLength(int plaintextLength) => EnvelopeLayout.Overhead + plaintextLength;

    /// <summary>The span of a sealed value where the encoded plaintext goes before <see cref="Seal"/>.</summary>
    public static Span<byte> Payload(Span<byte> envelope) =>
        envelope[EnvelopeLayout.PayloadOffset..^EnvelopeLayout.TagSize];

    /// <summary>
    /// Writes header and nonce into <paramref name="envelope"/> and encrypts its payload (already encoded at
    /// <see cref="Payload"/>) in place, so no plaintext copy is made.
    /// </summary>
    public static void Seal(DataKey key, EncryptedColumn column, Span<byte> envelope)
    {
        EnvelopeLayout.WriteHeader(envelope, key.Version);
        var nonce = envelope.Slice(EnvelopeLayout.NonceOffset, EnvelopeLayout.NonceSize);
        NonceGenerator.Fill(nonce);
        Span<byte> aad = stackalloc byte[AssociatedDataLength(column)];
        WriteAssociatedData(envelope[..EnvelopeLayout.HeaderSize], column, aad);
        key.Encrypt(nonce, Payload(envelope), aad, envelope[EnvelopeLayout.PayloadOffset..]);
    }

    /// <summary>
    /// The key version of a stored value about to be opened; throws the error that says why it cannot be one
    /// (too short, or no ColumnCrypto header).
    /// </summary>
    public static int ReadKeyVersion(EncryptedColumn column, ReadOnlySpan<byte> stored)
    {
        if (stored.Length < EnvelopeLayout.Overhead)
        {
            throw EnvelopeLayout.HasMagic(stored) || stored.Length < 2
                ? CryptoErrors.Truncated(column, stored.Length)
                : CryptoErrors.NotCiphertext(column);
        }

        var version = EnvelopeLayout.ReadKeyVersion(stored);
        return version > 0 ? version : throw CryptoErrors.NotCiphertext(column);
    }

    /// <summary>The plaintext length of a stored value that passed <see cref="ReadKeyVersion"/>.</summary>
    public static int PlaintextLength(ReadOnlySpan<byte> stored) => stored.Length - EnvelopeLayout.Overhead;

    /// <summary>Authenticates and decrypts <paramref name="stored"/> into <paramref name="plaintext"/>.</summary>
    /// <exception cref="ColumnDecryptionException">The value, its header or its column binding was altered.</exception>
    public static void Open(DataKey key, EncryptedColumn column, ReadOnlySpan<byte> stored, Span<byte> plaintext)
    {
        Span<byte> aad = stackalloc byte[AssociatedDataLength(column)];
        WriteAssociatedData(stored[..EnvelopeLayout.HeaderSize], column, aad);
        var nonce = stored.Slice(EnvelopeLayout.NonceOffset, EnvelopeLayout.NonceSize);
        if (!key.TryDecrypt(nonce, stored[EnvelopeLayout.PayloadOffset..], aad, plaintext))
        {
            throw CryptoErrors.AuthenticationFailed(column, key.Version);
        }
    }

    private static int AssociatedDataLength(EncryptedColumn column)
    {
        var length = EnvelopeLayout.HeaderSize + column.AssociatedDataSuffix.Length;
        return length <= MaxAssociatedDataLength
            ? length
            : throw new ArgumentException($"The table and column names of {column} are too long (over 1 KiB).", nameof(column));
    }

    private static void WriteAssociatedData(ReadOnlySpan<byte> header, EncryptedColumn column, Span<byte> aad)
    {
        header.CopyTo(aad);
        column.AssociatedDataSuffix.CopyTo(aad[EnvelopeLayout.HeaderSize..]);
    }
}
