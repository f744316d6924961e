using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Keys;
using H = ColumnCrypto.Data.Schema.KeyRingTable;
using I = ColumnCrypto.Data.Schema.BlindIndexKeysTable;
using K = ColumnCrypto.Data.Schema.DataKeysTable;

namespace ColumnCrypto.Data.KeyStore;

/// <summary>
/// The data key table and its ring head through ADO.NET, on connections of its own (never one the application is
/// using, so background reservations cannot collide with the application's transactions). Every change of the key
/// ring is one transaction that writes the new ring head only if the stored one is still the generation that was read,
/// inserts only a new version and updates only rows still in the state that was read. Reads take no lock: the head's
/// generation is read before and after the rows, and a read that saw a change in between is repeated. The blind-index
/// key rows (<c>columncrypto_blind_index_keys</c>, the key table's columns after the key table's name) are read and
/// written by the same statements, with the same guards, in the same transaction as the rest of the ring.
/// </summary>
internal sealed class SqlDataKeyStore(Func<ColumnCryptoDatabase> getDatabase) : IDataKeyStore
{
    private const int MaxReadAttempts = 5;
    private static readonly string HeadColumns = H.Definition.ColumnList;

    // Found on first use, not when the store is created: an EF context's database is read from a context, whose
    // model needs the encryptor, which needs this store.
    private readonly Lazy<ColumnCryptoDatabase> _database = new(getDatabase);

    private ColumnCryptoDatabase Database => _database.Value;

    private string Table => Database.TableName(K.Definition);

    private string HeadTable => Database.TableName(H.Definition);

    /// <summary>Where a kind of key row lives: the key table itself, or the blind-index key table (rows of this key table only).</summary>
    private sealed record KeyRows(string Table, string? KeyTableName)
    {
        /// <summary>The condition that selects this key table's rows, before further conditions ("" for the key table itself).</summary>
        public string And => KeyTableName is null ? "" : $"{I.KeyTable} = @t AND ";

        /// <summary>The WHERE clause that selects every row of this key table.</summary>
        public string WhereAll => KeyTableName is null ? "" : $" WHERE {I.KeyTable} = @t";

        public string Columns => KeyTableName is null ? K.Definition.ColumnList : I.Definition.ColumnList;

        // The data columns start after the key table's name.
        public int Offset => KeyTableName is null ? 0 : 1;

        public void AddKeyTable(DbCommand command)
        {
            if (KeyTableName is not null)
            {
                command.Add("@t", KeyTableName);
            }
        }
    }

    private KeyRows DataKeys => new(Table, null);

    private KeyRows BlindIndexKeys => new(Database.TableName(I.Definition), Database.KeyTableName);

