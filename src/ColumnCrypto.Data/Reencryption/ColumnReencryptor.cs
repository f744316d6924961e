using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Coverage;
using ColumnCrypto.Data.BlindIndexes;
using ColumnCrypto.Search;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Moves the values of every recorded encrypted column onto the newest data key, so older keys can be retired, and
/// encrypts legacy plaintext in columns being migrated (in a searchable column writing each value's blind index in the
/// same UPDATE; a re-encrypted value keeps its index). Safe to run while the application works, in several workers
/// and instances at once (PostgreSQL), and to stop at any moment: see <see cref="RunAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var reencryptor = ColumnReencryptor.Create(context.GetColumnCryptoDatabase(), app.Services);
/// ReencryptionRunResult result = await reencryptor.RunAsync(cancellationToken);
/// </code>
/// </example>
public sealed class ColumnReencryptor
{
    private readonly ColumnEncryptor _encryptor;
    private readonly BlindIndex _blindIndex;
    private readonly IDataKeyManager _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReencryptionMetrics _metrics;
    private readonly ProgressStore _progress;
    private readonly EncryptedColumnRegistry _registry;
    private int _workerSequence;

    internal ColumnReencryptor(ColumnCryptoDatabase database, ColumnEncryptor encryptor, BlindIndex blindIndex, IDataKeyManager keys, ReencryptionOptions options, ILoggerFactory loggers, TimeProvider time, ReencryptionMetrics metrics)
    {
        Database = database;
        Options = options;
        _encryptor = encryptor;
        _blindIndex = blindIndex;
        _keys = keys;
        _time = time;
        _logger = loggers.CreateLogger<ColumnReencryptor>();
        _metrics = metrics;
        _progress = new ProgressStore(database, time);
        _registry = new EncryptedColumnRegistry(database, loggers.CreateLogger<EncryptedColumnRegistry>(), time);
    }

    /// <summary>The database worked on.</summary>
    public ColumnCryptoDatabase Database { get; }

    /// <summary>Batch size, pause and workers.</summary>
    public ReencryptionOptions Options { get; }

    internal ReencryptionHooks Hooks { get; } = new();

    /// <summary>
    /// A re-encryptor using the ColumnCrypto services registered by <c>AddColumnCrypto</c> (encryptor, key manager,
    /// logging, <see cref="TimeProvider"/>, metrics) on <paramref name="database"/>.
    /// </summary>
    /// <param name="database">Where the encrypted columns and ColumnCrypto's tables are.</param>
    /// <param name="services">The application's (or tool's) services.</param>
    /// <param name="options">Batch size, pause and workers; by default the <c>reencryption:</c> section of the ColumnCrypto options.</param>
    public static ColumnReencryptor Create(ColumnCryptoDatabase database, IServiceProvider services, ReencryptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(services);
        var effective = options ?? services.GetService<IOptions<ColumnCryptoOptions>>()?.Value.Reencryption ?? new ReencryptionOptions();
        effective.Validate();
        return new ColumnReencryptor(
            database,
            services.GetRequiredService<ColumnEncryptor>(),
            services.GetRequiredService<BlindIndex>(),
            services.GetRequiredService<IDataKeyManager>(),
            effective,
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            ReencryptionMetrics.For(services));
    }

