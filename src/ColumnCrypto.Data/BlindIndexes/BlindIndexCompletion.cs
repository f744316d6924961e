using System.Globalization;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Search;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>
/// Counts a table's blind indexes by index key version and marks a searchable column ready once no row with a value
/// lacks an index on an active key under its normalization: what the index build does after each table, and what the
/// re-encryption does after a plaintext migration wrote the indexes itself.
/// </summary>
internal static class BlindIndexCompletion
{
    /// <summary>Counts every searchable column of <paramref name="plan"/> (one scan per column; nothing is decrypted).</summary>
    public static async Task<BlindIndexCoverage[]> CountAsync(ColumnCryptoDatabase database, BlindIndexTablePlan plan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = new BlindIndexCoverage[plan.Columns.Count];
        foreach (var column in plan.Columns)
        {
            var byVersion = new SortedDictionary<int, long>();
            long missing = 0, total = 0;
            await using var command = DbCommands.Create(connection, plan.CoverageQuery(column));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                total += count;
                var header = reader.Value(0) as byte[];
                if (header is { Length: BlindIndexLayout.HeaderLength } && HeaderVersion(header, column.Searchable.Normalization) is { } version)
                {
                    byVersion[version] = byVersion.GetValueOrDefault(version) + count;
                }
                else
                {
                    missing += count;
                }
            }

            result[column.Index] = new BlindIndexCoverage(plan.Schema, plan.Table, column.Registration.Column, byVersion, missing, total);
        }

        return result;
    }

    /// <summary>
    /// Marks <paramref name="registration"/>'s index ready when <paramref name="counted"/> shows every row indexed on an
    /// active key (rows on an older, still active key are found by lookups) and it is not ready yet.
    /// </summary>
    public static async Task MarkReadyIfCompleteAsync(EncryptedColumnRegistry registry, BlindIndex index, EncryptedColumnRegistration registration, BlindIndexCoverage counted, ILogger logger, CancellationToken cancellationToken)
    {
        if (counted.Missing == 0 && counted.IndexesByVersion.Keys.All(index.IsActive) && registration.BlindIndex!.Status != BlindIndexStatus.Ready)
        {
            await registry.SetBlindIndexStatusAsync(registration, BlindIndexStatus.Ready, cancellationToken).ConfigureAwait(false);
            BlindIndexLog.Ready(logger, registration.QualifiedTable, registration.Column);
        }
    }

    /// <summary>The key version of a format-1 header under the column's normalization; null for anything else.</summary>
    private static int? HeaderVersion(byte[] header, BlindIndexNormalization normalization)
    {
        var full = new byte[BlindIndexLayout.Length];
        header.CopyTo(full, 0);
        return BlindIndexLayout.TryReadHeader(full, out var version, out var recorded) && recorded == normalization ? version : null;
    }
}
