using ColumnCrypto.Cli.Tests.Infrastructure;
using ColumnCrypto.Sample;

namespace ColumnCrypto.Cli.Tests;

/// <summary>The sample runs to completion on SQLite with no arguments, as the README's first command runs it.</summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-sample-").FullName;

    [Fact]
    public async Task Sample_runs_twice_on_sqlite_showing_a_rollover_and_the_reencryption()
    {
        var first = await RunSampleAsync();
        Assert.True(first.ExitCode == 0, first.Output);
        var keyFile = Path.Combine(_folder, ".columncrypto", "master.key");
        Assert.Contains($"Local master key: generated {keyFile} (permissions 0600)", first.Output);
        Assert.Contains("Wrote 5 customers; their encrypted values use data key version 1.", first.Output);
        Assert.Contains("stored in the database (", first.Output);
        Assert.Contains("decrypted by the application: ada.lovelace.0@example.com (key version 1)", first.Output);
        Assert.Contains("Customers by key version of their email: version 1: 5.", first.Output);
        Assert.True(File.Exists(Path.Combine(_folder, ".columncrypto", "sample.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var second = await RunSampleAsync();
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Simulated rollover: created data key version 2.", second.Output);
        Assert.Contains("Customers by key version of their email: version 1: 5, version 2: 5.", second.Output);
        Assert.Contains("moved 5 customer row(s) from older keys to version 2", second.Output);
        Assert.Contains("Customers by key version of their email after re-encryption: version 2: 10.", second.Output);

        // The operator tool, run in the same folder with no configuration, finds the sample's key and database.
        var status = await new CliRunner(_folder).RunAsync("status", "--connection", "Data Source=.columncrypto/sample.db");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"│ customers\.email\s+│\s+10 │\s+10 │", status.Output);
        var verify = await new CliRunner(_folder).RunAsync("verify", "--connection", "Data Source=.columncrypto/sample.db");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private async Task<(int ExitCode, string Output)> RunSampleAsync()
    {
        using var output = new StringWriter();
        var exitCode = await SampleApp.RunAsync([], output, _folder);
        return (exitCode, output.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
