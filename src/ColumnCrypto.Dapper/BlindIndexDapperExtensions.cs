using ColumnCrypto.Search;

namespace ColumnCrypto.Dapper;

/// <summary><see cref="BlindIndex"/> with typed column handles made searchable with <see cref="EncryptedColumn{T}.Searchable"/>.</summary>
/// <example>
/// <code>
/// await connection.ExecuteAsync("INSERT INTO members (id, email, email_bidx) VALUES (@Id, @Email, @EmailIndex)",
///     new { Id = 1, Email = encryptor.Encrypt(Members.Email, email), EmailIndex = index.IndexFor(Members.Email, email) });
/// var member = await connection.QuerySingleOrDefaultAsync&lt;Member&gt;("SELECT id, email FROM members WHERE email_bidx = ANY(@h)",
///     new { h = index.LookupFor(Members.Email, email) });       // SQLite: WHERE email_bidx IN @h
/// </code>
/// </example>
public static class BlindIndexDapperExtensions
{
    /// <summary>The blind index to store with <paramref name="value"/> in the column's index column (null for null).</summary>
    /// <exception cref="InvalidOperationException">The handle is not searchable.</exception>
    public static byte[]? IndexFor<T>(this BlindIndex index, EncryptedColumn<T> column, T? value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return index.ComputeForWrite(Searchable(column), value);
    }

    /// <summary>
    /// The index values a lookup of <paramref name="value"/> matches, one per active index key (two only during an
    /// index-key rotation): <c>WHERE email_bidx = ANY(@h)</c> on PostgreSQL, <c>IN @h</c> on SQLite. Empty for null.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handle is not searchable.</exception>
    public static byte[][] LookupFor<T>(this BlindIndex index, EncryptedColumn<T> column, T? value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return index.ComputeForLookup(Searchable(column), value);
    }

    private static SearchableColumn Searchable<T>(EncryptedColumn<T> column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Index ?? throw new InvalidOperationException(
            $"The column {column} is not searchable: declare it with .Searchable(...) (new EncryptedColumn<{typeof(T).Name}>(...).Searchable()) to store and look up blind indexes.");
    }
}
