using System.CommandLine;
using System.Globalization;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Data.BlindIndexes;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>index</c>: the blind indexes of searchable columns. <c>index build</c> backfills and rebuilds them (a column made
/// searchable over existing rows, rows on an older index key after <c>index rotate-key</c>), resumable and safe while
/// applications run; <c>index status</c> shows the index keys and how many rows each column has on each version;
/// <c>index rotate-key</c> and <c>index retire-key</c> manage the index keys (never touched by data-key rollovers).
/// </summary>
internal sealed class IndexCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("index",
            "Blind indexes of searchable columns: build (backfill and rebuild, resumable), status, rotate-key (a new index key, for a suspected " +
            "index-key compromise) and retire-key (once no index uses it).");
        command.Subcommands.Add(Build(runner));
        command.Subcommands.Add(Status(runner));
        command.Subcommands.Add(RotateKey(runner));
        command.Subcommands.Add(RetireKey(runner));
        return command;
    }

    private static Command Build(CommandRunner runner)
    {
        var batchSize = new Option<int?>("--batch-size") { Description = $"Rows per batch, each batch one transaction (1 to {ReencryptionOptions.MaxBatchSize})." };
        var command = new Command("build",
            "Index every row of every searchable column whose blind index is missing, on an older index key or under another normalization, in " +
            "batches with a progress bar; columns become ready for lookups when complete. Resumable and safe while applications run.")
        {
            batchSize,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => BuildAsync(session, parseResult.GetValue(batchSize), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> BuildAsync(CliSession session, int? batchSize, CancellationToken cancellationToken)
    {
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var options = batchSize is { } size ? new ReencryptionOptions { BatchSize = size } : null;
        var builder = BlindIndexBuilder.Create(session.CryptoDatabase, session.Services, options);
        var coverage = await builder.GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        if (coverage.Count == 0)
        {
            throw new CliException(ExitCodes.Error,
                "No searchable column is recorded in the registry (columncrypto_blind_indexes): start the application once (it records its model), then run this again.");
        }

        var output = session.Output;
        BlindIndexRunResult result;
        if (output.Json)
        {
            result = await builder.RunAsync(null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = await output.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var target = session.Services.GetRequiredService<BlindIndex>().WriteVersion;
                    var bars = coverage.ToDictionary(c => $"{c.Table}.{c.Column}", c =>
                    {
                        var bar = context.AddTask(Markup.Escape(Name(c.Schema, c.Table, c.Column)), maxValue: Math.Max(1, c.Total));
                        bar.Value = c.On(target);
                        return bar;
                    });
                    var progress = new BarProgress(bars);
                    var run = await builder.RunAsync(progress, cancellationToken).ConfigureAwait(false);
                    foreach (var bar in bars.Values)
                    {
                        bar.Value = bar.MaxValue;
                    }

                    return run;
                }).ConfigureAwait(false);
        }

        var table = new Table().Title($"Blind indexes on index key version {result.TargetVersion}").AddColumns("Column", "Indexed now", "Changed by the app meanwhile", "Failed", "Remaining", "Rows");
        foreach (var column in result.Columns)
        {
            table.AddRow(Markup.Escape(Name(column.Schema, column.Table, column.Column)), N(column.Indexed), N(column.ChangedMeanwhile), N(column.Failed), N(column.Remaining), N(column.Total));
        }

        output.Render(table);
        foreach (var duplicate in result.Duplicates)
        {
            output.Text($"Duplicate under a unique index: {duplicate.Table}.{duplicate.Column} row {duplicate.Row} holds the same value as row {duplicate.ConflictsWith}; left on its old index.");
        }

        output.Document(new
        {
            ok = result.Complete && result.Duplicates.Count == 0 && result.Failed == 0,
            targetVersion = result.TargetVersion,
            complete = result.Complete,
            indexed = result.Indexed,
            failed = result.Failed,
            columns = result.Columns,
            duplicates = result.Duplicates,
            elapsedSeconds = result.Elapsed.TotalSeconds,
        });

        if (result.Failed > 0 || result.Duplicates.Count > 0)
        {
            throw CliException.VerificationFailed(
                $"{result.Failed} row(s) could not be indexed and {result.Duplicates.Count} duplicate(s) were found; they keep their old index. " +
                "Resolve the duplicates (the rows hold equal values under a unique index), run 'columncrypto verify' for the others, then run 'columncrypto index build' again.");
        }

        if (!result.Complete)
        {
            throw new CliException(ExitCodes.Error, $"{result.Columns.Sum(c => c.Remaining)} row(s) still need an index (rows locked by another worker). Run 'columncrypto index build' again.");
        }

        output.Text($"Every searchable column is indexed under index key version {result.TargetVersion} and ready for lookups.");
        return ExitCodes.Success;
    }

    private static Command Status(CommandRunner runner)
    {
        var command = new Command("status", "Show the blind-index keys and, per searchable column, how many rows are indexed under each index key version and how many have no index.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, StatusAsync, cancellationToken));
        return command;
    }

    private static async Task<int> StatusAsync(CliSession session, CancellationToken cancellationToken)
    {
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var keys = await session.Services.GetRequiredService<BlindIndexKeyLifecycle>().GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var coverage = await BlindIndexBuilder.Create(session.CryptoDatabase, session.Services).GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        var output = session.Output;
        var keyTable = new Table().Title("Blind-index keys").AddColumns("Version", "Status", "Created", "Wrapped by");
        foreach (var key in keys)
        {
            keyTable.AddRow(N(key.Version), key.Status.ToString(), key.CreatedAt.ToString("u", CultureInfo.InvariantCulture), Markup.Escape($"{key.WrappingProvider}:{key.WrappingKeyId}"));
        }

        output.Render(keyTable);
        var columns = new Table().Title("Searchable columns").AddColumns("Column", "Indexes by version", "Without index", "Rows");
        foreach (var column in coverage)
        {
            columns.AddRow(Markup.Escape(Name(column.Schema, column.Table, column.Column)),
                string.Join(", ", column.IndexesByVersion.Select(p => string.Create(CultureInfo.InvariantCulture, $"v{p.Key}: {p.Value:N0}"))), N(column.Missing), N(column.Total));
        }

        output.Render(columns);
        output.Document(new
        {
            ok = true,
            keys = keys.Select(k => new { version = k.Version, status = StatusName(k.Status), createdAt = k.CreatedAt, wrappingProvider = k.WrappingProvider, wrappingKeyId = k.WrappingKeyId }),
            columns = coverage,
        });
        return ExitCodes.Success;
    }

    private static Command RotateKey(CommandRunner runner)
    {
        var command = new Command("rotate-key",
            "Create a new blind-index key version: new indexes use it at once (other instances from their next key refresh), lookups match both " +
            "versions until 'index build' has rebuilt every index, then retire the old version with 'index retire-key'.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, RotateKeyAsync, cancellationToken));
        return command;
    }

    private static async Task<int> RotateKeyAsync(CliSession session, CancellationToken cancellationToken)
    {
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var version = await session.Services.GetRequiredService<BlindIndexKeyLifecycle>().RotateAsync(cancellationToken).ConfigureAwait(false);
        session.Output.Text($"Created blind-index key version {version}. Rebuild the indexes with 'columncrypto index build', then retire the old version with 'columncrypto index retire-key --version N'.");
        session.Output.Document(new { ok = true, version });
        return ExitCodes.Success;
    }

    private static Command RetireKey(CommandRunner runner)
    {
        var version = new Option<int>("--version") { Description = "The blind-index key version to retire (see 'columncrypto index status').", Required = true };
        var command = new Command("retire-key",
            "Retire a blind-index key version: lookups no longer match it. Refused for the newest version and while any stored index uses it or any row has no index (run 'index build' first).")
        {
            version,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => RetireKeyAsync(session, parseResult.GetValue(version), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RetireKeyAsync(CliSession session, int version, CancellationToken cancellationToken)
    {
        await session.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var lifecycle = session.Services.GetRequiredService<BlindIndexKeyLifecycle>();
        if ((await lifecycle.GetKeysAsync(cancellationToken).ConfigureAwait(false)).All(k => k.Version != version))
        {
            throw CliException.Usage($"There is no blind-index key version {version} (see 'columncrypto index status').");
        }

        // The library refuses (exit 6) for the newest version and while any index uses it.
        await lifecycle.RetireAsync(version, cancellationToken).ConfigureAwait(false);
        session.Output.Text($"Blind-index key version {version} is retired: lookups no longer match it (running instances drop it at their next key refresh).");
        session.Output.Document(new { ok = true, version, status = StatusName(DataKeyStatus.Retired) });
        return ExitCodes.Success;
    }

    private static string StatusName(DataKeyStatus status) => status switch
    {
        DataKeyStatus.Active => "active",
        DataKeyStatus.Retired => "retired",
        DataKeyStatus.Destroyed => "destroyed",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    private static string Name(string? schema, string table, string column) => string.IsNullOrEmpty(schema) ? $"{table}.{column}" : $"{schema}.{table}.{column}";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Moves each column's bar with the rows the builder reports for it.</summary>
    private sealed class BarProgress(Dictionary<string, ProgressTask> bars) : IProgress<(string Column, long Indexed)>
    {
        private readonly Dictionary<string, double> _start = bars.ToDictionary(p => p.Key, p => p.Value.Value);

        public void Report((string Column, long Indexed) value)
        {
            if (bars.TryGetValue(value.Column, out var bar))
            {
                bar.Value = Math.Min(bar.MaxValue, _start[value.Column] + value.Indexed);
            }
        }
    }
}
