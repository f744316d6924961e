namespace ColumnCrypto.Keys;

/// <summary>
/// One change of the key ring, applied by <see cref="IDataKeyStore.TryApplyAsync"/> in a single transaction: the new
/// ring head (only if the stored head's generation is still <see cref="ExpectedGeneration"/>), a new key row, and
/// changes of existing rows (each only if the row still has its expected status). Either everything is written or nothing.
/// </summary>
/// <param name="Head">The new head; its generation is <see cref="ExpectedGeneration"/> + 1.</param>
/// <param name="ExpectedGeneration">The generation of the stored head, or 0 when there must be no head yet.</param>
public sealed record KeyRingUpdate(KeyRingHead Head, long ExpectedGeneration)
{
    /// <summary>A new key row, inserted only if its version does not exist yet.</summary>
    public DataKeyRecord? Insert { get; init; }

    /// <summary>Changes of existing rows.</summary>
    public IReadOnlyList<KeyRowChange> Changes { get; init; } = [];

    /// <summary>A new blind-index key row, inserted only if its version does not exist yet.</summary>
    public DataKeyRecord? InsertBlindIndexKey { get; init; }

    /// <summary>Changes of existing blind-index key rows.</summary>
    public IReadOnlyList<KeyRowChange> BlindIndexKeyChanges { get; init; } = [];
}

/// <summary>A change of one existing key row, applied only while the row has <paramref name="ExpectedStatus"/>.</summary>
/// <param name="Version">The row's version.</param>
/// <param name="ExpectedStatus">The status the row must still have.</param>
public sealed record KeyRowChange(int Version, DataKeyStatus ExpectedStatus)
{
    /// <summary>The row's new status, or null to keep it.</summary>
    public DataKeyStatus? Status { get; init; }

    /// <summary>Wipes the wrapped key (crypto-shredding).</summary>
    public bool WipeWrappedKey { get; init; }

    /// <summary>The row's new commitment (a key re-committed when its table gets its first ring head), or null to keep it.</summary>
    public byte[]? Commitment { get; init; }

    /// <summary>The row's new wrapping (a rewrap after a master key change), or null to keep it.</summary>
    public KeyRowWrapping? Wrapping { get; init; }
}

/// <summary>How a key row's key is wrapped: what a rewrap replaces.</summary>
/// <param name="Provider">The wrapping provider (<c>local</c>, or a KMS plugin's name).</param>
/// <param name="KeyId">The wrapping key's id.</param>
/// <param name="WrappedKey">The key, wrapped.</param>
public sealed record KeyRowWrapping(string Provider, string KeyId, byte[] WrappedKey);
