using System.Buffers.Binary;

namespace ColumnCrypto.Envelope;

/// <summary>
/// The byte layout of format version 1, the one place it is written down in code (documented in the README; frozen by
/// the committed test vectors):
/// <code>
/// offset  size  field
///      0     2  magic 0xCC 0xE5
///      2     1  format version (1)
///      3     4  key version, unsigned big-endian
///      7    12  nonce (random)
///     19     n  AES-256-GCM ciphertext of the encoded value
///   19+n    16  GCM tag
/// </code>
/// The associated data is bytes 0..6 (magic, format, key version) followed by the column's length-prefixed table and
/// column names (<see cref="EncryptedColumn"/>).
/// </summary>
internal static class EnvelopeLayout
{
    public const byte Magic0 = 0xCC;
    public const byte Magic1 = 0xE5;
    public const byte Version1 = 1;
    public const int HeaderSize = 7;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int NonceOffset = HeaderSize;
    public const int PayloadOffset = HeaderSize + NonceSize;
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    /// <summary>Magic and format version: the first 3 bytes of every format-1 value.</summary>
    public const int MagicAndFormatSize = 3;

    public static void WriteHeader(Span<byte> destination, int keyVersion)
    {
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = Version1;
        BinaryPrimitives.WriteUInt32BigEndian(destination[3..], (uint)keyVersion);
    }

    /// <summary>True when the value starts with the magic bytes: it claims to be a ColumnCrypto value.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> value) =>
        value.Length >= 2 && value[0] == Magic0 && value[1] == Magic1;

    /// <summary>Reads the key version without validating the rest; -1 when the header is not a version-1 header.</summary>
    public static int ReadKeyVersion(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize || !HasMagic(value) || value[2] != Version1)
        {
            return -1;
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(value[3..]);
        return version is 0 or > int.MaxValue ? -1 : (int)version;
    }
}
