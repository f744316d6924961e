using System.Data.Common;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ColumnCrypto.Cli.Database;

/// <summary>
/// The database named by --connection, with its provider: given by --provider, or recognised from the connection
/// string (<c>Host=</c>/<c>Server=</c> is PostgreSQL, <c>Data Source=</c>/<c>Filename=</c> is SQLite).
/// </summary>
internal sealed class DatabaseTarget
{
    private static readonly string[] PostgresKeys = ["host", "server", "username", "user id", "userid", "user", "port", "database"];
    private static readonly string[] SqliteKeys = ["data source", "datasource", "filename"];

    private DatabaseTarget(ColumnCryptoDatabaseProvider provider, string connectionString, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqliteFile = sqliteFile;
    }

    public ColumnCryptoDatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite database file (full path), or null for PostgreSQL and in-memory SQLite.</summary>
    public string? SqliteFile { get; }

    /// <summary>A name for messages: never the password.</summary>
    public string DisplayName => Provider switch
    {
        ColumnCryptoDatabaseProvider.Sqlite => $"SQLite {SqliteFile ?? "in-memory database"}",
        _ => DescribePostgres(),
    };

    public static DatabaseTarget Resolve(string? connection, ColumnCryptoDatabaseProvider? provider, CliEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw CliException.Usage(
                $"No database: pass --connection \"Host=...;Database=...\" (PostgreSQL) or --connection \"Data Source=app.db\" (SQLite), or set {CommonOptions.ConnectionEnvironmentVariable}.");
        }

        var kind = provider ?? Detect(connection);
        return kind switch
        {
            ColumnCryptoDatabaseProvider.Sqlite => ForSqlite(connection, environment),
            _ => ForPostgres(connection),
        };
    }

    /// <summary>The database as ColumnCrypto's library works on it, with the key table named by --key-table.</summary>
    public ColumnCryptoDatabase ToColumnCryptoDatabase(KeyTableName? keyTable) => keyTable is { } table
        ? ColumnCryptoDatabase.Create(Provider, CreateConnection, table.Schema, table.Name)
        : ColumnCryptoDatabase.Create(Provider, CreateConnection);

    private DbConnection CreateConnection() => Provider switch
    {
        ColumnCryptoDatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
        _ => new NpgsqlConnection(ConnectionString),
    };

    /// <summary>Fails with a clear message when the SQLite file does not exist (opening would create an empty one).</summary>
    public void EnsureExists()
    {
        if (SqliteFile is not null && !File.Exists(SqliteFile))
        {
            throw new CliException(ExitCodes.Error,
                $"The SQLite database file '{SqliteFile}' does not exist. Check --connection, or run 'columncrypto init' to create it.");
        }
    }

    private static ColumnCryptoDatabaseProvider Detect(string connection)
    {
        var keys = ParseKeys(connection);
        var postgres = keys.Any(k => PostgresKeys.Contains(k));
        var sqlite = keys.Any(k => SqliteKeys.Contains(k));
        if (postgres == sqlite)
        {
            throw CliException.Usage(
                "Cannot tell the database from the connection string (expected Host=... for PostgreSQL or Data Source=... for SQLite). Add --provider postgres or --provider sqlite.");
        }

        return postgres ? ColumnCryptoDatabaseProvider.PostgreSql : ColumnCryptoDatabaseProvider.Sqlite;
    }

    private static List<string> ParseKeys(string connection)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connection };
            return [.. builder.Keys.Cast<string>().Select(k => k.ToLowerInvariant())];
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--connection is not a valid connection string ({e.Message}). Use the form \"Key=value;Key=value\".");
        }
    }

    private static DatabaseTarget ForSqlite(string connection, CliEnvironment environment)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connection);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--connection is not a valid SQLite connection string: {e.Message}");
        }

        string? file = null;
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            // Relative files are relative to the working folder, as the user typed them there.
            file = environment.ResolvePath(builder.DataSource);
            builder.DataSource = file;
        }

        return new DatabaseTarget(ColumnCryptoDatabaseProvider.Sqlite, builder.ConnectionString, file);
    }

    private static DatabaseTarget ForPostgres(string connection)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--connection is not a valid PostgreSQL connection string: {e.Message}");
        }

        return new DatabaseTarget(ColumnCryptoDatabaseProvider.PostgreSql, connection, null);
    }

    private string DescribePostgres()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
    }
}
