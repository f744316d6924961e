using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// HMAC-SHA256, keyed by the data key, over its version and creation time. Stored in the key row and checked after
/// every unwrap, so a row whose wrapped key was swapped with another row's, or replaced, is detected even where the
/// wrapping itself would not bind the version. It does not depend on the wrapping, so a rewrap keeps it.
/// </summary>
internal static class KeyCommitment
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("ColumnCrypto.KeyCommitment.v1");

    public static byte[] Compute(ReadOnlySpan<byte> dataKey, int version, DateTimeOffset createdAt)
    {
        Span<byte> message = stackalloc byte[Label.Length + 12];
        Label.CopyTo(message);
        BinaryPrimitives.WriteInt32BigEndian(message[Label.Length..], version);
        BinaryPrimitives.WriteInt64BigEndian(message[(Label.Length + 4)..], createdAt.ToUnixTimeMilliseconds());
        return HMACSHA256.HashData(dataKey, message);
    }

    public static bool Verify(ReadOnlySpan<byte> dataKey, DataKeyRecord record) =>
        CryptographicOperations.FixedTimeEquals(Compute(dataKey, record.Version, record.CreatedAt), record.Commitment);
}
