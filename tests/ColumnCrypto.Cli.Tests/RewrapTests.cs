using ColumnCrypto.Cli.Tests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>Moving the data keys from the local master key to an AWS KMS key (moto) and back, with the tool only.</summary>
[Collection(PostgresTests.Name)]
public sealed class RewrapTests(PostgresServer postgres, KmsEmulator kms) : IClassFixture<KmsEmulator>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-rewrap-").FullName;

    [Fact]
    public async Task Rewrap_to_a_kms_key_and_back_to_the_local_master_key_keeps_every_value_readable()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var key = await kms.CreateKeyAsync();
        File.WriteAllText(Path.Combine(_folder, "local.yaml"), "masterKey:\n  file: master.key\n");
        File.WriteAllText(Path.Combine(_folder, "kms.yaml"),
            $"masterKey:\n  file: master.key\nplugins:\n  awsKms:\n    plugin: awsKms\n    isKms: true\n    keyId: {key.Arn}\n    region: {KmsEmulator.Region}\n    serviceUrl: {kms.Url}\n");
        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--config", "local.yaml", "--connection", connection)).ExitCode);
        await using (var app = await ShopApp.StartAsync(connection, Path.Combine(_folder, "local.yaml")))
        {
            await app.AddAccountsAsync(4);
        }

        Assert.Equal(0, (await cli.RunAsync("rotate", "--config", "local.yaml", "--connection", connection)).ExitCode);

        var toKms = await cli.RunAsync("rewrap", "--to-key-id", key.Arn, "--config", "kms.yaml", "--connection", connection);
        Assert.True(toKms.ExitCode == 0, toKms.ToString());
        Assert.Contains("Rewrapped: 1, 2; already on the target: none", toKms.Output);
        Assert.Contains($"Target: awsKms key '{key.Arn}'", toKms.Output);

        // Resumable and idempotent: a second run finds every key on the target.
        var again = await cli.RunAsync("rewrap", "--to-key-id", key.Arn, "--config", "kms.yaml", "--connection", connection);
        Assert.Contains("Rewrapped: none; already on the target: 1, 2", again.Output);

        var status = await cli.RunAsync("status", "--config", "kms.yaml", "--connection", connection);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"│ 1\s+│.*│ awsKms\s+│", status.Output);
        Assert.Equal(0, (await cli.RunAsync("verify", "--config", "kms.yaml", "--connection", connection)).ExitCode);

        var toLocal = await cli.RunAsync("rewrap", "--to-local", "--config", "kms.yaml", "--connection", connection);
        Assert.True(toLocal.ExitCode == 0, toLocal.ToString());
        Assert.Contains("Rewrapped: 1, 2", toLocal.Output);
        Assert.Contains("Target: local key 'local:", toLocal.Output);
        var verify = await cli.RunAsync("verify", "--config", "local.yaml", "--connection", connection);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("All 14 value(s) in 4 column(s) decrypt; all 4 blind index(es) match their values.", verify.Output);
    }

    [Fact]
    public async Task Rewrap_to_a_kms_key_needs_the_kms_settings()
    {
        File.WriteAllText(Path.Combine(_folder, "local.yaml"), "masterKey:\n  file: master.key\n");
        var connection = await postgres.CreateDatabaseAsync();
        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--config", "local.yaml", "--connection", connection)).ExitCode);
        var result = await cli.RunAsync("rewrap", "--to-key-id", "alias/x", "--config", "local.yaml", "--connection", connection);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("needs the AWS KMS settings (plugins.awsKms", result.Error);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
