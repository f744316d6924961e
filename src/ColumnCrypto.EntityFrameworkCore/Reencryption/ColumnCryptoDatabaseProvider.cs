namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>The databases whose encrypted columns ColumnCrypto can re-encrypt and report on with its own SQL.</summary>
public enum ColumnCryptoDatabaseProvider
{
    /// <summary>PostgreSQL (Npgsql). Several workers and instances share the work with <c>FOR NO KEY UPDATE SKIP LOCKED</c>.</summary>
    PostgreSql = 0,

    /// <summary>SQLite (Microsoft.Data.Sqlite). One worker at a time.</summary>
    Sqlite = 1,
}
