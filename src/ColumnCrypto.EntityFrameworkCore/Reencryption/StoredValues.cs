using ColumnCrypto.Cryptography;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>What a stored value is, judged by its header only (nothing is decrypted).</summary>
internal enum StoredValueKind
{
    /// <summary>A ColumnCrypto format-1 value; its key version is known.</summary>
    Ciphertext,

    /// <summary>Starts with the ColumnCrypto magic bytes but has no valid header: a damaged value, never plaintext.</summary>
    Damaged,

    /// <summary>No ColumnCrypto magic: plaintext from before the column was encrypted (or foreign data).</summary>
    Plaintext,
}

/// <summary>
/// Reads and matches ciphertext headers in stored form: raw bytes for binary columns, base64 text for text columns.
/// The SQL filters use the same rules: a value is on the target key when its first 7 bytes (binary) or first 10
/// characters (base64: 60 bits, enough for the 56-bit header) are the target's.
/// </summary>
internal static class StoredValues
{
    /// <summary>Characters of base64 text that cover the 7-byte header (with 4 bits of the nonce).</summary>
    public const int Base64HeaderLength = 10;

    /// <summary>The magic bytes and format version: a value starting with them claims to be a ColumnCrypto value.</summary>
    public static readonly byte[] Magic = [CiphertextFormat.Magic0, CiphertextFormat.Magic1, CiphertextFormat.Version1];

    /// <summary>The base64 form of <see cref="Magic"/> (3 bytes, exactly 4 characters).</summary>
    public static readonly string Base64Magic = Convert.ToBase64String(Magic);

    /// <summary>The 7-byte header of values under <paramref name="version"/>.</summary>
    public static byte[] Header(int version)
    {
        var header = new byte[CiphertextFormat.HeaderSize];
        CiphertextFormat.WriteHeader(header, version);
        return header;
    }

    /// <summary>
    /// The 16 possible 10-character base64 prefixes of values under <paramref name="version"/>: the header fixes 56 of
    /// their 60 bits, the first nonce byte the other 4.
    /// </summary>
    public static string[] Base64Prefixes(int version)
    {
        var prefixes = new string[16];
        var bytes = new byte[9];
        CiphertextFormat.WriteHeader(bytes, version);
        for (var n = 0; n < 16; n++)
        {
            bytes[CiphertextFormat.HeaderSize] = (byte)(n << 4);
            prefixes[n] = Convert.ToBase64String(bytes)[..Base64HeaderLength];
        }

        return prefixes;
    }

    /// <summary>The key version of a header prefix as the coverage query returns it (7 bytes, or 10 base64 characters); -1 when it is not a valid header.</summary>
    public static int VersionOfPrefix(object prefix) => prefix switch
    {
        byte[] bytes => CiphertextFormat.ReadKeyVersion(bytes),
        string text => VersionOfBase64Prefix(text),
        _ => -1,
    };

    /// <summary>Classifies a binary column's stored bytes.</summary>
    public static StoredValueKind Classify(ReadOnlySpan<byte> stored, out int version)
    {
        version = CiphertextFormat.ReadKeyVersion(stored);
        if (version > 0 && stored.Length >= CiphertextFormat.Overhead)
        {
            return StoredValueKind.Ciphertext;
        }

        version = -1;
        return CiphertextFormat.HasMagic(stored) ? StoredValueKind.Damaged : StoredValueKind.Plaintext;
    }

    /// <summary>
    /// Classifies a base64 column's stored text. Text that is not base64, or whose bytes do not start with the magic,
    /// is plaintext; <paramref name="bytes"/> is then null.
    /// </summary>
    public static StoredValueKind Classify(string stored, out int version, out byte[]? bytes)
    {
        version = -1;
        bytes = null;
        if (!stored.StartsWith(Base64Magic[..2], StringComparison.Ordinal))
        {
            // Cheap exit for ordinary text: every ColumnCrypto value starts with "zO".
            return StoredValueKind.Plaintext;
        }

        var buffer = new byte[stored.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(stored, buffer, out var written))
        {
            return StoredValueKind.Plaintext;
        }

        var decoded = buffer.AsSpan(0, written);
        var kind = Classify(decoded, out version);
        if (kind != StoredValueKind.Plaintext)
        {
            bytes = decoded.ToArray();
        }

        return kind;
    }

    private static int VersionOfBase64Prefix(string prefix)
    {
        if (prefix.Length < Base64HeaderLength)
        {
            return -1;
        }

        Span<byte> bytes = stackalloc byte[9];
        if (!Convert.TryFromBase64String(string.Concat(prefix.AsSpan(0, Base64HeaderLength), "AA"), bytes, out var written) || written < CiphertextFormat.HeaderSize)
        {
            return -1;
        }

        return CiphertextFormat.ReadKeyVersion(bytes);
    }
}
