using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Keys;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>retire --version N</c>: marks a data key retired, so no instance loads or unwraps it any more. Refused (exit 6)
/// while any value of a recorded column still uses it, for the newest key, and within the rollover check interval
/// after it was superseded (instances with stale keys may still write with it). Reactivation is possible until the
/// key is destroyed.
/// </summary>
internal sealed class RetireCommand
{
    public static Command Create(CommandRunner runner)
    {
        var version = new Option<int>("--version")
        {
            Description = "The data key version to retire (see 'columncrypto status').",
            Required = true,
        };
        var command = new Command("retire",
            "Retire a data key version: it is no longer loaded or unwrapped. Refused while any encrypted value still uses it (run 'reencrypt' first), " +
            "for the newest key, and within schedule.rollOverCheckInterval minutes of the rollover that superseded it.")
        {
            version,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(version), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, int version, CancellationToken cancellationToken)
    {
        // Proves the configured key reads the key table (exit 5 otherwise) before anything changes.
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var keys = (await session.KeyStore.ReadAsync(cancellationToken).ConfigureAwait(false)).Rows;
        var key = keys.FirstOrDefault(k => k.Version == version)
            ?? throw CliException.Usage($"There is no data key version {version}. Existing versions: {string.Join(", ", keys.Select(k => k.Version))}.");
        if (key.Status == DataKeyStatus.Retired)
        {
            session.Output.Text($"Data key version {version} is already retired.");
            session.Output.Document(new { ok = true, version, status = "retired", changed = false });
            return ExitCodes.Success;
        }

        // The library refuses (exit 6) when values still use the key, it is the newest, or it was superseded too recently.
        await session.Lifecycle.RetireAsync(version, cancellationToken).ConfigureAwait(false);
        session.Output.Text($"Data key version {version} is retired: it is no longer loaded or unwrapped (running instances drop it at their next key reload).");
        session.Output.Text("Keep backups of the key table: a retired key can be made active again to read values restored from an older backup.");
        session.Output.Document(new { ok = true, version, status = "retired", changed = true });
        return ExitCodes.Success;
    }
}
