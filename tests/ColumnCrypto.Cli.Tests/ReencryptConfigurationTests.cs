using ColumnCrypto.Cli.Tests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>
/// <c>reencrypt --config FILE</c> takes its defaults from the file's <c>reencryption:</c> section, as its help says:
/// the services the tool builds get the whole file, not a hand-picked part of it.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ReencryptConfigurationTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-").FullName;

    [Fact]
    public async Task Reencrypt_uses_the_batch_size_and_workers_of_the_config_file()
    {
        var (cli, common) = await PrepareAsync("reencryption:\n  batchSize: 7\n  workers: 3\n  pauseBetweenBatches: 0\n", accounts: 20);

        var reencrypt = await cli.RunAsync(["reencrypt", "--verbose", .. common]);

        Assert.True(reencrypt.ExitCode == 0, reencrypt.ToString());
        Assert.Contains("to data key version 2 (batches of 7).", reencrypt.Output);
        Assert.Contains("3 worker(s)", reencrypt.Error);
        Assert.Contains("Every value is on data key version 2.", reencrypt.Output);
    }

    [Fact]
    public async Task The_batch_size_option_wins_over_the_config_file()
    {
        var (cli, common) = await PrepareAsync("reencryption:\n  batchSize: 7\n", accounts: 3);

        var reencrypt = await cli.RunAsync(["reencrypt", "--batch-size", "2", .. common]);

        Assert.True(reencrypt.ExitCode == 0, reencrypt.ToString());
        Assert.Contains("(batches of 2).", reencrypt.Output);
    }

    /// <summary>A database with ColumnCrypto's tables, accounts written under key version 1, and version 2 created.</summary>
    private async Task<(CliRunner Cli, string[] Common)> PrepareAsync(string reencryptionSection, int accounts)
    {
        var connection = await postgres.CreateDatabaseAsync();
        var config = Path.Combine(_folder, "columncrypto.yaml");
        await File.WriteAllTextAsync(config, "masterKey:\n  file: master.key\n" + reencryptionSection);
        var cli = new CliRunner(_folder);
        string[] common = ["--config", "columncrypto.yaml", "--connection", connection];
        var init = await cli.RunAsync(["init", .. common]);
        Assert.True(init.ExitCode == 0, init.ToString());
        await using (var app = await ShopApp.StartAsync(connection, config))
        {
            await app.AddAccountsAsync(accounts);
        }

        Assert.Equal(0, (await cli.RunAsync(["rotate", .. common])).ExitCode);
        return (cli, common);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
