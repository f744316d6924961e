using System.Text.Json;
using ColumnCrypto.Cli.Tests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>The operator's whole key lifecycle on PostgreSQL, through the tool only, with an application writing data.</summary>
[Collection(PostgresTests.Name)]
public sealed class CliLifecycleTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-").FullName;

    [Fact]
    public async Task Init_rotate_reencrypt_status_retire_verify()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var config = WriteConfig("columncrypto.yaml", "masterKey:\n  file: keys/master.key\n");
        var cli = new CliRunner(_folder);
        string[] common = ["--config", "columncrypto.yaml", "--connection", connection];

        // init: tables, a generated 0600 master key (where it said), version 1.
        var init = await cli.RunAsync(["init", .. common]);
        Assert.True(init.ExitCode == 0, init.ToString());
        var keyFile = Path.Combine(_folder, "keys", "master.key");
        Assert.Contains($"Master key: generated {keyFile} (permissions 0600)", init.Output);
        Assert.Contains("Table columncrypto_data_keys: created.", init.Output);
        Assert.Contains("Table columncrypto_encrypted_columns: created.", init.Output);
        Assert.Contains("Data key: created version 1", init.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        // Running init again changes nothing.
        var again = await cli.RunAsync(["init", .. common]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Table columncrypto_data_keys: already present.", again.Output);
        Assert.Contains("Data keys: already present (versions 1)", again.Output);

        // The application writes data under version 1.
        await using (var app = await ShopApp.StartAsync(connection, config))
        {
            await app.AddAccountsAsync(23);
        }

        var rotate = await cli.RunAsync(["rotate", .. common]);
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        Assert.Contains("Created data key version 2", rotate.Output);

        var before = await StatusAsync(cli, common);
        Assert.Equal(2, before.GetProperty("currentVersion").GetInt32());
        Assert.Equal("libsodium", before.GetProperty("cipher").GetProperty("backend").GetString());
        Assert.Equal("auto", before.GetProperty("cipher").GetProperty("requested").GetString());
        Assert.Contains(before.GetProperty("columns").EnumerateArray(), c => c.GetProperty("valuesByVersion").TryGetProperty("1", out _));

        var reencrypt = await cli.RunAsync(["reencrypt", "--batch-size", "7", .. common]);
        Assert.True(reencrypt.ExitCode == 0, reencrypt.ToString());
        Assert.Contains("Every value is on data key version 2.", reencrypt.Output);

        // Every row of every encrypted column is on the newest version.
        var after = await StatusAsync(cli, common);
        var columns = after.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(["accounts.CreditLimit", "accounts.DateOfBirth", "accounts.Email", "accounts.Notes"],
            columns.Select(c => $"{c.GetProperty("table").GetString()}.{c.GetProperty("column").GetString()}").Order());
        foreach (var column in columns)
        {
            var versions = column.GetProperty("valuesByVersion").EnumerateObject().ToList();
            Assert.Equal("2", Assert.Single(versions).Name);
            Assert.Equal(column.GetProperty("total").GetInt64(), versions[0].Value.GetInt64());
        }

        Assert.Equal(23, columns.Single(c => c.GetProperty("column").GetString() == "Email").GetProperty("total").GetInt64());

        // Retiring the newest key is refused; the old one, once the rollover check interval has passed, is retired.
        var newest = await cli.RunAsync(["retire", "--version", "2", .. common]);
        Assert.Equal(6, newest.ExitCode);
        Assert.Contains("newest active key", newest.Error);

        cli.Time.Advance(TimeSpan.FromHours(2));
        var retire = await cli.RunAsync(["retire", "--version", "1", .. common]);
        Assert.True(retire.ExitCode == 0, retire.ToString());
        Assert.Contains("Data key version 1 is retired", retire.Output);

        var status = await cli.RunAsync(["status", .. common]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"│ 1\s+│.*│ retired\s+│", status.Output);
        Assert.Matches(@"│ 2\s+│.*│ active, current\s+│", status.Output);
        Assert.Contains("Cipher: libsodium (libsodium AES-256-GCM through NSec.Cryptography 26.", status.Output);

        var verify = await cli.RunAsync(["verify", .. common]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("All 84 value(s) in 4 column(s) decrypt; all 23 blind index(es) match their values.", verify.Output);
        Assert.Equal(string.Empty, verify.Error);
    }

    [Fact]
    public async Task Retire_is_refused_while_values_use_the_version_and_verify_reports_a_damaged_value_by_row()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var config = WriteConfig("columncrypto.yaml", "masterKey:\n  file: master.key\n");
        var cli = new CliRunner(_folder);
        string[] common = ["--config", "columncrypto.yaml", "--connection", connection];
        Assert.Equal(0, (await cli.RunAsync(["init", .. common])).ExitCode);
        await using (var app = await ShopApp.StartAsync(connection, config))
        {
            await app.AddAccountsAsync(5);
        }

        Assert.Equal(0, (await cli.RunAsync(["rotate", .. common])).ExitCode);
        cli.Time.Advance(TimeSpan.FromHours(2));
        var refused = await cli.RunAsync(["retire", "--version", "1", .. common]);
        Assert.Equal(6, refused.ExitCode);
        Assert.Contains("Data key version 1 was not retired: 18 values still use it: accounts.CreditLimit (5), accounts.DateOfBirth (5), accounts.Email (5), accounts.Notes (3).", refused.Error);
        Assert.Contains("columncrypto reencrypt", refused.Error);
        Assert.Single(refused.Error.Trim().Split('\n'));

        // Flip one bit of one stored value: verify names the table, column, key version and row, and changes nothing.
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE accounts SET \"Email\" = set_byte(\"Email\", 40, get_byte(\"Email\", 40) # 1) WHERE \"Id\" = 3", db);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var verify = await cli.RunAsync(["verify", .. common]);
        Assert.Equal(4, verify.ExitCode);
        Assert.Contains("1 value(s) do not decrypt (first: accounts.Email row Id=3, key version 1)", verify.Error);
        Assert.Matches(@"│ accounts\s+│ Email\s+│ 1\s+│ Id=3\s+│ Cannot decrypt", verify.Output);

        var json = await cli.RunAsync(["verify", "--json", .. common]);
        Assert.Equal(4, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        var failure = Assert.Single(document.RootElement.GetProperty("failures").EnumerateArray());
        Assert.Equal("Id=3", failure.GetProperty("row").GetString());
        Assert.Equal(1, failure.GetProperty("keyVersion").GetInt32());
    }

    [Fact]
    public async Task Status_shows_the_platform_cipher_when_the_configuration_asks_for_it()
    {
        var connection = await postgres.CreateDatabaseAsync();
        WriteConfig("columncrypto.yaml", "cipher: platform\nmasterKey:\n  file: master.key\n");
        var cli = new CliRunner(_folder);
        string[] common = ["--config", "columncrypto.yaml", "--connection", connection];
        Assert.Equal(0, (await cli.RunAsync(["init", .. common])).ExitCode);

        var status = await cli.RunAsync(["status", .. common]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Cipher: platform (System.Security.Cryptography.AesGcm", status.Output);
        Assert.Contains("cipher is 'platform'; self-test passed", status.Output);

        var cipher = (await StatusAsync(cli, common)).GetProperty("cipher");
        Assert.Equal("platform", cipher.GetProperty("backend").GetString());
        Assert.Equal("platform", cipher.GetProperty("requested").GetString());
        Assert.False(cipher.TryGetProperty("selfTestFailure", out _)); // null: left out, as the tool does with every null
    }

    [Fact]
    public async Task A_wrong_master_key_is_exit_5_with_the_key_ids_and_no_stack_trace()
    {
        var connection = await postgres.CreateDatabaseAsync();
        WriteConfig("right.yaml", "masterKey:\n  file: right.key\n");
        WriteConfig("wrong.yaml", "masterKey:\n  file: wrong.key\n");
        await WriteKeyFileAsync("wrong.key");
        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--config", "right.yaml", "--connection", connection)).ExitCode);

        foreach (var command in new[] { "status", "rotate", "verify", "reencrypt" })
        {
            var result = await cli.RunAsync(command, "--config", "wrong.yaml", "--connection", connection);
            Assert.True(result.ExitCode == 5, $"{command}: {result}");
            Assert.Contains("Data key version 1 is wrapped by local key 'local:", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }

        // init refuses to generate a new master key over existing data keys.
        var init = await cli.RunAsync("init", "--connection", connection);
        Assert.Equal(3, init.ExitCode);
        Assert.Contains("already holds 1 data key(s)", init.Error);
        Assert.False(File.Exists(Path.Combine(_folder, ".columncrypto", "master.key")));

        // --verbose adds the stack trace.
        var verbose = await cli.RunAsync("rotate", "--config", "wrong.yaml", "--connection", connection, "--verbose");
        Assert.Equal(5, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Error);
    }

    [Fact]
    public async Task An_unreachable_database_is_exit_1_with_one_line()
    {
        WriteConfig("columncrypto.yaml", "masterKey:\n  file: master.key\n");
        await WriteKeyFileAsync("master.key");
        var port = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()).Port;
        var closed = System.Net.Sockets.TcpListener.Create(0);
        closed.Start();
        var freePort = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        Assert.NotEqual(port, freePort);

        var cli = new CliRunner(_folder);
        var result = await cli.RunAsync("status", "--config", "columncrypto.yaml", "--connection", $"Host=127.0.0.1;Port={freePort};Username=postgres;Database=x;Timeout=3");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("columncrypto: error: Cannot reach the database", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    private static async Task<JsonElement> StatusAsync(CliRunner cli, string[] common)
    {
        var result = await cli.RunAsync(["status", "--json", .. common]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    /// <summary>A random master key file, owner-only (0600) as ColumnCrypto requires.</summary>
    private async Task WriteKeyFileAsync(string name)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private string WriteConfig(string name, string yaml)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
