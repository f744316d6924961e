using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Keys.Lifecycle;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>new-key-ring --confirm TEXT</c>: the one explicit operator action that creates a data key on an empty key table
/// although encrypted columns hold values under lost keys (which start-up, <c>init</c> and <c>rotate</c> refuse). The
/// values under the lost keys stay unreadable; the new key is numbered above every version they name.
/// </summary>
internal sealed class NewKeyRingCommand
{
    public static Command Create(CommandRunner runner)
    {
        var confirm = new Option<string>("--confirm")
        {
            Description = $"The exact text \"{DataKeyLifecycle.NewKeyRingConfirmation}\".",
            Required = true,
        };
        var command = new Command("new-key-ring",
            "Start a new key ring on an empty key table although encrypted columns hold values under the lost keys, which stay unreadable. " +
            "Restore the key table (with its ring head) from a backup instead whenever you can.")
        {
            confirm,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(confirm)!, ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, string confirmation, CancellationToken cancellationToken)
    {
        if (!string.Equals(confirmation, DataKeyLifecycle.NewKeyRingConfirmation, StringComparison.Ordinal))
        {
            throw CliException.Usage($"Starting a new key ring abandons the values under the lost keys. To confirm, pass --confirm \"{DataKeyLifecycle.NewKeyRingConfirmation}\".");
        }

        await session.RequireKeyTableAsync(cancellationToken).ConfigureAwait(false);
        session.RequireMasterKey();
        var version = await session.Lifecycle.StartNewKeyRingAsync(confirmation, cancellationToken).ConfigureAwait(false);
        session.Output.Text($"Started a new key ring: data key version {version} encrypts new values. Values under older versions (the lost key ring) stay unreadable.");
        session.Output.Document(new { ok = true, currentVersion = version });
        return ExitCodes.Success;
    }
}
