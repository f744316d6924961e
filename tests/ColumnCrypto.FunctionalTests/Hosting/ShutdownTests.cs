using System.Diagnostics;
using System.Security.Cryptography;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Npgsql;

namespace ColumnCrypto.FunctionalTests.Hosting;

/// <summary>
/// A real process (tests/ColumnCrypto.HostApp) stopped with SIGTERM while its host is starting, blocked on the key
/// table that another session holds locked: as Kubernetes stops a pod that is still starting (POSIX signals: Linux, macOS).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ShutdownTests(PostgresServer postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SIGTERM_while_the_keys_load_at_start_up_stops_the_host_cleanly_with_exit_code_0()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.PostgreSql, () => new NpgsqlConnection(connectionString));
        await ColumnCryptoSchema.CreateMissingTablesAsync(database);

        // Another session locks the key table: the application's first read of it waits.
        await using var locker = new NpgsqlConnection(connectionString);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {DataKeysTable.DefaultName} IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        using var app = StartHostApp(connectionString);
        var output = CollectOutput(app);
        await WaitUntilWaitingForLockAsync(connectionString, app, output);

        Signal(app, "TERM");
        using var timeout = new CancellationTokenSource(Patience);
        await app.WaitForExitAsync(timeout.Token);
        var log = output.ToString();

        Assert.True(app.ExitCode == 0, $"exit {app.ExitCode}\n{log}");
        Assert.Contains("info: ColumnCrypto.DependencyInjection.DataKeyRolloverService[1016]", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("[1005]", log, StringComparison.Ordinal);
    }

    private static Process StartHostApp(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repository.OutputOf("tests/ColumnCrypto.HostApp"), "ColumnCrypto.HostApp.dll"));
        start.Environment["COLUMNCRYPTO_HOSTAPP_CONNECTION"] = connectionString;
        start.Environment["COLUMNCRYPTO_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static System.Text.StringBuilder CollectOutput(Process process)
    {
        var output = new System.Text.StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    /// <summary>Until a session of the application waits for the key table's lock (the host is inside StartAsync).</summary>
    private static async Task WaitUntilWaitingForLockAsync(string connectionString, Process app, System.Text.StringBuilder output)
    {
        // Its own session: pg_stat_activity is a snapshot per transaction, and the locking session's never ends here.
        await using var observer = new NpgsqlConnection(connectionString);
        await observer.OpenAsync();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(app.HasExited, $"the application exited early with {(app.HasExited ? app.ExitCode : 0)}:\n{output}");
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", observer);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The application never waited for the key table.");
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
