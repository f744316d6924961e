namespace ColumnCrypto.Keys;

/// <summary>
/// The data key table (the key repository). The EF Core package provides the implementation for your DbContext;
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

    /// <summary>Sets a key's status.</summary>
    Task SetStatusAsync(int version, DataKeyStatus status, CancellationToken cancellationToken);
}
