namespace ColumnCrypto.Search;

/// <summary>
/// The index keys when none were supplied: any searchable column fails with what to do. (Index keys stored wrapped in
/// the key table, like data keys, come with a later version; until then they are supplied in code.)
/// </summary>
internal sealed class UnconfiguredBlindIndexKeys : IBlindIndexKeys
{
    public static readonly UnconfiguredBlindIndexKeys Instance = new();

    public BlindIndexKeySet Current => throw new ColumnCryptoKeyException(
        "Searchable encrypted columns need a blind-index key, and none is configured. This version does not store index keys in the " +
        "key table yet: supply them with UseBlindIndexKeys(new InMemoryBlindIndexKeys()) on the builder AddColumnCrypto returns " +
        "(tests and prototypes: the keys must be the same in every process).", null);

    public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
