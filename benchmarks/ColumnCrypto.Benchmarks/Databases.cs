using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ColumnCrypto.Benchmarks;

/// <summary>Where a benchmark creates its databases: one per variant, emptied between steps, dropped at the end.</summary>
internal interface IDatabases
{
    Task<string> CreateAsync(string suffix);

    DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString);

    Task EmptyAsync(Func<DbContext> createContext);

    Task DropAsync();
}

/// <summary>SQLite files in a temporary folder.</summary>
internal sealed class SqliteDatabases : IDatabases
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-bench-").FullName;

    public Task<string> CreateAsync(string suffix) =>
        Task.FromResult($"Data Source={Path.Combine(_folder, suffix + ".db")}");

    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) => options.UseSqlite(connectionString);

    public async Task EmptyAsync(Func<DbContext> createContext)
    {
        await using var context = createContext();
        await context.Database.ExecuteSqlRawAsync("DELETE FROM people; DELETE FROM sqlite_sequence WHERE name = 'people';");
    }

    public Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Throwaway databases on a PostgreSQL server (created from the admin connection, dropped with FORCE).</summary>
internal sealed class PostgresDatabases(string adminConnectionString) : IDatabases
{
    private readonly List<string> _created = [];

    public async Task<string> CreateAsync(string suffix)
    {
        var name = $"cc_bench_{suffix}_{Guid.NewGuid():N}"[..30];
        await ExecuteAsync($"CREATE DATABASE {name}");
        _created.Add(name);
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);

    public async Task EmptyAsync(Func<DbContext> createContext)
    {
        await using var context = createContext();
        await context.Database.ExecuteSqlRawAsync("TRUNCATE people RESTART IDENTITY");
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _created)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
