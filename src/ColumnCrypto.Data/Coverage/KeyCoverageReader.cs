using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Envelope;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Reencryption;

namespace ColumnCrypto.Data.Coverage;

/// <summary>Counts the values of a table's encrypted columns per key version, from their headers, in one scan.</summary>
internal static class KeyCoverageReader
{
    public static async Task<IReadOnlyList<ColumnKeyCoverage>> CountAsync(DbConnection connection, TablePlan plan, CancellationToken cancellationToken)
    {
        var columns = plan.Columns.Count;
        var byVersion = Enumerable.Range(0, columns).Select(_ => new SortedDictionary<int, long>()).ToArray();
        var plaintext = new long[columns];
        var damaged = new long[columns];
        await using var command = DbCommands.Create(connection, plan.CoverageQuery());
        plan.AddCoverageParameters(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = Convert.ToInt64(reader.GetValue(columns), CultureInfo.InvariantCulture);
            for (var c = 0; c < columns; c++)
            {
                switch (reader.Value(c))
                {
                    case null:
                        break;
                    case byte[] { Length: 0 }:
                    case string { Length: 0 }:
                        plaintext[c] += count;
                        break;
                    case var prefix when StoredValuePrefixes.KeyVersionOf(prefix) is > 0 and var version:
                        byVersion[c][version] = byVersion[c].GetValueOrDefault(version) + count;
                        break;
                    default:
                        damaged[c] += count;
                        break;
                }
            }
        }

        return [.. plan.Columns.Select(c => new ColumnKeyCoverage(plan.Schema, plan.Table, c.Name, byVersion[c.Index], plaintext[c.Index], damaged[c.Index]))];
    }
}
