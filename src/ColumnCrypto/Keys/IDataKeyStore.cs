namespace ColumnCrypto.Keys;

/// <summary>
/// The data key table (the key repository): every read and every write of key rows goes through it, so the rules
/// that protect the key ring hold whoever changes it. <c>ColumnCrypto.Data</c> provides the SQL implementation
/// (<c>UseSqlKeyStore</c>, and <c>UseDbContextKeyStore&lt;TContext&gt;()</c> over an EF context's database);
/// <see cref="InMemoryDataKeyStore"/> serves tests and single-process prototypes.
/// </summary>
public interface IDataKeyStore
{
    /// <summary>Reads every key row, in version order.</summary>
    Task<IReadOnlyList<DataKeyRecord>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a new key row. Returns false, and writes nothing, when a row with the same version already exists
    /// (another instance rolled over first). The version's uniqueness is what makes concurrent rollovers create one key.
    /// </summary>
    Task<bool> TryAddAsync(DataKeyRecord record, CancellationToken cancellationToken);

    /// <summary>Atomically adds <paramref name="count"/> to the key's encryption count and returns the new total.</summary>
    Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a key's wrapping (after a master key change), only if it is still wrapped by
    /// <paramref name="expectedWrappingKeyId"/>. Returns false when the row changed meanwhile.
    /// </summary>
    Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken);

    /// <summary>Changes a key's status only if it is still <paramref name="expected"/>; false when it was not (or the row is missing).</summary>
    Task<bool> TrySetStatusAsync(int version, DataKeyStatus expected, DataKeyStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// Crypto-shredding: wipes the wrapped key of a <see cref="DataKeyStatus.Retired"/> key and marks it
    /// <see cref="DataKeyStatus.Destroyed"/>; false when the key was not retired.
    /// </summary>
    Task<bool> TryDestroyAsync(int version, CancellationToken cancellationToken);
}
