namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// What the hot-path cache asks of the key manager on its rare paths: a first load, a reload for a version it does not
/// know, and encryptions reserved for a key whose budget runs low or is empty. Synchronous, because EF Core value
/// converters are.
/// </summary>
internal interface IDataKeyRingSource
{
    /// <summary>Loads the key table when nothing is cached yet. Never creates a key: reads must not write.</summary>
    DataKeyRing LoadForDecryption();

    /// <summary>
    /// Makes sure a key exists to encrypt with: loads the key table and, when it has no active key and automatic
    /// key creation is on, creates the first one (as the hosted service does at start-up).
    /// </summary>
    DataKeyRing LoadForEncryption();

    /// <summary>
    /// Reloads the key table once because a value names <paramref name="version"/>, which the cache does not know,
    /// unless that version was looked up less than <see cref="DataKeyRingCache.UnknownVersionRetryInterval"/> ago.
    /// </summary>
    DataKeyRing ReloadFor(int version);

    /// <summary>Reserves more encryptions under <paramref name="key"/> in the background (its budget runs low).</summary>
    void ReserveMore(DataKey key);

    /// <summary>
    /// The budget of <paramref name="key"/> is empty: reserves more and waits, or rolls over when the key reached its
    /// bound. Returns the key to encrypt with, one encryption already taken from its budget; throws when nothing can be
    /// reserved (the write must fail rather than exceed what the key table counts).
    /// </summary>
    DataKey ReserveNow(DataKey key);

    /// <summary>Reserves encryptions ahead so that <paramref name="count"/> more need no reservation (before a bulk write).</summary>
    Task EnsureReservedAsync(long count, CancellationToken cancellationToken);
}
