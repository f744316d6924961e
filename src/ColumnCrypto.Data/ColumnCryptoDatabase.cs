using System.Data.Common;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Data.Sql;

namespace ColumnCrypto.Data;

/// <summary>
/// A database that holds ColumnCrypto's tables (the data key table, the encrypted-column registry, the re-encryption
/// progress) and encrypted columns: what the SQL key store, the registry, coverage, re-encryption and verification
/// work on. They open connections of their own (never the application's), so they need neither the application's
/// DbContext nor its assembly.
/// </summary>
/// <example>
/// <code>
/// var database = ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.PostgreSql, () => new NpgsqlConnection(connectionString));
/// </code>
/// An EF Core application gets its context's database with <c>context.GetColumnCryptoDatabase()</c>.
/// </example>
public sealed class ColumnCryptoDatabase
{
    private readonly Func<DbConnection> _createConnection;

    private ColumnCryptoDatabase(ColumnCryptoDatabaseProvider provider, Func<DbConnection> createConnection, string? schema, string keyTableName)
    {
        Provider = provider;
        _createConnection = createConnection;
        Schema = string.IsNullOrEmpty(schema) ? null : schema;
        KeyTableName = keyTableName;
        Dialect = SqlDialect.For(provider);
    }

    /// <summary>The database kind.</summary>
    public ColumnCryptoDatabaseProvider Provider { get; }

    /// <summary>The schema of ColumnCrypto's tables (that of the key table), or null for the default schema.</summary>
    public string? Schema { get; }

    /// <summary>The data key table's name (default <c>columncrypto_data_keys</c>).</summary>
    public string KeyTableName { get; }

    /// <summary>The data key table as <c>schema.name</c> or <c>name</c>, for messages.</summary>
    public string KeyTableDisplayName => DisplayName(DataKeysTable.Definition);

    /// <summary>One of ColumnCrypto's tables in this database as <c>schema.name</c> or <c>name</c>, for messages.</summary>
    public string DisplayName(TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Schema is null ? NameOf(table) : $"{Schema}.{NameOf(table)}";
    }

    internal SqlDialect Dialect { get; }

    /// <summary>
    /// A database reached through connections from <paramref name="createConnection"/> (new, unopened connections;
    /// each is disposed after use). An in-memory SQLite database is only reachable this way when it is named and
    /// shared (<c>Data Source=name;Mode=Memory;Cache=Shared</c>, kept open elsewhere): otherwise every connection would see an empty one.
    /// </summary>
    /// <param name="provider">PostgreSQL or SQLite.</param>
    /// <param name="createConnection">Creates a new connection, for example <c>() =&gt; new NpgsqlConnection(connectionString)</c>.</param>
    /// <param name="schema">The schema of ColumnCrypto's tables, as given to <c>KeyTable(name, schema)</c>; null for the default.</param>
    /// <param name="keyTableName">The data key table's name, as given to <c>KeyTable(name)</c>.</param>
    public static ColumnCryptoDatabase Create(ColumnCryptoDatabaseProvider provider, Func<DbConnection> createConnection, string? schema = null, string keyTableName = DataKeysTable.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(createConnection);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyTableName);
        return new ColumnCryptoDatabase(provider, createConnection, schema, keyTableName);
    }

    /// <summary>Opens a new connection of ColumnCrypto's own.</summary>
    internal async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _createConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The quoted, schema-qualified name of one of ColumnCrypto's tables.</summary>
    internal string TableName(TableDefinition table) => Dialect.Table(Schema, NameOf(table));

    /// <summary>The unquoted name of one of ColumnCrypto's tables in this database.</summary>
    internal string NameOf(TableDefinition table) => ReferenceEquals(table, DataKeysTable.Definition) ? KeyTableName : table.DefaultName;
}
