using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>status</c>: the data keys (version, created, age, rollover time, status, wrapping provider and key id), whether
/// they unwrap with the configured master key or KMS, and per encrypted column how many rows use each key version.
/// The key rows are shown even when they cannot be unwrapped, so a wrong master key is easy to diagnose. Also the
/// cipher backend the application would use (libsodium or the platform's AesGcm, and why).
/// </summary>
internal sealed class StatusCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("status",
            "Show the data keys (version, created, age, rolls over at, status, wrapping provider and key id) and, per encrypted column, rows per key version.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, ExecuteAsync, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, CancellationToken cancellationToken)
    {
        await session.RequireKeyTableAsync(cancellationToken).ConfigureAwait(false);
        var now = session.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var keys = DataKeyView.From(await session.KeyStore.GetAllAsync(cancellationToken).ConfigureAwait(false), now);

        // Chosen (and self-tested) as the application would; a cipher setting this machine cannot meet is a configuration error.
        var cipher = session.Services.GetRequiredService<CipherBackendInfo>();

        // Unwrapping every active key proves the configured master key or KMS key can read them.
        Exception? keyProblem = null;
        try
        {
            session.RequireMasterKey();
            await session.Keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ColumnCryptoException or CliException)
        {
            keyProblem = e;
        }

        var coverage = await ColumnCoverageReport.LoadAsync(session, cancellationToken).ConfigureAwait(false);

        var output = session.Output;
        output.Text($"Database: {session.Database.DisplayName}");
        output.Text($"Wrapping: {session.Configuration.WrappingDescription}");
        output.Text($"Cipher: {cipher}");
        if (keys.Count == 0)
        {
            output.Text("No data keys yet. Run 'columncrypto init'.");
        }
        else
        {
            output.Render(DataKeyView.Table(keys));
        }

        output.Text(keyProblem is null
            ? $"All {keys.Count(k => k.Status == "active")} active data key(s) unwrap with the configured key."
            : "The data keys cannot be unwrapped with the configured key (see the error below).");
        coverage.Render(output);

        output.Document(new
        {
            ok = keyProblem is null,
            database = session.Database.DisplayName,
            wrapping = session.Configuration.WrappingDescription,
            cipher = new
            {
                backend = CipherBackendInfo.SettingValue(cipher.Backend),
                requested = CipherBackendInfo.SettingValue(cipher.Requested),
                implementation = cipher.Implementation,
                reason = cipher.Reason,
                selfTestFailure = cipher.SelfTestFailure,
            },
            keysUnwrap = keyProblem is null,
            keyError = keyProblem is null ? null : FailureReport.OneLine(FailureReport.Describe(keyProblem).Message),
            currentVersion = keys.FirstOrDefault(k => k.Current)?.Version,
            keys,
            columns = coverage.Columns,
            columnsUnavailable = coverage.UnavailableReason,
        });

        if (keyProblem is not null)
        {
            throw keyProblem;
        }

        return ExitCodes.Success;
    }
}
