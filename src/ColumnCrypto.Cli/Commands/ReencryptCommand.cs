using System.CommandLine;
using System.Globalization;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.Configuration;
using ColumnCrypto.Data.Reencryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>reencrypt</c>: moves every value of the recorded encrypted columns to the newest data key, in batches (one
/// transaction each), showing a progress bar per column. Resumable: the library records progress after every batch,
/// so an interrupted run continues with the rows not done. Safe while applications run: their writes win.
/// </summary>
internal sealed class ReencryptCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create(CommandRunner runner)
    {
        var batchSize = new Option<int?>("--batch-size")
        {
            Description = $"Rows per batch, each batch one transaction (1 to {ReencryptionOptions.MaxBatchSize}). Default: reencryption.batchSize, or {ReencryptionOptions.DefaultBatchSize}.",
        };
        batchSize.Validators.Add(result =>
        {
            // The configuration's own rule, so the range is written down once.
            try
            {
                new ReencryptionOptions { BatchSize = result.GetValueOrDefault<int?>() ?? ReencryptionOptions.DefaultBatchSize }.Validate();
            }
            catch (ColumnCryptoConfigurationException e)
            {
                result.AddError($"--batch-size: {e.Message}");
            }
        });
        var command = new Command("reencrypt",
            "Re-encrypt every value of the recorded encrypted columns that is not on the newest data key, in batches, with a progress bar. " +
            "Resumable: an interrupted run continues where it stopped when run again. Safe while applications run.")
        {
            batchSize,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(batchSize), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, int? batchSize, CancellationToken cancellationToken)
    {
        var configured = session.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Reencryption;
        var options = new ReencryptionOptions
        {
            BatchSize = batchSize ?? configured.BatchSize,
            PauseBetweenBatches = configured.PauseBetweenBatches,
            Workers = configured.Workers,
        };

        // The keys must unwrap before anything is read (exit 5 otherwise); the newest is the target.
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var target = await session.Keys.GetCurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        var before = await ColumnCoverageReport.LoadAsync(session, cancellationToken).ConfigureAwait(false);
        if (before.UnavailableReason is not null)
        {
            throw new CliException(ExitCodes.Error, $"Nothing to re-encrypt: {before.UnavailableReason}");
        }

        var reencryptor = ColumnReencryptor.Create(session.CryptoDatabase, session.Services, options);
        var output = session.Output;
        output.Text($"Re-encrypting {before.ValuesBelow(target):N0} value(s) on older keys to data key version {target} (batches of {options.BatchSize}).");
        var result = output.Json
            ? await reencryptor.RunAsync(cancellationToken).ConfigureAwait(false)
            : await RunWithProgressAsync(output, reencryptor, before, target, cancellationToken).ConfigureAwait(false);

        var table = new Table().Title($"Re-encryption to version {result.TargetVersion}")
            .AddColumns("Column", "Moved", "Plaintext encrypted", "Changed by the app meanwhile", "Failed", "Remaining", "Values");
        foreach (var column in result.Columns)
        {
            table.AddRow(
                Markup.Escape(string.IsNullOrEmpty(column.Schema) ? $"{column.Table}.{column.Column}" : $"{column.Schema}.{column.Table}.{column.Column}"),
                N(column.Reencrypted), N(column.EncryptedPlaintext), N(column.ChangedMeanwhile), N(column.Failed), N(column.Remaining), N(column.Total));
        }

        output.Render(table);
        foreach (var failed in result.FailedTables)
        {
            output.Text($"Table not re-encrypted: {failed}");
        }

        output.Text(string.Create(CultureInfo.InvariantCulture,
            $"{result.Reencrypted:N0} value(s) moved in {result.RowsWritten:N0} row(s) in {result.Elapsed.TotalSeconds:0.0} s ({result.RowsPerSecond:0} rows/s)."));
        output.Document(new
        {
            ok = result.Complete,
            targetVersion = result.TargetVersion,
            complete = result.Complete,
            reencrypted = result.Reencrypted,
            encryptedPlaintext = result.EncryptedPlaintext,
            changedMeanwhile = result.ChangedMeanwhile,
            failed = result.Failed,
            rowsWritten = result.RowsWritten,
            elapsedSeconds = result.Elapsed.TotalSeconds,
            columns = result.Columns,
            failedTables = result.FailedTables,
        });

        if (result.Failed > 0 || result.FailedTables.Count > 0)
        {
            throw CliException.VerificationFailed(
                $"{result.Failed} value(s) could not be re-encrypted and {result.FailedTables.Count} table(s) could not be read; they were left unchanged. " +
                "Run 'columncrypto verify' to list them by table, column, key version and row.");
        }

        if (!result.Complete)
        {
            throw new CliException(ExitCodes.Error,
                $"{result.Columns.Sum(c => c.Remaining)} value(s) are still on older keys (rows taken by another worker, or written by an instance with stale keys). Run 'columncrypto reencrypt' again.");
        }

        output.Text($"Every value is on data key version {target}. Older keys can now be retired: columncrypto retire --version N.");
        return ExitCodes.Success;
    }

    /// <summary>Runs the re-encryption while polling the progress the library stores after every batch.</summary>
    private static async Task<ReencryptionRunResult> RunWithProgressAsync(
        CliOutput output, ColumnReencryptor reencryptor, ColumnCoverageReport before, int target, CancellationToken cancellationToken)
    {
        return await output.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bars = before.Columns.ToDictionary(
                    c => (c.Schema ?? string.Empty, c.Table, c.Column),
                    c =>
                    {
                        var bar = context.AddTask(Markup.Escape(c.Name), maxValue: Math.Max(1, c.Total));
                        bar.Value = c.ValuesByVersion.Where(p => p.Key >= target).Sum(p => p.Value);
                        return bar;
                    });
                var run = reencryptor.RunAsync(cancellationToken);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(PollInterval, CancellationToken.None)).ConfigureAwait(false);
                    foreach (var progress in await reencryptor.GetProgressAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        if (progress.TargetVersion == target && bars.TryGetValue((progress.Schema ?? string.Empty, progress.Table, progress.Column), out var bar))
                        {
                            bar.MaxValue = Math.Max(1, progress.Total);
                            bar.Value = progress.Done;
                        }
                    }
                }

                var result = await run.ConfigureAwait(false);
                foreach (var column in result.Columns)
                {
                    if (bars.TryGetValue((column.Schema ?? string.Empty, column.Table, column.Column), out var bar))
                    {
                        bar.MaxValue = Math.Max(1, column.Total);
                        bar.Value = column.Total == 0 ? 1 : column.Total - column.Remaining;
                    }
                }

                return result;
            }).ConfigureAwait(false);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
