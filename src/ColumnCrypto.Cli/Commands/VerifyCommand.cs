using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>verify</c>: unwraps and checks every data key, then decrypts every encrypted value and reports each failure by
/// table, column, key version and row. Changes nothing.
/// </summary>
internal sealed class VerifyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("verify",
            "Unwrap every data key and decrypt every encrypted value; report failures by table, column, key version and row. Changes nothing. " +
            "Exit code 4 when any value does not decrypt.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, ExecuteAsync, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, CancellationToken cancellationToken)
    {
        session.RequireMasterKey();
        session.Database.EnsureExists();

        // Every active key is unwrapped and its commitment checked; a failure is a key error (exit 5).
        await session.Keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var keys = await session.Keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        session.Output.Text($"Data keys: {keys.Count(k => k.Status == Keys.DataKeyStatus.Active)} active key(s) unwrap and pass their commitment check.");
        throw CliException.NotAvailable("verify", "the encrypted-columns registry needed to find the values to decrypt");
    }
}
