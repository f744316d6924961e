namespace ColumnCrypto.Search.Keys;

/// <summary>
/// Where the blind-index root keys come from: the seam between computing indexes and storing their keys. It answers
/// which root key (256 bits) each index key version has, which version new indexes are written with (the newest) and
/// which versions lookups must match (every active one, newest first: during a rebuild after an index-key rotation,
/// rows still carry the old version). Today <see cref="InMemoryBlindIndexKeys"/> (tests and prototypes) implements
/// it; a key-table implementation (index keys as their own kind of wrapped key row) replaces it without touching
/// anything that computes indexes.
/// </summary>
internal interface IBlindIndexKeys
{
    /// <summary>The active keys, on the hot path: cached, no I/O once loaded.</summary>
    /// <exception cref="ColumnCryptoKeyException">No index key is available.</exception>
    BlindIndexKeySet Current { get; }

    /// <summary>Reloads the keys (another instance rotated the index key): what the index rebuild does before a run.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}
