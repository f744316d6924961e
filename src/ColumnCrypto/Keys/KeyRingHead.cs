namespace ColumnCrypto.Keys;

/// <summary>
/// The authenticated head of the key ring: one row next to the key table (<c>columncrypto_key_ring</c>) that records
/// every key row (its purpose, version, status and commitment) in a manifest, MACed under a ring key that is stored
/// only wrapped by the master key or KMS. Every legitimate change of the key rows writes a new head in the same
/// transaction, with <see cref="Generation"/> one higher; a key row deleted, added, duplicated or re-statused outside
/// ColumnCrypto no longer matches it, and an altered head no longer authenticates. Holds no key material.
/// </summary>
public sealed class KeyRingHead
{
    /// <summary>Counts the head's writes: 1 for the first, one more for each change of the key ring.</summary>
    public long Generation { get; set; }

    /// <summary>The key rows as ColumnCrypto last wrote them, one line per row (text, readable by an operator).</summary>
    public string Manifest { get; set; } = string.Empty;

    /// <summary>HMAC-SHA256 under the ring key over the generation and the manifest.</summary>
    public byte[] Mac { get; set; } = [];

    /// <summary>The provider that wrapped the ring key (<c>local</c>, or a KMS plugin's name).</summary>
    public string RingKeyWrappingProvider { get; set; } = string.Empty;

    /// <summary>Which key wrapped the ring key: a master key fingerprint or a KMS key id.</summary>
    public string RingKeyWrappingKeyId { get; set; } = string.Empty;

    /// <summary>The ring key, wrapped (never the key itself).</summary>
    public byte[] WrappedRingKey { get; set; } = [];

    /// <summary>When the head was written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Shows the generation and wrapping only: never key material.</summary>
    public override string ToString() => $"KeyRingHead generation {Generation} (ring key wrapped by {RingKeyWrappingProvider}:{RingKeyWrappingKeyId}, written {UpdatedAt:O})";
}
