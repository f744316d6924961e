namespace ColumnCrypto.Data;

/// <summary>The databases ColumnCrypto's SQL works on: its key table, registry, coverage and re-encryption.</summary>
public enum ColumnCryptoDatabaseProvider
{
    /// <summary>PostgreSQL (Npgsql). Several workers and instances share re-encryption with <c>FOR NO KEY UPDATE SKIP LOCKED</c>.</summary>
    PostgreSql = 0,

    /// <summary>SQLite (Microsoft.Data.Sqlite). One re-encryption worker at a time.</summary>
    Sqlite = 1,
}
