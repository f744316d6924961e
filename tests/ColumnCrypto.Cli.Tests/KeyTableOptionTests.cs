using ColumnCrypto.Cli.Tests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>
/// Applications may name the key table with <c>KeyTable(name, schema)</c>; <c>--key-table</c> points the tool at it, and
/// without it the tool says where it looked and how to point it elsewhere.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class KeyTableOptionTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-keytable-").FullName;

    [Fact]
    public async Task A_renamed_key_table_in_its_own_schema_is_used_by_every_command_given_key_table()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var cli = new CliRunner(_folder);
        string[] common = ["--connection", connection, "--key-table", "crypto.app_keys"];

        var init = await cli.RunAsync(["init", .. common]);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains("Table crypto.app_keys: created.", init.Output);
        Assert.Contains("Table crypto.columncrypto_encrypted_columns: created.", init.Output);
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM crypto.app_keys"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'columncrypto_data_keys'"));

        var rotate = await cli.RunAsync(["rotate", .. common]);
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var status = await cli.RunAsync(["status", "--json", .. common]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT count(*) FROM crypto.app_keys"));

        var withoutOption = await cli.RunAsync("status", "--connection", connection);
        Assert.Equal(1, withoutOption.ExitCode);
        Assert.Contains("has no data key table (columncrypto_data_keys)", withoutOption.Error);
        Assert.Contains("pass --key-table if the application names its key table with KeyTable(name, schema)", withoutOption.Error);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("crypto.")]
    [InlineData("\"keys\"")]
    public async Task A_key_table_that_is_not_NAME_or_SCHEMA_NAME_is_a_usage_error(string value)
    {
        var result = await new CliRunner(_folder).RunAsync("status", "--connection", "Data Source=app.db", "--key-table", value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--key-table '{value}' is not a table name: give NAME or SCHEMA.NAME", result.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
