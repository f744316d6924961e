namespace ColumnCrypto.Search.Keys;

/// <summary>
/// Proves that no stored blind index needs an index key version any more: what an index-key retirement checks first, as
/// data-key retirement checks the key coverage. <c>ColumnCrypto.Data</c> implements it over the searchable columns
/// recorded in the registry (registered with <c>UseSqlKeyStore</c>, and so <c>UseDbContextKeyStore&lt;TContext&gt;()</c>).
/// </summary>
public interface IBlindIndexUsage
{
    /// <summary>
    /// Throws a <see cref="ColumnCryptoRefusedException"/> naming the columns while any stored index uses
    /// <paramref name="version"/>, or any row of a searchable column has no index yet.
    /// </summary>
    /// <param name="version">The index key version to retire.</param>
    /// <param name="cancellationToken">Stops the count.</param>
    Task EnsureRetirableAsync(int version, CancellationToken cancellationToken);
}
