using ColumnCrypto.Search;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Registry;

/// <summary>
/// One encrypted column as the database records it (table <c>columncrypto_encrypted_columns</c>): enough for
/// re-encryption, coverage and retirement to work without the application's model.
/// </summary>
/// <param name="Schema">The table's schema, or null for the default schema.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The column name.</param>
/// <param name="KeyColumns">The table's primary key columns, in key order.</param>
/// <param name="Storage">Binary (bytea/BLOB) or base64 text.</param>
/// <param name="EncryptionContext">The <c>table.column</c> bound into the ciphertexts (<see cref="EncryptedColumn"/>).</param>
/// <param name="ValueType">
/// The value's type: <c>String</c>, <c>Byte[]</c>, <c>Boolean</c>, <c>Int16</c>, <c>Int32</c>, <c>Int64</c>, <c>Single</c>,
/// <c>Double</c>, <c>Decimal</c>, <c>Guid</c>, <c>DateTime</c>, <c>DateTimeOffset</c>, <c>DateOnly</c>, <c>TimeOnly</c>,
/// <c>TimeSpan</c> or <c>Enum</c>. Only needed to encrypt legacy plaintext.
/// </param>
/// <param name="PlaintextAllowed">
/// Whether the column is being migrated from plaintext (<c>AllowPlaintextReads()</c>): only then does re-encryption
/// encrypt values that carry no ColumnCrypto header. Otherwise such values are reported as failures.
/// </param>
public sealed record EncryptedColumnRegistration(
    string? Schema,
    string Table,
    string Column,
    IReadOnlyList<string> KeyColumns,
    EncryptedStorage Storage,
    string EncryptionContext,
    string ValueType,
    bool PlaintextAllowed)
{
    /// <summary>The CLR type's full name, for people reading the registry (informational).</summary>
    public string ClrType { get; init; } = string.Empty;

    /// <summary>The DbContext type that registered the column, or what registered it by hand (informational).</summary>
    public string RegisteredBy { get; init; } = string.Empty;

    /// <summary>
    /// The column's blind index when it is searchable (equality lookups through a keyed hash in
    /// <see cref="BlindIndexRegistration.IndexColumn"/>), else null. For a column written with <see cref="ColumnEncryptor"/>
    /// directly: <c>registration with { BlindIndex = new("email_bidx", BlindIndexNormalization.CaseInsensitive) }</c>.
    /// </summary>
    public BlindIndexRegistration? BlindIndex { get; init; }

    /// <summary>When the row was last written (null before it is stored).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The schema-qualified table name, for messages: <c>schema.table</c> or <c>table</c>.</summary>
    public string QualifiedTable => string.IsNullOrEmpty(Schema) ? Table : $"{Schema}.{Table}";

    /// <summary>
    /// A registration for a column written with <see cref="ColumnEncryptor"/> directly (ADO.NET, Dapper), which no EF
    /// model describes.
    /// </summary>
    /// <typeparam name="T">The value type the column stores.</typeparam>
    /// <param name="column">The column identity used with <see cref="ColumnEncryptor"/>.</param>
    /// <param name="schema">The table's schema, or null.</param>
    /// <param name="table">The table name in the database.</param>
    /// <param name="columnName">The column name in the database.</param>
    /// <param name="keyColumns">The primary key columns.</param>
    /// <param name="storage">How the ciphertext is stored.</param>
    public static EncryptedColumnRegistration For<T>(EncryptedColumn column, string? schema, string table, string columnName, IReadOnlyList<string> keyColumns, EncryptedStorage storage = EncryptedStorage.Binary)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(columnName);
        ArgumentNullException.ThrowIfNull(keyColumns);
        if (keyColumns.Count == 0)
        {
            throw new ArgumentException($"The table {table} needs primary key columns to be re-encrypted.", nameof(keyColumns));
        }

        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        var valueType = EncryptedValueType.Of(type) ?? throw new NotSupportedException($"ColumnCrypto cannot encrypt values of type {type}. Supported types: {EncryptedValueType.SupportedTypeNames}.");
        return new EncryptedColumnRegistration(schema, table, columnName, keyColumns, storage, column.ToString(), valueType.Name, false)
        {
            ClrType = type.FullName ?? type.Name,
            RegisteredBy = "manual",
        };
    }

    internal EncryptedColumn ToEncryptedColumn() => EncryptedColumn.Parse(EncryptionContext);

    /// <summary>The column as <see cref="Search.BlindIndex"/> hashes it; null when it is not searchable.</summary>
    internal SearchableColumn? ToSearchableColumn() => BlindIndex is { } index ? new SearchableColumn(ToEncryptedColumn(), index.Normalization) : null;
}