    public async Task<DataKeyTableSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxReadAttempts; attempt++)
        {
            var head = await ReadHeadAsync(connection, cancellationToken).ConfigureAwait(false);
            var rows = await ReadRowsAsync(connection, DataKeys, cancellationToken).ConfigureAwait(false);
            var indexKeys = await ReadBlindIndexKeysAsync(connection, cancellationToken).ConfigureAwait(false);
            var after = await ReadHeadAsync(connection, cancellationToken).ConfigureAwait(false);
            if (after?.Generation == head?.Generation)
            {
                return new DataKeyTableSnapshot(Database.KeyTableDisplayName, Database.DisplayName(H.Definition), rows, head) { BlindIndexKeys = indexKeys };
            }
        }

        throw new ColumnCryptoKeyException(
            $"The key ring of {Database.KeyTableDisplayName} changed during each of {MaxReadAttempts} reads in a row; try again.", null);
    }

    public async Task<bool> TryApplyAsync(KeyRingUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var applied = await WriteHeadAsync(connection, transaction, update, cancellationToken).ConfigureAwait(false)
            && await ApplyRowsAsync(connection, transaction, DataKeys, update.Insert, update.Changes, cancellationToken).ConfigureAwait(false)
            && await ApplyRowsAsync(connection, transaction, BlindIndexKeys, update.InsertBlindIndexKey, update.BlindIndexKeyChanges, cancellationToken).ConfigureAwait(false);

        if (applied)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return applied;
    }

    public async Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"UPDATE {Table} SET {K.EncryptionCount} = {K.EncryptionCount} + @n WHERE {K.Version} = @v RETURNING {K.EncryptionCount}");
        command.Add("@n", count);
        command.Add("@v", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } total and not DBNull
            ? Convert.ToInt64(total, CultureInfo.InvariantCulture)
            : throw DataErrors.NoSuchKey(Database, version);
    }

    public async Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"UPDATE {Table} SET {K.WrappingProvider} = @provider, {K.WrappingKeyId} = @keyId, {K.WrappedKey} = @wrapped WHERE {K.Version} = @v AND {K.WrappingKeyId} = @expected");
        command.Add("@provider", wrappingProvider);
        command.Add("@keyId", wrappingKeyId);
        command.Add("@wrapped", wrappedKey);
        command.Add("@v", version);
        command.Add("@expected", expectedWrappingKeyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<bool> ApplyRowsAsync(DbConnection connection, DbTransaction transaction, KeyRows rows, DataKeyRecord? insert, IReadOnlyList<KeyRowChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            if (insert is not null && !await InsertAsync(connection, transaction, rows, insert, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (DbException e) when (rows.KeyTableName is not null && Database.Dialect.IsMissingTable(e))
        {
            throw DataErrors.NoBlindIndexKeyTable(Database, e);
        }

        foreach (var change in changes)
        {
            if (!await ChangeAsync(connection, transaction, rows, change, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The blind-index key rows; none when their table does not exist yet (a database from before searchable columns).
    /// That is safe to read as empty: a ring head that records index keys then reports them deleted.
    /// </summary>
    private async Task<List<DataKeyRecord>> ReadBlindIndexKeysAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadRowsAsync(connection, BlindIndexKeys, cancellationToken).ConfigureAwait(false);
        }
        catch (ColumnCryptoKeyException e) when (e.InnerException is DbException inner && Database.Dialect.IsMissingTable(inner))
        {
            return [];
        }
    }

    private async Task<List<DataKeyRecord>> ReadRowsAsync(DbConnection connection, KeyRows rows, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"SELECT {rows.Columns} FROM {rows.Table}{rows.WhereAll} ORDER BY {K.Version}");
        rows.AddKeyTable(command);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<DataKeyRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(ReadRow(reader, rows.Offset));
            }

            return keys;
        }
        catch (DbException e) when (Database.Dialect.IsMissingTable(e))
        {
            throw DataErrors.NoKeyTable(Database, e);
        }
    }

    private async Task<KeyRingHead?> ReadHeadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"SELECT {HeadColumns} FROM {HeadTable} WHERE {H.KeyTable} = @t");
        command.Add("@t", Database.KeyTableName);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadHead(reader) : null;
        }
        catch (DbException e) when (Database.Dialect.IsMissingTable(e))
        {
            // Without any of ColumnCrypto's tables, the key table is the one to name.
            await ReadRowsAsync(connection, DataKeys, cancellationToken).ConfigureAwait(false);
            throw DataErrors.NoKeyRingTable(Database, e);
        }
    }

    private async Task<bool> WriteHeadAsync(DbConnection connection, DbTransaction transaction, KeyRingUpdate update, CancellationToken cancellationToken)
    {
        // The first head is an insert that a concurrent first head makes do nothing; later heads replace the generation that was read.
        var sql = update.ExpectedGeneration == 0
            ? $"INSERT INTO {HeadTable} ({HeadColumns}) VALUES (@t, @g, @manifest, @mac, @provider, @keyId, @wrapped, @at) ON CONFLICT ({H.KeyTable}) DO NOTHING"
            : $"UPDATE {HeadTable} SET {H.Generation} = @g, {H.Manifest} = @manifest, {H.Mac} = @mac, {H.RingKeyWrappingProvider} = @provider, " +
              $"{H.RingKeyWrappingKeyId} = @keyId, {H.WrappedRingKey} = @wrapped, {H.UpdatedAt} = @at WHERE {H.KeyTable} = @t AND {H.Generation} = @expected";
        var head = update.Head;
        await using var command = DbCommands.Create(connection, sql, transaction);
        command.Add("@t", Database.KeyTableName);
        command.Add("@g", head.Generation);
        command.Add("@manifest", head.Manifest);
        command.Add("@mac", head.Mac);
        command.Add("@provider", head.RingKeyWrappingProvider);
        command.Add("@keyId", head.RingKeyWrappingKeyId);
        command.Add("@wrapped", head.WrappedRingKey);
        command.Add("@at", head.UpdatedAt);
        command.Add("@expected", update.ExpectedGeneration);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (DbException e) when (Database.Dialect.IsMissingTable(e))
        {
            throw DataErrors.NoKeyRingTable(Database, e);
        }
    }

    private static async Task<bool> InsertAsync(DbConnection connection, DbTransaction transaction, KeyRows rows, DataKeyRecord record, CancellationToken cancellationToken)
    {
        // The primary key on the version is the second guard (after the head's generation) against a version created twice.
        var (keyTable, conflict) = rows.KeyTableName is null ? ("", K.Version) : ("@t, ", $"{I.KeyTable}, {K.Version}");
        await using var command = DbCommands.Create(connection,
            $"INSERT INTO {rows.Table} ({rows.Columns}) VALUES ({keyTable}@v, @created, @rollover, @status, @provider, @keyId, @wrapped, @commitment, @count) ON CONFLICT ({conflict}) DO NOTHING",
            transaction);
        rows.AddKeyTable(command);
        command.Add("@v", record.Version);
        command.Add("@created", record.CreatedAt);
        command.Add("@rollover", record.RollOverAt);
        command.Add("@status", (int)record.Status);
        command.Add("@provider", record.WrappingProvider);
        command.Add("@keyId", record.WrappingKeyId);
        command.Add("@wrapped", record.WrappedKey);
        command.Add("@commitment", record.Commitment);
        command.Add("@count", record.EncryptionCount);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<bool> ChangeAsync(DbConnection connection, DbTransaction transaction, KeyRows rows, KeyRowChange change, CancellationToken cancellationToken)
    {
        var set = new List<string> { $"{K.Status} = @to" };
        if (change.WipeWrappedKey)
        {
            set.Add($"{K.WrappedKey} = @empty");
        }

        if (change.Commitment is not null)
        {
            set.Add($"{K.Commitment} = @commitment");
        }

        if (change.Wrapping is not null)
        {
            set.Add($"{K.WrappingProvider} = @provider, {K.WrappingKeyId} = @keyId, {K.WrappedKey} = @wrapped");
        }

        await using var command = DbCommands.Create(connection,
            $"UPDATE {rows.Table} SET {string.Join(", ", set)} WHERE {rows.And}{K.Version} = @v AND {K.Status} = @from", transaction);
        rows.AddKeyTable(command);
        if (change.Wrapping is { } wrapping)
        {
            command.Add("@provider", wrapping.Provider);
            command.Add("@keyId", wrapping.KeyId);
            command.Add("@wrapped", wrapping.WrappedKey);
        }

        command.Add("@to", (int)(change.Status ?? change.ExpectedStatus));
        command.Add("@v", change.Version);
        command.Add("@from", (int)change.ExpectedStatus);
        if (change.WipeWrappedKey)
        {
            command.Add("@empty", Array.Empty<byte>());
        }

        if (change.Commitment is { } commitment)
        {
            command.Add("@commitment", commitment);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    // Columns in the order of the definitions' column lists.
    private static DataKeyRecord ReadRow(DbDataReader reader, int offset) => new()
    {
        Version = reader.GetInt32(offset),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 1),
        RollOverAt = reader.GetFieldValue<DateTimeOffset>(offset + 2),
        Status = (DataKeyStatus)reader.GetInt32(offset + 3),
        WrappingProvider = reader.GetString(offset + 4),
        WrappingKeyId = reader.GetString(offset + 5),
        WrappedKey = reader.GetFieldValue<byte[]>(offset + 6),
        Commitment = reader.GetFieldValue<byte[]>(offset + 7),
        EncryptionCount = reader.GetInt64(offset + 8),
    };

    private static KeyRingHead ReadHead(DbDataReader reader) => new()
    {
        Generation = reader.GetInt64(1),
        Manifest = reader.GetString(2),
        Mac = reader.GetFieldValue<byte[]>(3),
        RingKeyWrappingProvider = reader.GetString(4),
        RingKeyWrappingKeyId = reader.GetString(5),
        WrappedRingKey = reader.GetFieldValue<byte[]>(6),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(7),
    };
}
