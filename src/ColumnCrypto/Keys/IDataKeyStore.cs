namespace ColumnCrypto.Keys;

/// <summary>
/// The data key table (the key repository) and its ring head: every read and every write of key rows goes through it,
/// so the rules that protect the key ring hold whoever changes it. <c>ColumnCrypto.Data</c> provides the SQL
/// implementation (<c>UseSqlKeyStore</c>, and <c>UseDbContextKeyStore&lt;TContext&gt;()</c> over an EF context's
/// database); <see cref="InMemoryDataKeyStore"/> serves tests and single-process prototypes. Implementations store what
/// they are given: ColumnCrypto computes and verifies the ring head (<see cref="KeyRingHead"/>) itself.
/// </summary>
public interface IDataKeyStore
{
    /// <summary>
    /// Reads every key row and the ring head as one consistent snapshot: no change applied by
    /// <see cref="TryApplyAsync"/> may lie between the rows and the head that are returned.
    /// </summary>
    Task<DataKeyTableSnapshot> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies one change of the key ring atomically: writes <see cref="KeyRingUpdate.Head"/> if the stored head's
    /// generation is still <see cref="KeyRingUpdate.ExpectedGeneration"/> (no head for 0), inserts
    /// <see cref="KeyRingUpdate.Insert"/> if its version is new, and applies each <see cref="KeyRingUpdate.Changes"/> entry
    /// if its row still has the expected status. Returns false, and writes nothing, when any of these conditions fails
    /// (another instance changed the ring first). The head's generation is what makes concurrent rollovers create one key.
    /// </summary>
    Task<bool> TryApplyAsync(KeyRingUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically adds <paramref name="count"/> to the key's encryption count and returns the new total. Throws when the
    /// row is missing or the update is refused.
    /// </summary>
    Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a key's wrapping (after a master key change), only if it is still wrapped by
    /// <paramref name="expectedWrappingKeyId"/>. Returns false when the row changed meanwhile. The wrapping is not part of
    /// the ring head: the commitment, which the head records, proves the rewrapped key is the same key.
    /// </summary>
    Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken);
}
