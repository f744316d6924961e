using System.Data.Common;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Keys.Lifecycle;

namespace ColumnCrypto.Data.Coverage;

/// <summary>
/// The key usage of a database: every column the registry records, counted per key version from the stored headers
/// (one scan per table). What proves to the key lifecycle that a key can be retired or destroyed, and what refuses a
/// first key over existing ciphertexts (counting then also the columns the registered recorders know, such as an EF
/// model's, which may not be recorded yet on a first start).
/// </summary>
internal sealed class SqlKeyUsage(ColumnCryptoDatabase database, EncryptedColumnRegistry registry, TimeProvider time, IEnumerable<IEncryptedColumnRecorder> recorders) : IDataKeyUsage
{
    public async Task<KeyCoverageReport> CountAsync(CancellationToken cancellationToken) =>
        await CountAsync(await registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false), skipMissingTables: false, cancellationToken).ConfigureAwait(false);

    public async Task<KeyCoverageReport> CountKnownColumnsAsync(CancellationToken cancellationToken)
    {
        var known = new Dictionary<(string, string, string), EncryptedColumnRegistration>();
        foreach (var recorder in recorders)
        {
            foreach (var column in await recorder.GetColumnsAsync(cancellationToken).ConfigureAwait(false))
            {
                known.TryAdd((column.Schema ?? string.Empty, column.Table, column.Column), column);
            }
        }

        try
        {
            foreach (var column in await registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false))
            {
                known.TryAdd((column.Schema ?? string.Empty, column.Table, column.Column), column);
            }
        }
        catch (DbException e) when (database.Dialect.IsMissingTable(e))
        {
            // No registry yet: the recorders' columns are all that is known.
        }

        return await CountAsync(known.Values, skipMissingTables: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<KeyCoverageReport> CountAsync(IEnumerable<EncryptedColumnRegistration> registered, bool skipMissingTables, CancellationToken cancellationToken)
    {
        var columns = new List<ColumnKeyCoverage>();
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var plan in TablePlans.Create(registered, database.Dialect))
            {
                try
                {
                    columns.AddRange(await KeyCoverageReader.CountAsync(connection, plan, cancellationToken).ConfigureAwait(false));
                }
                catch (DbException e) when (skipMissingTables && database.Dialect.IsMissingTable(e))
                {
                    // A table that does not exist yet holds no value.
                }
            }
        }

        return new KeyCoverageReport(columns, time.GetUtcNow());
    }
}
