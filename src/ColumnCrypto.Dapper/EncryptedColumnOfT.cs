using ColumnCrypto.Data.Registry;
using ColumnCrypto.Search;

namespace ColumnCrypto.Dapper;

/// <summary>
/// One encrypted column of a table that Dapper reads and writes: its identity (bound into every ciphertext), the value
/// type it stores, its primary key and storage. Declare one per column, once (a <c>static readonly</c> field), and use it
/// with <see cref="ColumnEncryptorDapperExtensions.Encrypt{T}(ColumnEncryptor, EncryptedColumn{T}, T)"/> for
/// parameters and <see cref="ColumnEncryptorDapperExtensions.Decrypt{T}(ColumnEncryptor, EncryptedColumn{T}, Encrypted{T})"/>
/// for results; <c>AddDapperColumns(...)</c> records it for re-encryption and the <c>columncrypto</c> tool.
/// </summary>
/// <remarks>
/// <see cref="Searchable"/> gives a handle whose values also get a blind index in a column next to the encrypted one:
/// <see cref="BlindIndexDapperExtensions.IndexFor{T}(ColumnCrypto.Search.BlindIndex, EncryptedColumn{T}, T)"/> for the
/// value to store, <see cref="BlindIndexDapperExtensions.LookupFor{T}(ColumnCrypto.Search.BlindIndex, EncryptedColumn{T}, T)"/>
/// for <c>WHERE email_bidx = ANY(@h)</c>; recorded with it, <c>columncrypto index build</c> and <c>verify</c> cover it.
/// </remarks>
/// <typeparam name="T">The value type: <c>string</c>, <c>byte[]</c>, <c>int</c>, <c>decimal</c>, <c>DateOnly</c>, ... (see <see cref="ColumnEncryptor.IsSupportedType"/>).</typeparam>
public sealed class EncryptedColumn<T> : IEncryptedColumnHandle
{
    /// <summary>A column of <paramref name="table"/> with the primary key <paramref name="keyColumns"/>, stored as binary (<c>bytea</c>, <c>BLOB</c>).</summary>
    /// <param name="table">The table name in the database.</param>
    /// <param name="column">The column name in the database.</param>
    /// <param name="keyColumns">The table's primary key columns (re-encryption updates rows by them).</param>
    public EncryptedColumn(string table, string column, params string[] keyColumns)
        : this(table, column, keyColumns, EncryptedStorage.Binary)
    {
    }

    /// <summary>A column with every choice spelled out.</summary>
    /// <param name="table">The table name in the database.</param>
    /// <param name="column">The column name in the database.</param>
    /// <param name="keyColumns">The table's primary key columns.</param>
    /// <param name="storage">Binary (<c>bytea</c>, <c>BLOB</c>) or base64 text (a text column).</param>
    /// <param name="schema">The table's schema, or null for the default schema.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be encrypted.</exception>
    public EncryptedColumn(string table, string column, IReadOnlyList<string> keyColumns, EncryptedStorage storage, string? schema = null)
    {
        Identity = new EncryptedColumn(table, column);
        Storage = storage;
        Registration = EncryptedColumnRegistration.For<T>(Identity, schema, table, column, keyColumns, storage) with { RegisteredBy = "ColumnCrypto.Dapper" };
    }

    private EncryptedColumn(EncryptedColumn<T> column, BlindIndexRegistration index)
    {
        Identity = column.Identity;
        Storage = column.Storage;
        Registration = column.Registration with { BlindIndex = index };
        Index = new SearchableColumn(Identity, index.Normalization);
    }

    /// <summary>
    /// This column, searchable: its blind index lives in <paramref name="indexColumn"/> (binary, in the same table; by
    /// default <c>&lt;column&gt;_bidx</c>; give it a unique index to refuse duplicates), computed after
    /// <paramref name="normalization"/>. Equal values give equal indexes, which shows which rows hold equal values:
    /// mark only high-cardinality columns searchable (see the README, Searchable columns).
    /// </summary>
    /// <example><c>static readonly EncryptedColumn&lt;string&gt; Email = new EncryptedColumn&lt;string&gt;("members", "email", "id").Searchable(normalization: BlindIndexNormalization.CaseInsensitive);</c></example>
    public EncryptedColumn<T> Searchable(string? indexColumn = null, BlindIndexNormalization normalization = BlindIndexNormalization.Exact) =>
        new(this, new BlindIndexRegistration(indexColumn ?? $"{Registration.Column}_bidx", normalization));

    /// <summary>The column as blind indexes hash it; null unless the handle came from <see cref="Searchable"/>.</summary>
    public SearchableColumn? Index { get; }

    /// <summary>The identity bound into every ciphertext of the column (<c>table.column</c>).</summary>
    public EncryptedColumn Identity { get; }

    /// <summary>How the ciphertext is stored.</summary>
    public EncryptedStorage Storage { get; }

    /// <summary>The column as the encrypted-column registry records it.</summary>
    public EncryptedColumnRegistration Registration { get; }

    void IEncryptedColumnHandle.RegisterTypeHandler() => EncryptedTypeHandler<T>.EnsureRegistered();

    /// <inheritdoc />
    public override string ToString() => Identity.ToString();
}
