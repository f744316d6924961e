using System.Data.Common;
using ColumnCrypto.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ColumnCrypto.FunctionalTests.Infrastructure;

public enum Provider
{
    PostgreSql,
    Sqlite,
}

/// <summary>One empty database of either provider, with raw SQL access for inspecting what is really stored.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _sqliteFolder;

    private TestDatabase(Provider provider, string connectionString, string? sqliteFolder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFolder = sqliteFolder;
    }

    public Provider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(Provider provider, PostgresServer postgres)
    {
        if (provider == Provider.PostgreSql)
        {
            return new TestDatabase(provider, await postgres.CreateDatabaseAsync(), null);
        }

        var folder = Directory.CreateTempSubdirectory("columncrypto-sqlite-").FullName;
        return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "test.db")};Pooling=False", folder);
    }

    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options) => Provider switch
    {
        Provider.PostgreSql => options.UseNpgsql(ConnectionString),
        _ => options.UseSqlite(ConnectionString),
    };

    public DbConnection OpenConnection()
    {
        var connection = NewConnection();
        connection.Open();
        return connection;
    }

    /// <summary>The database as ColumnCrypto's SQL (ColumnCrypto.Data) reaches it, without EF Core.</summary>
    public ColumnCryptoDatabase ColumnCryptoDatabase(string? schema = null, string keyTableName = ColumnCrypto.Data.Schema.DataKeysTable.DefaultName) =>
        ColumnCrypto.Data.ColumnCryptoDatabase.Create(
            Provider == Provider.PostgreSql ? ColumnCryptoDatabaseProvider.PostgreSql : ColumnCryptoDatabaseProvider.Sqlite, NewConnection, schema, keyTableName);

    private DbConnection NewConnection() =>
        Provider == Provider.PostgreSql ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        if (_sqliteFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
