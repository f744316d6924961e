namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Counts which data key versions the stored values use, from their headers: what proves a key can be retired or
/// destroyed without losing data. <c>ColumnCrypto.Data</c> implements it over the encrypted-column registry and
/// registers it with <c>UseSqlKeyStore</c> (and so <c>UseDbContextKeyStore&lt;TContext&gt;()</c>).
/// </summary>
public interface IDataKeyUsage
{
    /// <summary>Counts every recorded encrypted column's values per key version.</summary>
    /// <param name="cancellationToken">Stops the count.</param>
    /// <returns>The counts; a report without columns means nothing is recorded, which proves nothing.</returns>
    Task<KeyCoverageReport> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Counts the values of every encrypted column the application knows, including columns of its model that are not
    /// recorded yet (on a first start the registry is written in the background), for the check that refuses a first
    /// data key over existing ciphertexts. A table that does not exist yet counts as empty. By default, <see cref="CountAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops the count.</param>
    /// <returns>The counts.</returns>
    Task<KeyCoverageReport> CountKnownColumnsAsync(CancellationToken cancellationToken) => CountAsync(cancellationToken);
}
