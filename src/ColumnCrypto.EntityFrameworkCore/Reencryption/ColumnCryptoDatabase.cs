using System.Data.Common;
using ColumnCrypto.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// A database that holds ColumnCrypto's tables (the data key table, the encrypted-column registry and the
/// re-encryption progress) and the encrypted columns: what <see cref="ColumnReencryptor"/>, <see cref="DataKeyRetirement"/>
/// and <see cref="EncryptedColumnRegistry"/> work on. They use their own SQL over fresh connections, so they need
/// neither the application's assembly nor its DbContext.
/// </summary>
/// <example>
/// An operator tool with only a connection string:
/// <code>
/// var database = ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.PostgreSql, () => new NpgsqlConnection(connectionString));
/// </code>
/// An application, from its context: <c>ColumnCryptoDatabase.FromContext(context)</c>.
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

    internal SqlDialect Dialect { get; }

    /// <summary>
    /// A database reached through connections from <paramref name="createConnection"/> (new, unopened connections;
    /// each is disposed after use). SQLite in-memory databases are not supported: every connection would see another one.
    /// </summary>
    /// <param name="provider">PostgreSQL or SQLite.</param>
    /// <param name="createConnection">Creates a new connection, for example <c>() =&gt; new NpgsqlConnection(connectionString)</c>.</param>
    /// <param name="schema">The schema of ColumnCrypto's tables, as given to <c>KeyTable(name, schema)</c>; null for the default.</param>
    /// <param name="keyTableName">The data key table's name, as given to <c>KeyTable(name)</c>.</param>
    public static ColumnCryptoDatabase Create(ColumnCryptoDatabaseProvider provider, Func<DbConnection> createConnection, string? schema = null, string keyTableName = ColumnEncryptionOptionsExtension.DefaultKeyTableName)
    {
        ArgumentNullException.ThrowIfNull(createConnection);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyTableName);
        return new ColumnCryptoDatabase(provider, createConnection, schema, keyTableName);
    }

    /// <summary>
    /// The database of <paramref name="context"/>: its provider, its connection string, and the key table's name and
    /// schema from <c>UseColumnEncryption</c>. The context itself is not kept.
    /// </summary>
    /// <exception cref="NotSupportedException">The context's provider is neither PostgreSQL nor SQLite.</exception>
    public static ColumnCryptoDatabase FromContext(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var provider = context.Database.ProviderName switch
        {
            "Npgsql.EntityFrameworkCore.PostgreSQL" => ColumnCryptoDatabaseProvider.PostgreSql,
            "Microsoft.EntityFrameworkCore.Sqlite" => ColumnCryptoDatabaseProvider.Sqlite,
            var other => throw ReencryptionErrors.UnsupportedProvider(other),
        };
        var connection = context.Database.GetDbConnection();
        var factory = DbProviderFactories.GetFactory(connection)
            ?? throw new NotSupportedException($"The connection type {connection.GetType().Name} has no DbProviderFactory.");
        var connectionString = context.Database.GetConnectionString() ?? connection.ConnectionString;
        var extension = context.GetService<IDbContextOptions>().FindExtension<ColumnEncryptionOptionsExtension>();
        return new ColumnCryptoDatabase(
            provider,
            () =>
            {
                var created = factory.CreateConnection() ?? throw new NotSupportedException($"{factory.GetType().Name} did not create a connection.");
                created.ConnectionString = connectionString;
                return created;
            },
            extension?.KeyTableSchema,
            extension?.KeyTableName ?? ColumnEncryptionOptionsExtension.DefaultKeyTableName);
    }

    /// <summary>Opens a new connection.</summary>
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

    /// <summary>The quoted name of one of ColumnCrypto's tables.</summary>
    internal string TableName(string name) => Dialect.Table(Schema, name);
}
