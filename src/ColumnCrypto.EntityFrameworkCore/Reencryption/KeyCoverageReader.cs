using System.Data.Common;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>Counts the values of encrypted columns per key version, from their headers (one GROUP BY per column).</summary>
internal static class KeyCoverageReader
{
    public static async Task<ColumnKeyCoverage> CountAsync(DbConnection connection, TablePlan plan, ColumnPlan column, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, plan.CoverageQuery(column));
        TablePlan.AddCoverageParameters(command, column);
        var byVersion = new SortedDictionary<int, long>();
        long plaintext = 0, damaged = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            if (reader.Value(0) is not { } prefix)
            {
                plaintext += count;
            }
            else if (StoredValues.VersionOfPrefix(prefix) is > 0 and var version)
            {
                byVersion[version] = byVersion.GetValueOrDefault(version) + count;
            }
            else
            {
                damaged += count;
            }
        }

        return new ColumnKeyCoverage(plan.Schema, plan.Table, column.Name, byVersion, plaintext, damaged);
    }

    public static async Task<IReadOnlyList<ColumnKeyCoverage>> CountAsync(DbConnection connection, TablePlan plan, CancellationToken cancellationToken)
    {
        var result = new List<ColumnKeyCoverage>();
        foreach (var column in plan.Columns)
        {
            result.Add(await CountAsync(connection, plan, column, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }
}
