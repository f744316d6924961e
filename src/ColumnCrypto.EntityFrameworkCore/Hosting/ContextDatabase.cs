using System.Data.Common;
using ColumnCrypto.Data;
using ColumnCrypto.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>
/// The <see cref="ColumnCryptoDatabase"/> of an EF Core context: its provider, a factory of new connections to the
/// same database (from the context's connection string: never the context's own connection, so ColumnCrypto's work
/// cannot collide with the application's transactions), and the key table's name and schema from
/// <c>UseColumnEncryption</c>.
/// </summary>
internal static class ContextDatabase
{
    public static ColumnCryptoDatabase FromContext(DbContext context)
    {
        var provider = context.Database.ProviderName switch
        {
            "Npgsql.EntityFrameworkCore.PostgreSQL" => ColumnCryptoDatabaseProvider.PostgreSql,
            "Microsoft.EntityFrameworkCore.Sqlite" => ColumnCryptoDatabaseProvider.Sqlite,
            var other => throw new NotSupportedException(
                $"ColumnCrypto keeps its key table and re-encrypts with its own SQL, on PostgreSQL (Npgsql) and SQLite only; {context.GetType().Name} uses '{other ?? "no provider"}'."),
        };
        var connection = context.Database.GetDbConnection();
        var factory = DbProviderFactories.GetFactory(connection)
            ?? throw new NotSupportedException($"The connection type {connection.GetType().Name} has no DbProviderFactory.");
        var connectionString = context.Database.GetConnectionString() ?? connection.ConnectionString;
        if (provider == ColumnCryptoDatabaseProvider.Sqlite && IsPrivateInMemory(connectionString))
        {
            throw new NotSupportedException(
                $"{context.GetType().Name} uses an in-memory SQLite database that only its own connection can see, but ColumnCrypto opens connections " +
                "of its own (so its key work never runs on the application's connection). Use a file, or a named shared in-memory database " +
                "('Data Source=name;Mode=Memory;Cache=Shared', kept open by one connection).");
        }

        var extension = context.GetService<IDbContextOptions>().FindExtension<ColumnEncryptionOptionsExtension>();
        return ColumnCryptoDatabase.Create(
            provider,
            () =>
            {
                var created = factory.CreateConnection() ?? throw new NotSupportedException($"{factory.GetType().Name} did not create a connection.");
                created.ConnectionString = connectionString;
                return created;
            },
            extension?.KeyTableSchema,
            extension?.KeyTableName ?? Data.Schema.DataKeysTable.DefaultName);
    }

    private static bool IsPrivateInMemory(string? connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString ?? string.Empty };
        string? Get(string key) => builder.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
        var source = Get("Data Source") ?? Get("DataSource") ?? Get("Filename") ?? string.Empty;
        var memory = source == ":memory:" || string.Equals(Get("Mode"), "Memory", StringComparison.OrdinalIgnoreCase);
        return memory && (source == ":memory:" || !string.Equals(Get("Cache"), "Shared", StringComparison.OrdinalIgnoreCase));
    }
}
