using System.Data;
using Dapper;

namespace ColumnCrypto.Dapper;

/// <summary>
/// Dapper's conversion of <see cref="Encrypted{T}"/> to and from its column: bytes (<c>bytea</c>, <c>BLOB</c>) or
/// base64 text. It only moves ciphertext, so one process-wide handler (Dapper's handlers are global) serves every host.
/// </summary>
internal sealed class EncryptedTypeHandler<T> : SqlMapper.TypeHandler<Encrypted<T>>
{
    private static int _registered;

    /// <summary>Registers the handler with Dapper once per process.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new EncryptedTypeHandler<T>());
        }
    }

    public override void SetValue(IDbDataParameter parameter, Encrypted<T>? value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.Value = value?.ToStored() ?? DBNull.Value;
        parameter.DbType = value?.Storage == EncryptedStorage.Base64Text ? DbType.String : DbType.Binary;
    }

    public override Encrypted<T>? Parse(object value) => value switch
    {
        byte[] bytes => new Encrypted<T>(bytes),
        string text => new Encrypted<T>(text),
        DBNull or null => null,
        _ => throw new InvalidCastException(
            $"An Encrypted<{typeof(T).Name}> is read from a binary or text column, not from a {value.GetType().Name}: select the encrypted column itself."),
    };
}
