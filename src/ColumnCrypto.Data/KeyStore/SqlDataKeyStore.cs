using System.Data.Common;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Keys;
using K = ColumnCrypto.Data.Schema.DataKeysTable;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Data.KeyStore;

/// <summary>
/// The data key table through ADO.NET, on connections of its own (never one the application is using, so background
/// reservations cannot collide with the application's transactions). Every write is one conditional statement:
/// inserts only a new version, updates only a row still in the state that was read.
/// </summary>
internal sealed class SqlDataKeyStore(Func<ColumnCryptoDatabase> getDatabase) : IDataKeyStore
{
    private static readonly string Columns = K.Definition.ColumnList;

    // Found on first use, not when the store is created: an EF context's database is read from a context, whose
    // model needs the encryptor, which needs this store.
    private readonly Lazy<ColumnCryptoDatabase> _database = new(getDatabase);

    private ColumnCryptoDatabase Database => _database.Value;

    private string Table => Database.TableName(K.Definition);

    public async Task<IReadOnlyList<DataKeyRecord>> GetAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection, $"SELECT {Columns} FROM {Table} ORDER BY {K.Version}");
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<DataKeyRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(Read(reader));
            }

            return keys;
        }
        catch (DbException e) when (Database.Dialect.IsMissingTable(e))
        {
            throw DataErrors.NoKeyTable(Database, e);
        }
    }

    public async Task<bool> TryAddAsync(DataKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The primary key on the version is what makes racing instances create one key: the losers insert nothing.
        var rows = await ExecuteAsync(
            $"INSERT INTO {Table} ({Columns}) VALUES (@v, @created, @rollover, @status, @provider, @keyId, @wrapped, @commitment, @count) ON CONFLICT ({K.Version}) DO NOTHING",
            command =>
            {
                command.Add("@v", record.Version);
                command.Add("@created", record.CreatedAt);
                command.Add("@rollover", record.RollOverAt);
                command.Add("@status", (int)record.Status);
                command.Add("@provider", record.WrappingProvider);
                command.Add("@keyId", record.WrappingKeyId);
                command.Add("@wrapped", record.WrappedKey);
                command.Add("@commitment", record.Commitment);
                command.Add("@count", record.EncryptionCount);
            },
            cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"UPDATE {Table} SET {K.EncryptionCount} = {K.EncryptionCount} + @n WHERE {K.Version} = @v RETURNING {K.EncryptionCount}");
        command.Add("@n", count);
        command.Add("@v", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } total and not DBNull
            ? Convert.ToInt64(total, System.Globalization.CultureInfo.InvariantCulture)
            : throw DataErrors.NoSuchKey(Database, version);
    }

    public async Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE {Table} SET {K.WrappingProvider} = @provider, {K.WrappingKeyId} = @keyId, {K.WrappedKey} = @wrapped WHERE {K.Version} = @v AND {K.WrappingKeyId} = @expected",
            command =>
            {
                command.Add("@provider", wrappingProvider);
                command.Add("@keyId", wrappingKeyId);
                command.Add("@wrapped", wrappedKey);
                command.Add("@v", version);
                command.Add("@expected", expectedWrappingKeyId);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> TrySetStatusAsync(int version, DataKeyStatus expected, DataKeyStatus status, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE {Table} SET {K.Status} = @to WHERE {K.Version} = @v AND {K.Status} = @from",
            command =>
            {
                command.Add("@to", (int)status);
                command.Add("@v", version);
                command.Add("@from", (int)expected);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> TryDestroyAsync(int version, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE {Table} SET {K.WrappedKey} = @empty, {K.Status} = @to WHERE {K.Version} = @v AND {K.Status} = @from",
            command =>
            {
                command.Add("@empty", Array.Empty<byte>());
                command.Add("@to", (int)DataKeyStatus.Destroyed);
                command.Add("@v", version);
                command.Add("@from", (int)DataKeyStatus.Retired);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    private async Task<int> ExecuteAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection, sql);
        parameters(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Columns in the order of the definition's column list.
    private static DataKeyRecord Read(DbDataReader reader) => new()
    {
        Version = reader.GetInt32(0),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(1),
        RollOverAt = reader.GetFieldValue<DateTimeOffset>(2),
        Status = (DataKeyStatus)reader.GetInt32(3),
        WrappingProvider = reader.GetString(4),
        WrappingKeyId = reader.GetString(5),
        WrappedKey = reader.GetFieldValue<byte[]>(6),
        Commitment = reader.GetFieldValue<byte[]>(7),
        EncryptionCount = reader.GetInt64(8),
    };
}
