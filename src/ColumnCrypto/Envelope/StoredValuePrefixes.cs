namespace ColumnCrypto.Envelope;

/// <summary>
/// The header prefixes of stored values, for SQL that selects or counts values by key version without decrypting them
/// (re-encryption, coverage): a binary value is under a version when its first 7 bytes are that version's header; a
/// base64 value when its first 10 characters (60 bits, enough for the 56-bit header) are one of that version's 16
/// possible prefixes.
/// </summary>
public static class StoredValuePrefixes
{
    /// <summary>Bytes of a binary value that hold the header (magic, format, key version).</summary>
    public const int HeaderLength = EnvelopeLayout.HeaderSize;

    /// <summary>Characters of base64 text that cover the 7-byte header (with 4 bits of the nonce).</summary>
    public const int Base64HeaderLength = 10;

    /// <summary>The magic bytes and format version: a value starting with them claims to be a ColumnCrypto value.</summary>
    public static ReadOnlySpan<byte> Magic => [EnvelopeLayout.Magic0, EnvelopeLayout.Magic1, EnvelopeLayout.Version1];

    /// <summary>The base64 form of <see cref="Magic"/> (3 bytes, exactly 4 characters).</summary>
    public static string Base64Magic { get; } = Convert.ToBase64String(Magic);

    /// <summary>The 7-byte header of values under <paramref name="keyVersion"/>.</summary>
    public static byte[] Header(int keyVersion)
    {
        var header = new byte[EnvelopeLayout.HeaderSize];
        EnvelopeLayout.WriteHeader(header, keyVersion);
        return header;
    }

    /// <summary>
    /// The 16 possible 10-character base64 prefixes of values under <paramref name="keyVersion"/>: the header fixes 56
    /// of their 60 bits, the first nonce byte the other 4.
    /// </summary>
    public static IReadOnlyList<string> Base64Prefixes(int keyVersion)
    {
        var prefixes = new string[16];
        var bytes = new byte[9];
        EnvelopeLayout.WriteHeader(bytes, keyVersion);
        for (var n = 0; n < 16; n++)
        {
            bytes[EnvelopeLayout.HeaderSize] = (byte)(n << 4);
            prefixes[n] = Convert.ToBase64String(bytes)[..Base64HeaderLength];
        }

        return prefixes;
    }

    /// <summary>
    /// The key version of a header prefix as SQL returns it (the first 7 bytes of a binary value, or the first 10
    /// characters of a base64 value); -1 when it is not a valid header.
    /// </summary>
    public static int KeyVersionOf(object prefix) => prefix switch
    {
        byte[] bytes => EnvelopeLayout.ReadKeyVersion(bytes),
        string text => KeyVersionOfBase64(text),
        _ => -1,
    };

    private static int KeyVersionOfBase64(string prefix)
    {
        if (prefix.Length < Base64HeaderLength)
        {
            return -1;
        }

        Span<byte> bytes = stackalloc byte[9];
        if (!Convert.TryFromBase64String(string.Concat(prefix.AsSpan(0, Base64HeaderLength), "AA"), bytes, out var written) || written < EnvelopeLayout.HeaderSize)
        {
            return -1;
        }

        return EnvelopeLayout.ReadKeyVersion(bytes);
    }
}
