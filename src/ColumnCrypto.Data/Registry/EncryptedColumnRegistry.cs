using System.Data.Common;
using System.Text.Json;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Data.Sql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ColumnCrypto.Data.Registry;

/// <summary>
/// The database's record of its encrypted columns (table <c>columncrypto_encrypted_columns</c>), so re-encryption,
/// coverage and retirement know which columns to visit without the application's model. EF Core applications keep it
/// up to date from their model (at start-up by <c>UseDbContextKeyStore&lt;TContext&gt;()</c>, and before every background
/// re-encryption run); columns written with <see cref="ColumnEncryptor"/> directly are added with
/// <see cref="RegisterAsync(EncryptedColumnRegistration, CancellationToken)"/>. Rows are never removed automatically: a column that leaves the model may still
/// hold ciphertexts, and retiring a key must count them. Remove such rows with <see cref="RemoveAsync"/>.
/// </summary>
public sealed class EncryptedColumnRegistry
{
    private static readonly string Columns = EncryptedColumnsTable.Definition.ColumnList;

    private readonly ColumnCryptoDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BlindIndexRecords _blindIndexes;

    /// <summary>The registry of <paramref name="database"/>.</summary>
    public EncryptedColumnRegistry(ColumnCryptoDatabase database, ILogger<EncryptedColumnRegistry>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _blindIndexes = new BlindIndexRecords(database, _logger);
    }

    private string Table => _database.TableName(EncryptedColumnsTable.Definition);

    /// <summary>Records (or updates) one column written with <see cref="ColumnEncryptor"/> directly.</summary>
    public Task RegisterAsync(EncryptedColumnRegistration column, CancellationToken cancellationToken = default) =>
        RegisterAsync([column], cancellationToken: cancellationToken);

    /// <summary>
    /// Records (or updates) <paramref name="columns"/> in one transaction; rows of other columns are kept. What
    /// <c>UseDbContextKeyStore&lt;TContext&gt;()</c> does with the model's columns at start-up.
    /// </summary>
    /// <param name="columns">The columns.</param>
    /// <param name="registeredBy">Who records them, for the log (a DbContext type, say).</param>
    /// <param name="cancellationToken">Stops the write (nothing is written then).</param>
    /// <returns>A task that completes when the rows are written.</returns>
    public async Task RegisterAsync(IReadOnlyList<EncryptedColumnRegistration> columns, string? registeredBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            ArgumentNullException.ThrowIfNull(column, nameof(columns));
            if (column.KeyColumns.Count == 0)
            {
                throw new ArgumentException($"The encrypted column {column.QualifiedTable}.{column.Column} has no primary key columns; re-encryption needs them.", nameof(columns));
            }
        }

        await UpsertAsync(columns, cancellationToken).ConfigureAwait(false);
        RegistryLog.RegistrySynced(_logger, columns.Count, registeredBy ?? "the application");
    }

    /// <summary>Every recorded column, ordered by schema, table and column, with its blind index when it is searchable.</summary>
    public async Task<IReadOnlyList<EncryptedColumnRegistration>> GetColumnsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<EncryptedColumnRegistration>();
        await using (var command = DbCommands.Create(connection, $"SELECT {Columns} FROM {Table} ORDER BY table_schema, table_name, column_name"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(Read(reader));
            }
        }

        var indexes = await _blindIndexes.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
        return [.. result.Select(c => indexes.GetValueOrDefault((c.Schema ?? string.Empty, c.Table, c.Column)) is { } index ? c with { BlindIndex = index } : c)];
    }

    /// <summary>Marks a searchable column's blind index ready (every row indexed) or building, unless it changed meanwhile.</summary>
    internal Task SetBlindIndexStatusAsync(EncryptedColumnRegistration column, BlindIndexStatus status, CancellationToken cancellationToken) =>
        _blindIndexes.SetStatusAsync(column, status, _time.GetUtcNow(), cancellationToken);

    /// <summary>Removes a column's row (and its progress), for a column that no longer holds encrypted values.</summary>
    /// <returns>Whether a row was removed.</returns>
    public async Task<bool> RemoveAsync(string? schema, string table, string column, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var removed = 0;
        var tables = new List<TableDefinition> { EncryptedColumnsTable.Definition, ReencryptionProgressTable.Definition };
        if (await _blindIndexes.ExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            tables.Add(BlindIndexesTable.Definition);
        }

        foreach (var registryTable in tables)
        {
            await using var command = DbCommands.Create(connection,
                $"DELETE FROM {_database.TableName(registryTable)} WHERE table_schema = @s AND table_name = @t AND column_name = @c", transaction);
            command.Add("@s", schema ?? string.Empty);
            command.Add("@t", table);
            command.Add("@c", column);
            var count = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            removed = registryTable == EncryptedColumnsTable.Definition ? count : removed;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    private async Task UpsertAsync(IReadOnlyList<EncryptedColumnRegistration> columns, CancellationToken cancellationToken)
    {
        if (columns.Count == 0)
        {
            return;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        foreach (var column in columns)
        {
            await using var command = DbCommands.Create(connection,
                $"INSERT INTO {Table} ({Columns}) VALUES (@s, @t, @c, @k, @st, @ctx, @vt, @clr, @pa, @by, @now) " +
                "ON CONFLICT (table_schema, table_name, column_name) DO UPDATE SET key_columns = excluded.key_columns, storage = excluded.storage, " +
                "encryption_context = excluded.encryption_context, value_type = excluded.value_type, clr_type = excluded.clr_type, " +
                "plaintext_allowed = excluded.plaintext_allowed, context_type = excluded.context_type, updated_at = excluded.updated_at",
                transaction);
            command.Add("@s", column.Schema ?? string.Empty);
            command.Add("@t", column.Table);
            command.Add("@c", column.Column);
            command.Add("@k", JsonSerializer.Serialize([.. column.KeyColumns], RegistryJsonContext.Default.StringArray));
            command.Add("@st", column.Storage.ToString());
            command.Add("@ctx", column.EncryptionContext);
            command.Add("@vt", column.ValueType);
            command.Add("@clr", column.ClrType);
            command.Add("@pa", column.PlaintextAllowed);
            command.Add("@by", column.RegisteredBy);
            command.Add("@now", now);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await _blindIndexes.WriteAsync(connection, transaction, columns, now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static EncryptedColumnRegistration Read(DbDataReader reader)
    {
        var schema = reader.GetString(0);
        return new EncryptedColumnRegistration(
            schema.Length == 0 ? null : schema,
            reader.GetString(1),
            reader.GetString(2),
            JsonSerializer.Deserialize(reader.GetString(3), RegistryJsonContext.Default.StringArray) ?? [],
            Enum.Parse<EncryptedStorage>(reader.GetString(4)),
            reader.GetString(5),
            reader.GetString(6),
            reader.GetBoolean(8))
        {
            ClrType = reader.GetString(7),
            RegisteredBy = reader.GetString(9),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
        };
    }
}
