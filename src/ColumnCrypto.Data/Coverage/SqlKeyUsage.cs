using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Keys.Lifecycle;

namespace ColumnCrypto.Data.Coverage;

/// <summary>
/// The key usage of a database: every column the registry records, counted per key version from the stored headers
/// (one scan per table). What proves to the key lifecycle that a key can be retired or destroyed.
/// </summary>
internal sealed class SqlKeyUsage(ColumnCryptoDatabase database, EncryptedColumnRegistry registry, TimeProvider time) : IDataKeyUsage
{
    public async Task<KeyCoverageReport> CountAsync(CancellationToken cancellationToken)
    {
        var registered = await registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<ColumnKeyCoverage>();
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var plan in TablePlans.Create(registered, database.Dialect))
            {
                columns.AddRange(await KeyCoverageReader.CountAsync(connection, plan, cancellationToken).ConfigureAwait(false));
            }
        }

        return new KeyCoverageReport(columns, time.GetUtcNow());
    }
}
