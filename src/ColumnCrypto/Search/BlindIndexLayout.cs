using System.Buffers.Binary;

namespace ColumnCrypto.Search;

/// <summary>
/// The stored form of a blind index (format 1), 22 bytes:
/// <list type="table">
/// <item><term>0</term><description>1 byte: format, <c>01</c> (keyed hash: HMAC-SHA-256 truncated to 128 bits)</description></item>
/// <item><term>1</term><description>4 bytes: the index key version, unsigned big-endian (so headers compare in version order)</description></item>
/// <item><term>5</term><description>1 byte: the <see cref="BlindIndexNormalization"/> the value was normalized with</description></item>
/// <item><term>6</term><description>16 bytes: the keyed hash of the normalized, encoded value</description></item>
/// </list>
/// The header tells the index rebuild which rows are not yet on the newest key or on the column's normalization
/// (a prefix comparison in SQL) and lets lookups and verification recompute a row's index; it holds nothing about the
/// value. 128 bits keep accidental collisions (a false match, or a false unique violation) below 2^-64 up to 2^32
/// values per column while keeping the index column short, close to a plain e-mail address.
/// </summary>
public static class BlindIndexLayout
{
    /// <summary>The format this version writes.</summary>
    public const byte Format1 = 1;

    /// <summary>Bytes before the hash: format, key version, normalization.</summary>
    public const int HeaderLength = 6;

    /// <summary>Bytes of the keyed hash.</summary>
    public const int HashLength = 16;

    /// <summary>Bytes of a stored blind index.</summary>
    public const int Length = HeaderLength + HashLength;

    /// <summary>The header of an index under key <paramref name="version"/> with <paramref name="normalization"/>.</summary>
    public static byte[] Header(int version, BlindIndexNormalization normalization)
    {
        var header = new byte[HeaderLength];
        WriteHeader(header, version, normalization);
        return header;
    }

    /// <summary>Reads a stored index's key version and normalization; false when it is not a format-1 blind index.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> index, out int version, out BlindIndexNormalization normalization)
    {
        version = 0;
        normalization = BlindIndexNormalization.Exact;
        if (index.Length != Length || index[0] != Format1)
        {
            return false;
        }

        var raw = BinaryPrimitives.ReadUInt32BigEndian(index[1..]);
        if (raw is 0 or > int.MaxValue)
        {
            return false;
        }

        version = (int)raw;
        normalization = (BlindIndexNormalization)index[5];
        return true;
    }

    internal static void WriteHeader(Span<byte> destination, int version, BlindIndexNormalization normalization)
    {
        destination[0] = Format1;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)version);
        destination[5] = (byte)normalization;
    }
}
