using Npgsql;
using Testcontainers.PostgreSql;

namespace ColumnCrypto.Testing;

/// <summary>
/// A real PostgreSQL server: the one named by COLUMNCRYPTO_TEST_POSTGRES (scripts/test.sh starts a throwaway cluster
/// and sets it), or else a Testcontainers PostgreSQL 15 container (needs Docker). Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "COLUMNCRYPTO_TEST_POSTGRES";

    private PostgreSqlContainer? _container;
    private string _adminConnectionString = string.Empty;

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            _adminConnectionString = fromEnvironment;
            return;
        }

        _container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        try
        {
            await _container.StartAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the functional tests: {EnvironmentVariable} is not set and Testcontainers could not start a container " +
                $"({e.GetType().Name}). Run ./scripts/test.sh (it starts a throwaway cluster), start Docker, or set {EnvironmentVariable}.", e);
        }
        _adminConnectionString = _container.GetConnectionString();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "cc_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
