using System.CommandLine;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>rotate</c>: creates a new data key now, whatever the schedule. New values use it as soon as running
/// applications reload their keys (at once for a value that names it; otherwise at their next schedule check);
/// existing values keep their key until <c>reencrypt</c> moves them.
/// </summary>
internal sealed class RotateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("rotate",
            "Create a new data key now, whatever the rollover schedule. Existing values keep their key until 'reencrypt' moves them.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, ExecuteAsync, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, CancellationToken cancellationToken)
    {
        // Loading first proves the existing keys unwrap: no key is minted on top of a table that cannot be read.
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var previous = (await session.Keys.GetKeysAsync(cancellationToken).ConfigureAwait(false))
            .Where(k => k.Status == Keys.DataKeyStatus.Active).Select(k => (int?)k.Version).Max();
        var version = await session.Lifecycle.RotateAsync(cancellationToken).ConfigureAwait(false);
        var keys = DataKeyView.From(
            (await session.KeyStore.ReadAsync(cancellationToken).ConfigureAwait(false)).Rows,
            session.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        var created = keys.Single(k => k.Version == version);

        session.Output.Text(
            $"Created data key version {version} (wrapped by {created.WrappingProvider} key '{created.WrappingKeyId}', rolls over at {Formatting.Time(created.RollsOverAt)}).");
        session.Output.Text(previous is { } p
            ? $"New values are encrypted with version {version}; values under version {p} and older stay readable. Run 'columncrypto reencrypt' to move them."
            : $"New values are encrypted with version {version}.");
        session.Output.Document(new { ok = true, previousVersion = previous, currentVersion = version, keys });
        return ExitCodes.Success;
    }
}
