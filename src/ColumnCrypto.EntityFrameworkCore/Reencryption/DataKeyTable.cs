using System.Data.Common;
using ColumnCrypto.Keys;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>One key row as retirement sees it (no key material).</summary>
internal sealed record DataKeyState(int Version, DataKeyStatus Status, DateTimeOffset CreatedAt);

/// <summary>
/// The data key table through its own SQL (column names as in <c>DataKeyTableConvention</c>), for status changes that
/// must be conditional on the row's current status, and for wiping a destroyed key.
/// </summary>
internal sealed class DataKeyTable(ColumnCryptoDatabase database)
{
    private string Table => database.TableName(database.KeyTableName);

    public async Task<IReadOnlyList<DataKeyState>> ReadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"SELECT version, status, created_at FROM {Table} ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<DataKeyState>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new DataKeyState(reader.GetInt32(0), (DataKeyStatus)reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return keys;
    }

    /// <summary>Changes a key's status only if it is still <paramref name="from"/>; false when it was not.</summary>
    public async Task<bool> TrySetStatusAsync(DbConnection connection, int version, DataKeyStatus from, DataKeyStatus to, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"UPDATE {Table} SET status = @to WHERE version = @v AND status = @from");
        command.Add("@to", (int)to);
        command.Add("@v", version);
        command.Add("@from", (int)from);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Wipes a retired key's wrapped key and marks it destroyed; false when it was not retired.</summary>
    public async Task<bool> TryDestroyAsync(DbConnection connection, int version, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, $"UPDATE {Table} SET wrapped_key = @empty, status = @to WHERE version = @v AND status = @from");
        command.Add("@empty", Array.Empty<byte>());
        command.Add("@to", (int)DataKeyStatus.Destroyed);
        command.Add("@v", version);
        command.Add("@from", (int)DataKeyStatus.Retired);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
