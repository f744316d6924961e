namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// The SQL that differs between PostgreSQL and SQLite. Everything else (the statements' shape, the upserts with
/// <c>ON CONFLICT ... DO UPDATE</c>, row-value comparisons) is common to both.
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
}

/// <summary>PostgreSQL: row locks with SKIP LOCKED, bytea prefixes, one set-based UPDATE per batch.</summary>
internal sealed class PostgreSqlDialect : SqlDialect
{
    public static readonly PostgreSqlDialect Instance = new();

    public override ColumnCryptoDatabaseProvider Provider => ColumnCryptoDatabaseProvider.PostgreSql;

    public override bool LocksRowsOnRead => true;

    // NO KEY UPDATE: the lock an UPDATE of non-key columns takes anyway; unlike FOR UPDATE it does not block the
    // application's inserts of rows that reference these rows by foreign key.
    public override string LockClause => " FOR NO KEY UPDATE SKIP LOCKED";

    public override string Table(string? schema, string name) =>
        string.IsNullOrEmpty(schema) ? Quote(name) : $"{Quote(schema)}.{Quote(name)}";

    public override string Stored(string quotedColumn, EncryptedStorage storage) => quotedColumn;

    public override string Prefix(string stored, EncryptedStorage storage, int length) =>
        storage == EncryptedStorage.Binary ? $"substring({stored} from 1 for {length})" : $"substr({stored}, 1, {length})";

    public override string EmptyPrefix(EncryptedStorage storage) => storage == EncryptedStorage.Binary ? "''::bytea" : "''";

    public override IBatchWriter CreateWriter() => new PostgreSqlBatchWriter();
}

/// <summary>SQLite: no row locks (one worker), casts to the stored form, conditional UPDATE per value.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override ColumnCryptoDatabaseProvider Provider => ColumnCryptoDatabaseProvider.Sqlite;

    public override bool LocksRowsOnRead => false;

    public override string LockClause => string.Empty;

    public override string Table(string? schema, string name) => Quote(name);

    public override string Stored(string quotedColumn, EncryptedStorage storage) =>
        storage == EncryptedStorage.Binary ? $"CAST({quotedColumn} AS BLOB)" : $"CAST({quotedColumn} AS TEXT)";

    public override string Prefix(string stored, EncryptedStorage storage, int length) => $"substr({stored}, 1, {length})";

    public override string EmptyPrefix(EncryptedStorage storage) => storage == EncryptedStorage.Binary ? "X''" : "''";

    public override IBatchWriter CreateWriter() => new SqliteBatchWriter();
}
