using System.Data.Common;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Search;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.Registry;

/// <summary>
/// The rows of <c>columncrypto_blind_indexes</c>: read with the registry, written when columns are recorded and when
/// an index build completes. A database whose ColumnCrypto tables predate searchable columns has no such table: it
/// reads as no blind indexes, and only recording a searchable column needs it.
/// </summary>
internal sealed class BlindIndexRecords(ColumnCryptoDatabase database, ILogger logger)
{
    private const string Ready = "ready";
    private const string Building = "building";

    private string Table => database.TableName(BlindIndexesTable.Definition);

    public async Task<bool> ExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, database.Dialect.TableExistsQuery, transaction);
        command.Add("@name", database.NameOf(BlindIndexesTable.Definition));
        command.AddText("@schema", database.Schema);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Every row, by (schema, table, column); empty when the table does not exist.</summary>
    public async Task<Dictionary<(string, string, string), BlindIndexRegistration>> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string, string), BlindIndexRegistration>();
        if (!await ExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            return result;
        }

        await using var command = DbCommands.Create(connection,
            $"SELECT table_schema, table_name, column_name, index_column, normalization, status FROM {Table}", transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var normalization = Enum.TryParse<BlindIndexNormalization>(reader.GetString(4), out var parsed) ? parsed
                : throw new InvalidOperationException($"{database.DisplayName(BlindIndexesTable.Definition)} records the unknown normalization '{reader.GetString(4)}' for {reader.GetString(1)}.{reader.GetString(2)}.");
            result[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = new BlindIndexRegistration(reader.GetString(3), normalization)
            {
                Status = reader.GetString(5) == Ready ? BlindIndexStatus.Ready : BlindIndexStatus.Building,
            };
        }

        return result;
    }

    /// <summary>
    /// Records the blind indexes of <paramref name="columns"/> (and removes those of columns no longer searchable). A
    /// column that becomes searchable is ready at once when no row has a value without an index (a new table); a
    /// changed normalization or index column always needs a build: the column's status becomes <see cref="BlindIndexStatus.Building"/>.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<EncryptedColumnRegistration> columns, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var searchable = columns.Where(c => c.BlindIndex is not null).ToList();
        var exists = await ExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            if (searchable.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{searchable[0].QualifiedTable}.{searchable[0].Column} is searchable, but the database has no {database.DisplayName(BlindIndexesTable.Definition)} table. " +
                    "Apply the application's migrations (dotnet ef migrations add creates it), the script migrations/*/0004_columncrypto_blind_indexes.sql, " +
                    "or ColumnCryptoSchema.CreateMissingTablesAsync.");
            }

            return;
        }

        var recorded = await ReadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        foreach (var column in columns)
        {
            var key = (column.Schema ?? string.Empty, column.Table, column.Column);
            var before = recorded.GetValueOrDefault(key);
            if (column.BlindIndex is not { } index)
            {
                if (before is not null)
                {
                    await DeleteAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (before is not null && before.IndexColumn == index.IndexColumn && before.Normalization == index.Normalization)
            {
                continue;
            }

            var status = BlindIndexStatus.Building;
            if (before is null)
            {
                status = await AnyRowWithoutIndexAsync(connection, transaction, column, index, cancellationToken).ConfigureAwait(false)
                    ? BlindIndexStatus.Building
                    : BlindIndexStatus.Ready;
            }
            else
            {
                RegistryLog.BlindIndexChanged(logger, column.QualifiedTable, column.Column, before.Normalization.ToString(), index.Normalization.ToString(), before.IndexColumn, index.IndexColumn);
            }

            if (status == BlindIndexStatus.Building)
            {
                RegistryLog.BlindIndexNeedsBuild(logger, column.QualifiedTable, column.Column);
            }

            await UpsertAsync(connection, transaction, key, index, status, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks a column's index ready (a build indexed every row) or building again, unless its row changed meanwhile.</summary>
    public async Task SetStatusAsync(EncryptedColumnRegistration column, BlindIndexStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = column.BlindIndex ?? throw new ArgumentException($"{column.QualifiedTable}.{column.Column} is not searchable.", nameof(column));
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"UPDATE {Table} SET status = @status, updated_at = @now WHERE table_schema = @s AND table_name = @t AND column_name = @c AND index_column = @i AND normalization = @n");
        AddKey(command, (column.Schema ?? string.Empty, column.Table, column.Column));
        command.Add("@status", status == BlindIndexStatus.Ready ? Ready : Building);
        command.Add("@now", now);
        command.Add("@i", index.IndexColumn);
        command.Add("@n", index.Normalization.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task UpsertAsync(DbConnection connection, DbTransaction transaction, (string, string, string) key, BlindIndexRegistration index, BlindIndexStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection,
            $"INSERT INTO {Table} ({BlindIndexesTable.Definition.ColumnList}) VALUES (@s, @t, @c, @i, @n, @status, @now) " +
            "ON CONFLICT (table_schema, table_name, column_name) DO UPDATE SET index_column = excluded.index_column, normalization = excluded.normalization, " +
            "status = excluded.status, updated_at = excluded.updated_at",
            transaction);
        AddKey(command, key);
        command.Add("@i", index.IndexColumn);
        command.Add("@n", index.Normalization.ToString());
        command.Add("@status", status == BlindIndexStatus.Ready ? Ready : Building);
        command.Add("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAsync(DbConnection connection, DbTransaction transaction, (string, string, string) key, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"DELETE FROM {Table} WHERE table_schema = @s AND table_name = @t AND column_name = @c", transaction);
        AddKey(command, key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a row holds a value without an index; true when the table cannot be read (then a build decides).</summary>
    private async Task<bool> AnyRowWithoutIndexAsync(DbConnection connection, DbTransaction transaction, EncryptedColumnRegistration column, BlindIndexRegistration index, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        await using var command = DbCommands.Create(connection,
            $"SELECT 1 FROM {dialect.Table(column.Schema, column.Table)} WHERE {SqlDialect.Quote(column.Column)} IS NOT NULL AND {SqlDialect.Quote(index.IndexColumn)} IS NULL LIMIT 1",
            transaction);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (DbException) when (dialect.Provider == ColumnCryptoDatabaseProvider.Sqlite)
        {
            // SQLite keeps the transaction usable after a failed statement; PostgreSQL does not, so there it fails the recording.
            return true;
        }
    }

    private static void AddKey(DbCommand command, (string Schema, string Table, string Column) key)
    {
        command.Add("@s", key.Schema);
        command.Add("@t", key.Table);
        command.Add("@c", key.Column);
    }
}
