using System.Data.Common;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Reads and writes <c>columncrypto_reencryption_progress</c>. A run sets each column's row from a fresh count when it
/// starts and when it ends; batches add to it (increments, so workers and instances add up).
/// </summary>
internal sealed class ProgressStore(ColumnCryptoDatabase database, TimeProvider time)
{
    private string Table => database.TableName(ReencryptionProgressTable.Definition);

    /// <summary>Sets every column's row at the start (or end) of a table's run.</summary>
    public async Task SetAsync(DbConnection connection, TablePlan plan, int targetVersion, IReadOnlyList<ColumnKeyCoverage> coverage, IReadOnlyList<long> failed, string status, double rowsPerSecond, string worker, bool starting, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var column in plan.Columns)
        {
            var count = coverage[column.Index];
            await using var command = DbCommands.Create(connection,
                $"INSERT INTO {Table} (table_schema, table_name, column_name, target_version, total_values, done_values, failed_values, status, rows_per_second, last_key, worker, started_at, updated_at) " +
                "VALUES (@s, @t, @c, @v, @total, @done, @failed, @status, @rate, NULL, @worker, @now, @now) " +
                "ON CONFLICT (table_schema, table_name, column_name) DO UPDATE SET target_version = excluded.target_version, total_values = excluded.total_values, " +
                "done_values = excluded.done_values, failed_values = excluded.failed_values, status = excluded.status, rows_per_second = excluded.rows_per_second, " +
                "worker = excluded.worker, updated_at = excluded.updated_at" +
                (starting ? ", started_at = excluded.started_at, last_key = NULL" : string.Empty));
            AddKey(command, plan, column);
            command.Add("@v", targetVersion);
            command.Add("@total", count.Total);
            command.Add("@done", count.AtOrAbove(targetVersion));
            command.Add("@failed", failed[column.Index]);
            command.Add("@status", status);
            command.Add("@rate", rowsPerSecond);
            command.Add("@worker", worker);
            command.Add("@now", now);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds committed batches' counts to the table's rows, in one statement.</summary>
    public async Task AddBatchAsync(DbConnection connection, TablePlan plan, long[] done, long[] failed, string lastKey, double rowsPerSecond, string worker, CancellationToken cancellationToken)
    {
        string PerColumn(string prefix) =>
            "CASE column_name " + string.Concat(plan.Columns.Select(c => $"WHEN @c{c.Index} THEN @{prefix}{c.Index} ")) + "ELSE 0 END";

        await using var command = DbCommands.Create(connection,
            $"UPDATE {Table} SET done_values = done_values + {PerColumn("d")}, failed_values = failed_values + {PerColumn("f")}, " +
            "rows_per_second = @rate, last_key = @last, worker = @worker, updated_at = @now WHERE table_schema = @s AND table_name = @t");
        command.Add("@s", plan.Schema ?? string.Empty);
        command.Add("@t", plan.Table);
        foreach (var column in plan.Columns)
        {
            command.Add($"@c{column.Index}", column.Name);
            command.Add($"@d{column.Index}", done[column.Index]);
            command.Add($"@f{column.Index}", failed[column.Index]);
        }

        command.Add("@rate", rowsPerSecond);
        command.Add("@last", lastKey.Length <= 1024 ? lastKey : lastKey[..1024]);
        command.Add("@worker", worker);
        command.Add("@now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a table that could not be read.</summary>
    public async Task SetFailedAsync(TablePlan plan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var empty = plan.Columns.Select(c => new ColumnKeyCoverage(plan.Schema, plan.Table, c.Name, new Dictionary<int, long>(), 0, 0)).ToList();
        await SetAsync(connection, plan, 0, empty, new long[plan.Columns.Count], "failed", 0, string.Empty, starting: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReencryptionProgress>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            "SELECT table_schema, table_name, column_name, target_version, total_values, done_values, failed_values, status, rows_per_second, last_key, worker, started_at, updated_at " +
            $"FROM {Table} ORDER BY table_schema, table_name, column_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ReencryptionProgress>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var schema = reader.GetString(0);
            result.Add(new ReencryptionProgress(
                schema.Length == 0 ? null : schema,
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetString(7),
                reader.GetDouble(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return result;
    }

    private static void AddKey(DbCommand command, TablePlan plan, ColumnPlan column)
    {
        command.Add("@s", plan.Schema ?? string.Empty);
        command.Add("@t", plan.Table);
        command.Add("@c", column.Name);
    }
}
