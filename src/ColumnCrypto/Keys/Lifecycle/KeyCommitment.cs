using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>Which commitment a key row carries.</summary>
internal enum CommitmentKind
{
    /// <summary>Neither: the row's key or its version, purpose or creation time was substituted or altered.</summary>
    None,

    /// <summary>Written before key tables had a ring head (label v1: version and creation time).</summary>
    Legacy,

    /// <summary>Written under a ring head (label v2: purpose, version and creation time).</summary>
    Sealed,
}

/// <summary>
/// HMAC-SHA256, keyed by the data key, over its purpose, version and creation time. Stored in the key row and checked
/// after every unwrap, so a row whose wrapped key was swapped with another row's, or replaced, is detected even where
/// the wrapping itself would not bind the version. It does not depend on the wrapping, so a rewrap keeps it. Keys
/// created since ring heads exist carry the v2 label, which an attacker cannot produce without the key: a table whose
/// rows carry it but whose ring head is gone was tampered with, not written by an older ColumnCrypto.
/// </summary>
internal static class KeyCommitment
{
    private static readonly byte[] LegacyLabel = Encoding.ASCII.GetBytes("ColumnCrypto.KeyCommitment.v1");
    private static readonly byte[] SealedLabel = Encoding.ASCII.GetBytes("ColumnCrypto.KeyCommitment.v2");

    /// <summary>The commitment of a new key (v2).</summary>
    public static byte[] Compute(ReadOnlySpan<byte> dataKey, int version, DateTimeOffset createdAt, string purpose = KeyWrapContext.DataKeyPurpose) =>
        HMACSHA256.HashData(dataKey, Message(SealedLabel, Encoding.UTF8.GetBytes(purpose), version, createdAt));

    /// <summary>The commitment rows carried before ring heads existed (v1), for rows written by earlier versions.</summary>
    public static byte[] ComputeLegacy(ReadOnlySpan<byte> dataKey, int version, DateTimeOffset createdAt) =>
        HMACSHA256.HashData(dataKey, Message(LegacyLabel, [], version, createdAt));

    public static CommitmentKind Check(ReadOnlySpan<byte> dataKey, DataKeyRecord record)
    {
        if (CryptographicOperations.FixedTimeEquals(Compute(dataKey, record.Version, record.CreatedAt), record.Commitment))
        {
            return CommitmentKind.Sealed;
        }

        return CryptographicOperations.FixedTimeEquals(ComputeLegacy(dataKey, record.Version, record.CreatedAt), record.Commitment)
            ? CommitmentKind.Legacy
            : CommitmentKind.None;
    }

    public static bool Verify(ReadOnlySpan<byte> dataKey, DataKeyRecord record) => Check(dataKey, record) != CommitmentKind.None;

    private static byte[] Message(byte[] label, byte[] purpose, int version, DateTimeOffset createdAt)
    {
        // The v1 message is the label, the version and the time; v2 inserts the length-prefixed purpose after the label.
        var prefix = purpose.Length == 0 ? 0 : 4 + purpose.Length;
        var message = new byte[label.Length + prefix + 12];
        label.CopyTo(message, 0);
        if (prefix > 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(label.Length), purpose.Length);
            purpose.CopyTo(message, label.Length + 4);
        }

        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(label.Length + prefix), version);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(label.Length + prefix + 4), createdAt.ToUnixTimeMilliseconds());
        return message;
    }
}
