using System.Data.Common;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Data.Sql;

/// <summary>
/// The SQL that differs between PostgreSQL and SQLite, in one place. Everything else (the statements' shape, the
/// upserts with <c>ON CONFLICT</c>, <c>RETURNING</c>, row-value comparisons) is common to both.
/// </summary>
internal abstract class SqlDialect
{
    public static SqlDialect For(ColumnCryptoDatabaseProvider provider) => provider switch
    {
        ColumnCryptoDatabaseProvider.PostgreSql => PostgreSqlDialect.Instance,
        ColumnCryptoDatabaseProvider.Sqlite => SqliteDialect.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    public abstract ColumnCryptoDatabaseProvider Provider { get; }

    /// <summary>
    /// Whether a batch's rows are locked when read (<c>FOR NO KEY UPDATE SKIP LOCKED</c>), which lets several workers share a
    /// table. Without it, one worker reads outside a transaction and writes conditionally.
    /// </summary>
    public abstract bool LocksRowsOnRead { get; }

    /// <summary>Appended to the batch query.</summary>
    public abstract string LockClause { get; }

    /// <summary>A quoted identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A quoted, schema-qualified table name (SQLite has no schemas: the schema is ignored, as EF Core does).</summary>
    public abstract string Table(string? schema, string name);

    /// <summary>
    /// A column's stored value as the engine reads and compares it. SQLite can hold any storage class in any column
    /// (a legacy TEXT or INTEGER in a BLOB column), so it casts to the column's stored form; PostgreSQL's types are exact.
    /// </summary>
    public abstract string Stored(string quotedColumn, EncryptedStorage storage);

    /// <summary>The first <paramref name="length"/> bytes (binary) or characters (text) of a stored value.</summary>
    public abstract string Prefix(string stored, EncryptedStorage storage, int length);

    /// <summary>An empty prefix of the stored form: what the coverage query reports for plaintext values.</summary>
    public abstract string EmptyPrefix(EncryptedStorage storage);

    /// <summary>Writes a batch's new values, each only where the value is still the one that was read.</summary>
    public abstract IBatchWriter CreateWriter();

    /// <summary>The SQL type of one of ColumnCrypto's own columns, as EF Core's provider would create it.</summary>
    public abstract string ColumnType(ColumnDefinition column);

    /// <summary>The statement that creates <paramref name="schema"/> when missing; null where there are no schemas.</summary>
    public abstract string? CreateSchema(string schema);

    /// <summary>A query returning 1 row when the table exists: parameters <c>@schema</c> (may be null) and <c>@name</c>.</summary>
    public abstract string TableExistsQuery { get; }

    /// <summary>Whether <paramref name="exception"/> says a table does not exist.</summary>
    public abstract bool IsMissingTable(DbException exception);

    /// <summary>Whether <paramref name="exception"/> is a unique index violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);
}
