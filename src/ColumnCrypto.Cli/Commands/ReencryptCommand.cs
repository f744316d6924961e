using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;

namespace ColumnCrypto.Cli.Commands;

/// <summary><c>reencrypt</c>: moves every encrypted value to the newest data key, in batches, resumable.</summary>
internal sealed class ReencryptCommand
{
    public static Command Create(CommandRunner runner)
    {
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows per batch (each batch is one transaction). Default 500.",
            DefaultValueFactory = _ => 500,
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                result.AddError("--batch-size must be between 1 and 100000");
            }
        });
        var command = new Command("reencrypt",
            "Re-encrypt every encrypted value that is not on the newest data key, in batches, with a progress bar. Resumable: an interrupted run " +
            "continues where it stopped when run again.")
        {
            batchSize,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(batchSize), ct),
            cancellationToken));
        return command;
    }

    private static Task<int> ExecuteAsync(CliSession session, int batchSize, CancellationToken cancellationToken)
    {
        _ = session;
        _ = batchSize;
        _ = cancellationToken;
        throw CliException.NotAvailable("reencrypt", "the re-encryption API (ColumnCrypto.EntityFrameworkCore re-encryption)");
    }
}
