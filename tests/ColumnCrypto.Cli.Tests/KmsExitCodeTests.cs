using ColumnCrypto.Cli.Tests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>
/// The README's exit codes for KMS failures: an unreachable KMS is 1 (the keys may be fine: try again later), a KMS key
/// that refuses to unwrap them is 5.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class KmsExitCodeTests(PostgresServer postgres, KmsEmulator kms) : IClassFixture<KmsEmulator>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-kms-").FullName;

    [Fact]
    public async Task An_unreachable_KMS_is_exit_1_naming_the_endpoint()
    {
        var key = await kms.CreateKeyAsync();
        var connection = await postgres.CreateDatabaseAsync();
        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--config", KmsConfig("kms.yaml", key.Arn, kms.Url), "--connection", connection)).ExitCode);

        var nobody = $"http://127.0.0.1:{MotoServer.FreePort()}";
        var result = await cli.RunAsync("status", "--config", KmsConfig("down.yaml", key.Arn, nobody), "--connection", connection);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"could not be reached at {nobody}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_wrapped_key_that_KMS_refuses_to_unwrap_is_exit_5()
    {
        var key = await kms.CreateKeyAsync();
        var connection = await postgres.CreateDatabaseAsync();
        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--config", KmsConfig("kms.yaml", key.Arn, kms.Url), "--connection", connection)).ExitCode);
        await using (var db = new NpgsqlConnection(connection))
        {
            // One bit of the wrapped key flipped: KMS answers, and refuses it.
            await db.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE columncrypto_data_keys SET wrapped_key = set_byte(wrapped_key, length(wrapped_key) - 1, get_byte(wrapped_key, length(wrapped_key) - 1) # 1)", db);
            await command.ExecuteNonQueryAsync();
        }

        var result = await cli.RunAsync("status", "--config", "kms.yaml", "--connection", connection);

        Assert.True(result.ExitCode == 5, result.ToString());
    }

    private string KmsConfig(string name, string keyId, string url)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, $"plugins:\n  awsKms:\n    plugin: awsKms\n    isKms: true\n    keyId: {keyId}\n    region: {KmsEmulator.Region}\n    serviceUrl: {url}\n");
        return name;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
