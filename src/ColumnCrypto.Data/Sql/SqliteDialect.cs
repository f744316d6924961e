using System.Data.Common;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Data.Sql;

/// <summary>SQLite: no row locks (one worker), casts to the stored form, conditional UPDATE per value.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override ColumnCryptoDatabaseProvider Provider => ColumnCryptoDatabaseProvider.Sqlite;

    public override bool LocksRowsOnRead => false;

    public override string LockClause => string.Empty;

    // SQLite has no schemas: @schema is ignored, as in Table().
    public override string TableExistsQuery => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name";

    public override string Table(string? schema, string name) => Quote(name);

    public override string Stored(string quotedColumn, EncryptedStorage storage) =>
        storage == EncryptedStorage.Binary ? $"CAST({quotedColumn} AS BLOB)" : $"CAST({quotedColumn} AS TEXT)";

    public override string Prefix(string stored, EncryptedStorage storage, int length) => $"substr({stored}, 1, {length})";

    public override string EmptyPrefix(EncryptedStorage storage) => storage == EncryptedStorage.Binary ? "X''" : "''";

    public override IBatchWriter CreateWriter() => new SqliteBatchWriter();

    public override string ColumnType(ColumnDefinition column) => column.Kind switch
    {
        ColumnKind.Number or ColumnKind.LongNumber or ColumnKind.Flag => "INTEGER",
        ColumnKind.Fraction => "REAL",
        ColumnKind.Bytes => "BLOB",
        _ => "TEXT",
    };

    public override string? CreateSchema(string schema) => null;

    // Microsoft.Data.Sqlite reports SQLITE_ERROR (1) with the engine's text; there is no dedicated code.
    public override bool IsMissingTable(DbException exception) =>
        exception.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase);

    // SQLITE_CONSTRAINT (19) covers every constraint; the engine's text names the unique one.
    public override bool IsUniqueViolation(DbException exception) =>
        exception.Message.Contains("UNIQUE constraint failed", StringComparison.OrdinalIgnoreCase);
}
