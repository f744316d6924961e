using System.Data.Common;
using System.Text.Json;
using ColumnCrypto.Cli.Tests.Infrastructure;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>
/// The tool on a tampered key table: <c>status</c> shows every inconsistency and exits 5, <c>rotate</c> and <c>init</c>
/// create nothing on top; an emptied key table over existing values is refused until <c>new-key-ring</c> is confirmed.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class KeyTableIntegrityCliTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-").FullName;

    public static TheoryData<string> Providers => new() { "postgres", "sqlite" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_unknown_status_makes_status_exit_5_showing_it_and_rotate_and_init_create_nothing(string provider)
    {
        var connection = provider == "postgres" ? await postgres.CreateDatabaseAsync() : $"Data Source={Path.Combine(_folder, "app.db")};Pooling=False";
        var cli = new CliRunner(_folder);
        string[] common = ["--connection", connection];
        Assert.Equal(0, (await cli.RunAsync(["init", .. common])).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(["rotate", .. common])).ExitCode);

        await ExecuteAsync(connection, "UPDATE columncrypto_data_keys SET status = 99 WHERE version = 2");

        var status = await cli.RunAsync(["status", .. common]);
        Assert.True(status.ExitCode == 5, status.ToString());
        Assert.Contains("unknown (99)", status.Output, StringComparison.Ordinal);
        Assert.Contains("Key ring: INCONSISTENT: the key table columncrypto_data_keys was changed outside ColumnCrypto:", status.Output, StringComparison.Ordinal);
        Assert.Contains("  - version 2 has status 99, which ColumnCrypto never writes (0 active, 1 retired, 2 destroyed)", status.Output, StringComparison.Ordinal);
        Assert.StartsWith("columncrypto: error: The key table columncrypto_data_keys failed its integrity check", status.Error, StringComparison.Ordinal);

        var json = await cli.RunAsync(["status", "--json", .. common]);
        Assert.Equal(5, json.ExitCode);
        using (var document = JsonDocument.Parse(json.Output))
        {
            var ring = document.RootElement.GetProperty("keyRing");
            Assert.False(ring.GetProperty("consistent").GetBoolean());
            Assert.Contains("status 99", Assert.Single(ring.GetProperty("problems").EnumerateArray()).GetString(), StringComparison.Ordinal);
        }

        var rotate = await cli.RunAsync(["rotate", .. common]);
        Assert.True(rotate.ExitCode == 5, rotate.ToString());
        var init = await cli.RunAsync(["init", .. common]);
        Assert.True(init.ExitCode == 5, init.ToString());
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT count(*) FROM columncrypto_data_keys"));
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT max(version) FROM columncrypto_data_keys"));
    }

    [Fact]
    public async Task An_emptied_key_table_over_existing_values_is_refused_until_new_key_ring_is_confirmed()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var config = Path.Combine(_folder, "columncrypto.yaml");
        await File.WriteAllTextAsync(config, "masterKey:\n  file: master.key\n");
        var cli = new CliRunner(_folder);
        string[] common = ["--config", config, "--connection", connection];
        Assert.Equal(0, (await cli.RunAsync(["init", .. common])).ExitCode);
        await using (var app = await ShopApp.StartAsync(connection, config))
        {
            await app.AddAccountsAsync(5);
        }

        await ExecuteAsync(connection, "DELETE FROM columncrypto_data_keys");
        await ExecuteAsync(connection, "DELETE FROM columncrypto_key_ring");

        var init = await cli.RunAsync(["init", .. common]);
        Assert.True(init.ExitCode == 6, init.ToString());
        Assert.Contains("has no key, but encrypted columns already hold values: accounts.CreditLimit (5 values under key version(s) 1)", init.Error, StringComparison.Ordinal);
        Assert.Contains("restore it (and its ring head) from a backup", init.Error, StringComparison.Ordinal);
        var rotate = await cli.RunAsync(["rotate", .. common]);
        Assert.True(rotate.ExitCode == 6, rotate.ToString());
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM columncrypto_data_keys"));

        var unconfirmed = await cli.RunAsync(["new-key-ring", "--confirm", "yes", .. common]);
        Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
        var confirmed = await cli.RunAsync(["new-key-ring", "--confirm", DataKeyLifecycle.NewKeyRingConfirmation, .. common]);
        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Contains("Started a new key ring: data key version 2 encrypts new values.", confirmed.Output, StringComparison.Ordinal);

        // A second new ring over a table that has keys again is refused.
        Assert.Equal(6, (await cli.RunAsync(["new-key-ring", "--confirm", DataKeyLifecycle.NewKeyRingConfirmation, .. common])).ExitCode);
        var status = await cli.RunAsync(["status", .. common]);
        Assert.Contains("Key ring: every key row matches the authenticated ring head", status.Output, StringComparison.Ordinal);
    }

    private static DbConnection Open(string connection)
    {
        DbConnection db = connection.StartsWith("Data Source=", StringComparison.Ordinal) ? new SqliteConnection(connection) : new NpgsqlConnection(connection);
        db.Open();
        return db;
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = Open(connection);
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connection, string sql)
    {
        await using var db = Open(connection);
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
