using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;

namespace ColumnCrypto.Cli.Commands;

/// <summary><c>retire --version N</c>: marks a data key retired; refused while any stored value still uses it.</summary>
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
            "Retire a data key version: it is no longer loaded or unwrapped. Refused while any encrypted value still uses it (run 'reencrypt' first) " +
            "and for the newest key.")
        {
            version,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(version), ct),
            cancellationToken));
        return command;
    }

    private static Task<int> ExecuteAsync(CliSession session, int version, CancellationToken cancellationToken)
    {
        _ = session;
        _ = version;
        _ = cancellationToken;
        throw CliException.NotAvailable("retire", "the key retirement API (ColumnCrypto.EntityFrameworkCore re-encryption and coverage)");
    }
}
