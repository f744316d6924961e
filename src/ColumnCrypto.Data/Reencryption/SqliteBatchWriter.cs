using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Data.Sql;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// One conditional statement per changed value, <c>UPDATE t SET c = @new WHERE key = @key AND CAST(c AS ...) = @old</c>
/// (in a searchable column also <c>c_bidx = COALESCE(@index, c_bidx)</c>: an index is given only with encrypted plaintext),
/// prepared once per batch: SQLite runs in process, so many small statements cost little.
/// </summary>
internal sealed class SqliteBatchWriter : IBatchWriter
{
    public async Task<bool[][]> WriteAsync(DbConnection connection, DbTransaction transaction, TablePlan plan, IReadOnlyList<RowChange> changes, CancellationToken cancellationToken)
    {
        var commands = new DbCommand[plan.Columns.Count];
        try
        {
            var written = new bool[changes.Count][];
            for (var r = 0; r < changes.Count; r++)
            {
                var change = changes[r];
                written[r] = new bool[plan.Columns.Count];
                foreach (var column in plan.Columns)
                {
                    if (change.Old[column.Index] is not { } old)
                    {
                        continue;
                    }

                    var command = commands[column.Index] ??= Create(connection, transaction, plan, column);
                    command.Parameters[0].Value = change.New[column.Index];
                    command.Parameters[1].Value = old;
                    for (var k = 0; k < change.Key.Length; k++)
                    {
                        command.Parameters[2 + k].Value = change.Key[k];
                    }

                    if (column.QuotedIndex is not null)
                    {
                        command.Parameters[2 + change.Key.Length].Value = (object?)change.Indexes[column.Index] ?? DBNull.Value;
                    }

                    written[r][column.Index] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            }

            return written;
        }
        finally
        {
            foreach (var command in commands)
            {
                if (command is not null)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static DbCommand Create(DbConnection connection, DbTransaction transaction, TablePlan plan, ColumnPlan column)
    {
        var keys = string.Join(" AND ", plan.QuotedKeys.Select((key, k) => $"{key} = @k{k.ToString(CultureInfo.InvariantCulture)}"));
        var index = column.QuotedIndex is { } quoted ? $", {quoted} = COALESCE(@index, {quoted})" : string.Empty;
        var command = DbCommands.Create(connection,
            $"UPDATE {plan.SqlTable} SET {column.Quoted} = @new{index} WHERE {keys} AND {column.Stored} = @old", transaction);
        command.Add("@new", null);
        command.Add("@old", null);
        for (var k = 0; k < plan.QuotedKeys.Count; k++)
        {
            command.Add($"@k{k.ToString(CultureInfo.InvariantCulture)}", null);
        }

        if (column.QuotedIndex is not null)
        {
            command.Add("@index", null);
        }

        return command;
    }
}