    /// <summary>
    /// Re-encrypts every recorded column whose values are not all on the newest key: reloads the keys, takes the newest
    /// version as the target, and works table by table (all encrypted columns of a row in one write). Each batch is one
    /// transaction whose writes only apply where the value is still the one that was read, so the application's own
    /// writes always win; on PostgreSQL the batch's rows are locked with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so other workers
    /// and instances take other rows. Progress is stored after every batch. Cancelling (or a crash) loses at most the
    /// current batch, which is rolled back; the next run continues with the rows not done.
    /// </summary>
    /// <returns>What was done, per column, and what remains.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled; finished batches stay done.</exception>
    public async Task<ReencryptionRunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        await _keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var target = await _keys.GetCurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        var columns = await _registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false);
        var plans = TablePlans.Create(columns, Database.Dialect);
        ReencryptionLog.RunStarted(_logger, target, plans.Count);

        var results = new List<ColumnReencryptionResult>();
        var failedTables = new List<string>();
        long rows = 0;
        foreach (var plan in plans)
        {
            var outcome = await RunTableAsync(plan, target, cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                failedTables.Add(plan.Name);
                continue;
            }

            results.AddRange(outcome.Value.Columns);
            rows += outcome.Value.Rows;
        }

        await MarkMigratedIndexesReadyAsync(columns, results, cancellationToken).ConfigureAwait(false);
        var result = new ReencryptionRunResult(target, results, failedTables, rows, _time.GetElapsedTime(started));
        var remaining = results.Sum(c => c.Remaining);
        ReencryptionLog.RunFinished(_logger, result.Elapsed, rows, target, remaining);
        return result;
    }

    /// <summary>The progress of the latest run of every column, as stored in the database (all instances' work).</summary>
    public Task<IReadOnlyList<ReencryptionProgress>> GetProgressAsync(CancellationToken cancellationToken = default) =>
        _progress.ReadAsync(cancellationToken);

    private async Task<(IReadOnlyList<ColumnReencryptionResult> Columns, long Rows)?> RunTableAsync(TablePlan plan, int target, CancellationToken cancellationToken)
    {
        IReadOnlyList<ColumnKeyCoverage> before;
        await using (var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                before = await KeyCoverageReader.CountAsync(connection, plan, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                // The registry names a table or column the database does not have (dropped, renamed): skip it, do the rest.
                ReencryptionLog.TableSkipped(_logger, e, plan.Name);
                await _progress.SetFailedAsync(plan, cancellationToken).ConfigureAwait(false);
                return null;
            }

            var run = new TableRun(plan, target, before, _time, _logger, _metrics);
            var workers = WorkerCount();
            var first = WorkerName();
            await _progress.SetAsync(connection, plan, target, before, new long[plan.Columns.Count], "running", 0, first, starting: true, cancellationToken).ConfigureAwait(false);
            if (run.RemainingAtStart > 0)
            {
                var names = string.Join(", ", plan.Columns.Select(c => c.Name));
                var total = before.Sum(c => c.Total);
                ReencryptionLog.TableStarted(_logger, plan.Name, names, run.RemainingAtStart, total, target, workers);
                var starts = await StartKeysAsync(connection, plan, workers, before.Max(c => c.Total), cancellationToken).ConfigureAwait(false);
                var tasks = Enumerable.Range(0, workers)
                    .Select(i => new TableWorker(Database, run, _encryptor, _blindIndex, Options, _progress, Hooks, _time, i == 0 ? first : WorkerName()).RunAsync(starts[i], cancellationToken))
                    .ToList();
                try
                {
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Where it stopped, for the operator: committed batches stay done, the current one was rolled back.
                    var lastRow = run.LastKey is { } key ? $"{string.Join(", ", plan.KeyColumns)} = {key}" : "none";
                    ReencryptionLog.TableStopped(_logger, plan.Name, run.DoneNow, run.TotalAtStart, target, run.RowsWritten, lastRow, workers);
                    throw;
                }
            }

            var after = await KeyCoverageReader.CountAsync(connection, plan, cancellationToken).ConfigureAwait(false);
            var results = plan.Columns.Select(c => run.Result(c.Index, after[c.Index])).ToList();
            var remaining = results.Sum(r => r.Remaining);
            await _progress.SetAsync(connection, plan, target, after, [.. plan.Columns.Select(c => run.Failed(c.Index))], remaining == 0 ? "done" : "incomplete", run.RowsPerSecond, first, starting: false, cancellationToken).ConfigureAwait(false);
            foreach (var column in results)
            {
                _metrics.SetRemaining(plan.Name, column.Column, column.Remaining);
            }

            if (run.RemainingAtStart > 0)
            {
                run.LogProgress();
                var (reencrypted, encrypted) = (results.Sum(r => r.Reencrypted), results.Sum(r => r.EncryptedPlaintext));
                var (changed, failed) = (results.Sum(r => r.ChangedMeanwhile), results.Sum(r => r.Failed));
                var (written, elapsed, rate) = (run.RowsWritten, run.Elapsed, run.RowsPerSecond);
                ReencryptionLog.TableFinished(_logger, plan.Name, reencrypted, encrypted, changed, failed, remaining, written, elapsed, rate);
            }

            return (results, run.RowsWritten);
        }
    }

    /// <summary>
    /// A searchable column being migrated from plaintext is recorded as building (its rows had values without an
    /// index); this run wrote each encrypted value's index with it, so once no plaintext remains and every row has an
    /// index the column is marked ready, and lookups work with no separate index build. (Should a run stop between its
    /// last batch and this check, <c>BlindIndexBuilder.RunAsync</c> marks it ready.)
    /// </summary>
    private async Task MarkMigratedIndexesReadyAsync(IReadOnlyList<EncryptedColumnRegistration> columns, List<ColumnReencryptionResult> results, CancellationToken cancellationToken)
    {
        var migrated = columns.Where(c => c.BlindIndex is { Status: BlindIndexStatus.Building }
            && results.Any(r => r.Schema == c.Schema && r.Table == c.Table && r.Column == c.Column && r.EncryptedPlaintext > 0 && r.Remaining == 0)).ToList();
        foreach (var plan in BlindIndexTablePlan.Create(migrated, Database.Dialect))
        {
            var counted = await BlindIndexCompletion.CountAsync(Database, plan, cancellationToken).ConfigureAwait(false);
            foreach (var column in plan.Columns)
            {
                await BlindIndexCompletion.MarkReadyIfCompleteAsync(_registry, _blindIndex, column.Registration, counted[column.Index], _logger, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Where each worker of this process starts: worker i after the key at i/N of the table (approximately: the largest
    /// column's value count stands in for the row count), worker 0 at the start.
    /// </summary>
    private static async Task<object[]?[]> StartKeysAsync(DbConnection connection, TablePlan plan, int workers, long rows, CancellationToken cancellationToken)
    {
        var starts = new object[]?[workers];
        for (var i = 1; i < workers; i++)
        {
            await using var command = DbCommands.Create(connection, plan.KeyAtOffsetQuery());
            command.Add("@offset", rows * i / workers);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                starts[i] = [.. Enumerable.Range(0, plan.KeyColumns.Count).Select(reader.GetValue)];
            }
        }

        return starts;
    }

    private int WorkerCount()
    {
        if (Database.Dialect.LocksRowsOnRead || Options.Workers == 1)
        {
            return Options.Workers;
        }

        ReencryptionLog.SingleWorker(_logger, Options.Workers);
        return 1;
    }

    private string WorkerName() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Interlocked.Increment(ref _workerSequence)}");
}
