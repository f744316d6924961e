using ColumnCrypto.Cli.Tests.Infrastructure;

namespace ColumnCrypto.Cli.Tests;

/// <summary>Bad arguments and bad configuration: the documented exit code and one line on stderr, no database needed.</summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-usage-").FullName;

    [Theory]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'")]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "status", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "retire", "--connection", "Data Source=x.db" }, "Option '--version' is required")]
    [InlineData(new[] { "retire", "--version", "two" }, "Cannot parse argument 'two' for option '--version'")]
    [InlineData(new[] { "rewrap", "--connection", "Data Source=x.db" }, "Give exactly one of --to-key-id ID or --to-local")]
    [InlineData(new[] { "reencrypt", "--batch-size", "0" }, "--batch-size: reencryption.batchSize must be a whole number from 1 to 100000")]
    [InlineData(new[] { "status", "--provider", "oracle" }, "'oracle'")]
    [InlineData(new[] { "status", "--provider", "mysql" }, "--provider 'mysql' is not a database ColumnCrypto supports: give postgres or sqlite")]
    public async Task Bad_arguments_are_exit_2_with_the_reason(string[] args, string reason)
    {
        var result = await new CliRunner(_folder).RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("columncrypto: usage error: ", result.Error);
        Assert.Contains(reason, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("Foo=bar", "Cannot tell the database from the connection string")]
    [InlineData("", "No database: pass --connection")]
    public async Task An_unusable_connection_string_is_a_usage_error(string connection, string reason)
    {
        var result = await new CliRunner(_folder).RunAsync("status", "--connection", connection);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Error);
    }

    [Fact]
    public async Task A_bad_configuration_file_is_exit_3_naming_file_line_and_setting()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "bad.yaml"), "schedule:\n  dataKeyRollOverLength: -5\n");
        var result = await new CliRunner(_folder).RunAsync("status", "--config", "bad.yaml", "--connection", "Data Source=app.db");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("bad.yaml", result.Error);
        Assert.Contains("bad.yaml:2:", result.Error);
        Assert.Contains("schedule.dataKeyRollOverLength", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("schedule:\n  dataKeyRollOverLength: 3000000\n", "bad.yaml:2: schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500")]
    [InlineData("plugins:\n  awsKms:\n    plugin: 'awsKms'\n    isKms: true\n    keyId: alias/app\n    region: <your aws region>\n",
        "bad.yaml:6: plugins.awsKms.region is still the documentation's placeholder '<your aws region>': replace it with an AWS region name")]
    public async Task Out_of_range_numbers_and_documentation_placeholders_are_exit_3_naming_file_line_and_setting(string yaml, string reason)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "bad.yaml"), yaml);
        var result = await new CliRunner(_folder).RunAsync("status", "--config", "bad.yaml", "--connection", "Data Source=app.db");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(reason, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_master_key_file_readable_by_others_is_exit_3_saying_chmod_600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var cli = new CliRunner(_folder);
        Assert.Equal(0, (await cli.RunAsync("init", "--connection", "Data Source=app.db")).ExitCode);
        var keyFile = Path.Combine(_folder, ".columncrypto", "master.key");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        foreach (var command in new[] { "status", "rotate" })
        {
            var result = await cli.RunAsync(command, "--connection", "Data Source=app.db");
            Assert.True(result.ExitCode == 3, $"{command}: {result}");
            Assert.Contains("(mode 0644)", result.Error);
            Assert.Contains($"chmod 600 '{keyFile}'", result.Error);
        }
    }

    [Fact]
    public async Task A_missing_master_key_is_exit_3_and_says_how_to_create_one()
    {
        var cli = new CliRunner(_folder);
        var init = await cli.RunAsync("init", "--connection", "Data Source=app.db");
        Assert.Equal(0, init.ExitCode);
        File.Delete(Path.Combine(_folder, ".columncrypto", "master.key"));

        var result = await cli.RunAsync("rotate", "--connection", "Data Source=app.db");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("No master key", result.Error);
        Assert.Contains("columncrypto init", result.Error);
    }

    [Fact]
    public async Task A_missing_sqlite_file_is_not_created_by_commands_other_than_init()
    {
        var result = await new CliRunner(_folder).RunAsync("status", "--connection", "Data Source=missing.db");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "missing.db")));
    }

    [Fact]
    public async Task A_database_without_the_key_table_says_to_run_init()
    {
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "empty.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE other (id INTEGER PRIMARY KEY)";
            await command.ExecuteNonQueryAsync();
        }

        var result = await new CliRunner(_folder).RunAsync("status", "--connection", "Data Source=empty.db");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no data key table (columncrypto_data_keys). Run 'columncrypto init'", result.Error);
    }

    [Fact]
    public async Task Json_errors_are_also_a_json_document_on_stdout()
    {
        var result = await new CliRunner(_folder).RunAsync("rotate", "--json", "--connection", "Data Source=missing.db");
        Assert.Equal(1, result.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(1, document.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Help_lists_the_commands_and_exit_codes()
    {
        var result = await new CliRunner(_folder).RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "init", "status", "rotate", "rewrap", "reencrypt", "retire", "verify" })
        {
            Assert.Contains(command, result.Output);
        }

        Assert.Contains("Exit codes: 0 success", result.Output);
        Assert.Contains("Usage:\n  columncrypto [command] [options]", result.Output.ReplaceLineEndings("\n"));
        Assert.Contains("--provider <postgres|sqlite>", result.Output);
    }

    [Fact]
    public async Task Command_help_names_the_tool_as_it_is_typed()
    {
        var result = await new CliRunner(_folder).RunAsync("status", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:\n  columncrypto status [options]", result.Output.ReplaceLineEndings("\n"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
