using System.Data.Common;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Data.Sql;

/// <summary>PostgreSQL: row locks with SKIP LOCKED, bytea prefixes, one set-based UPDATE per batch.</summary>
internal sealed class PostgreSqlDialect : SqlDialect
{
    public static readonly PostgreSqlDialect Instance = new();

    public override ColumnCryptoDatabaseProvider Provider => ColumnCryptoDatabaseProvider.PostgreSql;

    public override bool LocksRowsOnRead => true;

    // NO KEY UPDATE: the lock an UPDATE of non-key columns takes anyway; unlike FOR UPDATE it does not block the
    // application's inserts of rows that reference these rows by foreign key.
    public override string LockClause => " FOR NO KEY UPDATE SKIP LOCKED";

    public override string TableExistsQuery =>
        "SELECT 1 FROM information_schema.tables WHERE table_name = @name AND table_schema = COALESCE(@schema, current_schema())";

    public override string Table(string? schema, string name) =>
        string.IsNullOrEmpty(schema) ? Quote(name) : $"{Quote(schema)}.{Quote(name)}";

    public override string Stored(string quotedColumn, EncryptedStorage storage) => quotedColumn;

    public override string Prefix(string stored, EncryptedStorage storage, int length) =>
        storage == EncryptedStorage.Binary ? $"substring({stored} from 1 for {length})" : $"substr({stored}, 1, {length})";

    public override string EmptyPrefix(EncryptedStorage storage) => storage == EncryptedStorage.Binary ? "''::bytea" : "''";

    public override IBatchWriter CreateWriter() => new PostgreSqlBatchWriter();

    public override string ColumnType(ColumnDefinition column) => column.Kind switch
    {
        ColumnKind.Number => "integer",
        ColumnKind.LongNumber => "bigint",
        ColumnKind.Flag => "boolean",
        ColumnKind.Fraction => "double precision",
        ColumnKind.Text => column.MaxLength is { } length ? $"character varying({length})" : "text",
        ColumnKind.Bytes => "bytea",
        _ => "timestamp with time zone",
    };

    public override string? CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}";

    // 42P01: undefined_table.
    public override bool IsMissingTable(DbException exception) => exception.SqlState == "42P01";

    // 23505: unique_violation.
    public override bool IsUniqueViolation(DbException exception) => exception.SqlState == "23505";
}
