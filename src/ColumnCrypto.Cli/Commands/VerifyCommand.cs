using System.CommandLine;
using System.Globalization;
using ColumnCrypto.Data.Verification;
using ColumnCrypto.Search;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>verify</c>: unwraps and checks every active data key, then decrypts every value of every recorded encrypted
/// column, checks the blind index of every row of a searchable column against its value, and reports each problem by
/// table, column, kind, key version and row. Reads only; changes nothing.
/// </summary>
internal sealed class VerifyCommand
{
    private const int FailuresShown = 50;
    private const int FailuresKept = 10_000;

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("verify",
            "Unwrap every data key, decrypt every encrypted value and check every searchable column's blind index against its value; " +
            "report problems by table, column, kind, key version and row. Changes nothing. Exit code 4 when any value does not decrypt or any index is wrong.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, ExecuteAsync, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, CancellationToken cancellationToken)
    {
        // Every active key is unwrapped and its commitment checked; a failure is a key error (exit 5).
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var keys = await session.Keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var output = session.Output;
        var activeKeys = keys.Count(k => k.Status == Keys.DataKeyStatus.Active);
        output.Text($"Data keys: {activeKeys} active key(s) unwrap and pass their commitment check.");

        var coverage = await ColumnCoverageReport.LoadAsync(session, cancellationToken).ConfigureAwait(false);
        if (coverage.UnavailableReason is not null)
        {
            throw CliException.VerificationFailed($"The values were not verified: {coverage.UnavailableReason}");
        }

        var columns = await session.Registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false);
        var verifier = new EncryptedValueVerifier(session.Services.GetRequiredService<ColumnEncryptor>(), session.Services.GetRequiredService<BlindIndex>(), session.CryptoDatabase);
        var results = new List<ColumnVerification>();
        var totals = coverage.Columns.ToDictionary(c => (c.Schema ?? string.Empty, c.Table, c.Column), c => c.Total);
        if (output.Json)
        {
            foreach (var column in columns)
            {
                results.Add(await verifier.VerifyAsync(column, FailuresKept, cancellationToken: cancellationToken).ConfigureAwait(false));
            }
        }
        else
        {
            await output.Console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    foreach (var column in columns)
                    {
                        var total = totals.GetValueOrDefault((column.Schema ?? string.Empty, column.Table, column.Column));
                        var bar = context.AddTask(Markup.Escape($"{column.QualifiedTable}.{column.Column}"), maxValue: Math.Max(1, total));
                        var result = await verifier.VerifyAsync(column, FailuresKept, new Progress<long>(done => bar.Value = Math.Min(done, bar.MaxValue)), cancellationToken).ConfigureAwait(false);
                        bar.MaxValue = Math.Max(1, result.Checked);
                        bar.Value = bar.MaxValue;
                        results.Add(result);
                    }
                }).ConfigureAwait(false);
        }

        var failures = results.SelectMany(r => r.Failures).ToList();
        var failedCount = results.Sum(r => r.FailedCount);
        var indexFailed = results.Sum(r => r.IndexFailedCount);
        // The index columns only where some column is searchable, so the table stays narrow otherwise.
        var anySearchable = results.Any(r => r.IndexColumn is not null);
        var summary = new Table().Title("Verified values").AddColumns("Column", "Values", "Decrypt", "Plaintext", "Fail");
        if (anySearchable)
        {
            summary.AddColumns("Indexes", "Index fail", "Index pending");
        }

        foreach (var r in results)
        {
            string[] cells = [Markup.Escape($"{r.Table}.{r.Column}"), N(r.Checked), N(r.Checked - r.FailedCount - r.Plaintext), N(r.Plaintext), N(r.FailedCount)];
            var indexed = r.IndexColumn is not null && r.IndexesNotVerified is null;
            summary.AddRow(anySearchable
                ? [.. cells, r.IndexColumn is null ? "-" : indexed ? N(r.IndexesChecked) : "not verified", indexed ? N(r.IndexFailedCount) : "-", indexed ? N(r.IndexPending) : "-"]
                : cells);
        }

        output.Render(summary);
        foreach (var r in results.Where(r => r.IndexesNotVerified is not null))
        {
            output.Text($"The blind index of {r.Table}.{r.Column} ({r.IndexColumn}) was not verified: {r.IndexesNotVerified}");
        }

        if (failures.Count > 0)
        {
            var table = new Table().Title("Problems").AddColumns("Table", "Column", "Key version", "Row", "Reason");
            foreach (var f in failures.Take(FailuresShown))
            {
                var reason = f.Problem == VerificationProblem.ValueDoesNotDecrypt ? f.Reason : $"{Describe(f.Problem)}: {f.Reason}";
                table.AddRow(Markup.Escape(f.Table), Markup.Escape(f.Column), Version(f), Markup.Escape(f.Row), Markup.Escape(reason));
            }

            output.Render(table);
            if (failedCount + indexFailed > FailuresShown)
            {
                output.Text($"... and {failedCount + indexFailed - FailuresShown} more (--json lists up to {FailuresKept}).");
            }
        }

        output.Document(new
        {
            ok = failedCount == 0 && indexFailed == 0,
            activeKeys,
            values = results.Sum(r => r.Checked),
            plaintext = results.Sum(r => r.Plaintext),
            failed = failedCount,
            indexFailed,
            columns = results.Select(r => new
            {
                table = r.Table, column = r.Column, values = r.Checked, plaintext = r.Plaintext, failed = r.FailedCount,
                indexColumn = r.IndexColumn, indexes = r.IndexesChecked, indexFailed = r.IndexFailedCount, indexPending = r.IndexPending, indexesNotVerified = r.IndexesNotVerified,
            }),
            failures,
        });

        if (failedCount > 0)
        {
            var first = failures.FirstOrDefault(f => f.Problem == VerificationProblem.ValueDoesNotDecrypt) ?? failures[0];
            var indexes = indexFailed > 0 ? $"; {indexFailed} blind index(es) are wrong" : string.Empty;
            throw CliException.VerificationFailed(
                $"{failedCount} value(s) do not decrypt (first: {first.Table}.{first.Column} row {first.Row}, key version {first.KeyVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}){indexes}.");
        }

        if (indexFailed > 0)
        {
            var first = failures[0];
            throw CliException.VerificationFailed(
                $"{indexFailed} blind index(es) are wrong (first: {first.Table}.{first.Column} row {first.Row}, {Describe(first.Problem)}).");
        }

        var checkedIndexes = results.Sum(r => r.IndexesChecked);
        output.Text($"All {results.Sum(r => r.Checked):N0} value(s) in {results.Count} column(s) decrypt" +
            (checkedIndexes > 0 ? $"; all {checkedIndexes:N0} blind index(es) match their values." : "."));
        return ExitCodes.Success;
    }

    private static string Describe(VerificationProblem problem) => problem switch
    {
        VerificationProblem.ValueDoesNotDecrypt => "value does not decrypt",
        VerificationProblem.IndexMissing => "index missing",
        VerificationProblem.IndexMismatch => "index disagrees with the value",
        VerificationProblem.IndexKeyVersionNotActive => "index under an inactive index key",
        VerificationProblem.IndexWithoutValue => "index without a value",
        _ => problem.ToString(),
    };

    /// <summary>The data key version of a value, or the index key version of an index problem.</summary>
    private static string Version(ValueFailure failure) => failure.Problem == VerificationProblem.ValueDoesNotDecrypt
        ? failure.KeyVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"
        : failure.IndexKeyVersion is { } index ? string.Create(CultureInfo.InvariantCulture, $"index {index}") : "-";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
