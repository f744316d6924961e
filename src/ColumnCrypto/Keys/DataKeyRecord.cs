namespace ColumnCrypto.Keys;

/// <summary>
/// One row of the data key table. The data key itself is only ever stored wrapped (encrypted) by the master key or KMS.
/// </summary>
public sealed class DataKeyRecord
{
    /// <summary>The key version: 1 for the first key, one more for each rollover. Stored in every ciphertext header.</summary>
    public int Version { get; set; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the schedule replaces this key by a new one (creation time plus <c>schedule.dataKeyRollOverLength</c>).</summary>
    public DateTimeOffset RollOverAt { get; set; }

    /// <summary>Whether the key may still be used.</summary>
    public DataKeyStatus Status { get; set; }

    /// <summary>The wrapping provider: <c>local</c> (the local master key) or <c>awsKms</c>.</summary>
    public string WrappingProvider { get; set; } = string.Empty;

    /// <summary>Which wrapping key wrapped this data key: a master key fingerprint, or a KMS key id/ARN.</summary>
    public string WrappingKeyId { get; set; } = string.Empty;

    /// <summary>The data key, encrypted by the wrapping key. Never the key itself.</summary>
    public byte[] WrappedKey { get; set; } = [];

    /// <summary>
    /// An HMAC-SHA256 commitment of the data key to its version and creation time; detects a substituted or tampered row.
    /// </summary>
    public byte[] Commitment { get; set; } = [];

    /// <summary>How many encryptions running instances have reserved under this key (an upper bound of those made).</summary>
    public long EncryptionCount { get; set; }

    /// <summary>A copy that shares no array with this row.</summary>
    internal DataKeyRecord Copy() => new()
    {
        Version = Version,
        CreatedAt = CreatedAt,
        RollOverAt = RollOverAt,
        Status = Status,
        WrappingProvider = WrappingProvider,
        WrappingKeyId = WrappingKeyId,
        WrappedKey = [.. WrappedKey],
        Commitment = [.. Commitment],
        EncryptionCount = EncryptionCount,
    };

    /// <summary>Shows the version and status only: never key material.</summary>
    public override string ToString() => $"DataKey v{Version} ({Status}, wrapped by {WrappingProvider}:{WrappingKeyId}, created {CreatedAt:O})";
}
