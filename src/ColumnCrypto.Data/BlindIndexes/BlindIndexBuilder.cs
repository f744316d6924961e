using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Configuration;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>
/// Builds the blind indexes of every recorded searchable column: the backfill when an existing column becomes
/// searchable, the rebuild after its normalization changes or after an index-key rotation (rows move to the newest
/// index key; lookups match both keys meanwhile). Resumable (rows done are no longer candidates), safe while the
/// application runs (its writes win), and on PostgreSQL shared with other instances through <c>SKIP LOCKED</c>. When a
/// column has no row left to do, the registry marks its index ready and lookups on it are allowed. Data-key rollovers
/// and the re-encryption of encrypted values never touch an index; besides the application, only this and the plaintext
/// migration (which indexes each value it encrypts) write them.
/// </summary>
/// <example>
/// <code>
/// var builder = BlindIndexBuilder.Create(context.GetColumnCryptoDatabase(), app.Services);
/// BlindIndexRunResult result = await builder.RunAsync();
/// </code>
/// </example>
public sealed class BlindIndexBuilder : IBlindIndexUsage
{
    private readonly ColumnCryptoDatabase _database;
    private readonly ColumnEncryptor _encryptor;
    private readonly BlindIndex _index;
    private readonly ReencryptionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EncryptedColumnRegistry _registry;

    private readonly BlindIndexKeyLifecycle? _keys;
    private readonly TimeSpan _refreshInterval;

    internal BlindIndexBuilder(ColumnCryptoDatabase database, ColumnEncryptor encryptor, BlindIndex index, ReencryptionOptions options, ILoggerFactory loggers, TimeProvider time,
        BlindIndexKeyLifecycle? keys = null, TimeSpan refreshInterval = default)
    {
        _keys = keys;
        _refreshInterval = refreshInterval;
        _database = database;
        _encryptor = encryptor;
        _index = index;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<BlindIndexBuilder>();
        _registry = new EncryptedColumnRegistry(database, loggers.CreateLogger<EncryptedColumnRegistry>(), time);
    }

    internal ReencryptionHooks Hooks { get; } = new();

    /// <summary>A builder using the ColumnCrypto services registered by <c>AddColumnCrypto</c>, on <paramref name="database"/>.</summary>
    /// <param name="database">Where the searchable columns and ColumnCrypto's tables are.</param>
    /// <param name="services">The application's (or tool's) services.</param>
    /// <param name="options">Batch size; by default the <c>reencryption:</c> settings.</param>
    public static BlindIndexBuilder Create(ColumnCryptoDatabase database, IServiceProvider services, ReencryptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(services);
        var configured = services.GetService<IOptions<ColumnCryptoOptions>>()?.Value;
        var effective = options ?? configured?.Reencryption ?? new ReencryptionOptions();
        effective.Validate();
        return new BlindIndexBuilder(database, services.GetRequiredService<ColumnEncryptor>(), services.GetRequiredService<BlindIndex>(), effective,
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<BlindIndexKeyLifecycle>(), TimeSpan.FromMinutes(configured?.Schedule.RollOverCheckInterval ?? 60));
    }

    /// <summary>
    /// Indexes every row of every searchable column whose index is missing, on an older index key, or under another
    /// normalization, then counts again and marks complete columns ready. Cancelling loses at most the current batch.
    /// </summary>
    /// <param name="progress">Told, per column (<c>table.column</c>), the rows indexed so far in this run.</param>
    /// <param name="cancellationToken">Stops between batches; finished batches stay done.</param>
    public async Task<BlindIndexRunResult> RunAsync(IProgress<(string Column, long Indexed)>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        await _index.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var target = _index.WriteVersion;
        await EnsureEveryInstanceKnowsAsync(target, cancellationToken).ConfigureAwait(false);
        var plans = BlindIndexTablePlan.Create(await _registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false), _database.Dialect);
        BlindIndexLog.RunStarted(_logger, target, plans.Count);
        var columns = new List<ColumnBlindIndexResult>();
        var duplicates = new List<BlindIndexDuplicate>();
        foreach (var plan in plans)
        {
            var worker = new BlindIndexWorker(_database, plan, target, _encryptor, _index, _options.BatchSize, Hooks, _logger);
            var name = plan.Columns.Count == 1 ? $"{plan.Name}.{plan.Columns[0].Registration.Column}" : plan.Name;
            await worker.RunAsync(progress is null ? null : new Progress<long>(n => progress.Report((name, n))), cancellationToken).ConfigureAwait(false);
            duplicates.AddRange(worker.Duplicates);
            var coverage = await CountAsync(plan, cancellationToken).ConfigureAwait(false);
            foreach (var column in plan.Columns)
            {
                var counted = coverage[column.Index];
                var remaining = counted.Total - counted.On(target);
                var registration = column.Registration;
                columns.Add(new ColumnBlindIndexResult(plan.Schema, plan.Table, registration.Column, column.IndexColumn,
                    worker.Indexed[column.Index], worker.Changed[column.Index], worker.Failed[column.Index], remaining, counted.Total));
                var columnDuplicates = worker.Duplicates.Count(d => d.Column == registration.Column);
                BlindIndexLog.ColumnFinished(_logger, plan.Name, registration.Column, worker.Indexed[column.Index], worker.Changed[column.Index],
                    worker.Failed[column.Index], columnDuplicates, remaining, counted.Total);

                await BlindIndexCompletion.MarkReadyIfCompleteAsync(_registry, _index, registration, counted, _logger, cancellationToken).ConfigureAwait(false);
            }
        }

        return new BlindIndexRunResult(target, columns, duplicates, _time.GetElapsedTime(started));
    }

    /// <summary>
    /// After an index-key rotation, rows move to the new version only once every running instance can match it: each
    /// reloads the key ring within <c>schedule.rollOverCheckInterval</c>, and an instance that has not would miss the
    /// rebuilt rows in its lookups. A first index key (a backfill) has nobody to wait for.
    /// </summary>
    private async Task EnsureEveryInstanceKnowsAsync(int target, CancellationToken cancellationToken)
    {
        if (_keys is null)
        {
            return;
        }

        var rows = await _keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var written = rows.FirstOrDefault(r => r.Version == target);
        var knownBy = written?.CreatedAt + _refreshInterval;
        if (knownBy > _time.GetUtcNow() && rows.Any(r => r.Version < target && r.Status == DataKeyStatus.Active))
        {
            throw new ColumnCryptoRefusedException(string.Create(CultureInfo.InvariantCulture,
                $"Blind-index key version {target} was created at {written!.CreatedAt:u}. Running instances start using it within schedule.rollOverCheckInterval ({_refreshInterval.TotalMinutes:0} minutes), " +
                $"and until they all have, their lookups would miss rows rebuilt under it. Run the index build after {knownBy:u}."), target);
        }
    }

    /// <summary>Counts every searchable column's indexes by index key version (one scan per column; nothing is decrypted).</summary>
    public async Task<IReadOnlyList<BlindIndexCoverage>> GetCoverageAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<BlindIndexCoverage>();
        foreach (var plan in BlindIndexTablePlan.Create(await _registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false), _database.Dialect))
        {
            result.AddRange(await CountAsync(plan, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>
    /// Refuses (with a <see cref="ColumnCryptoRefusedException"/> naming the columns) to let index key
    /// <paramref name="version"/> be retired while any stored index uses it, or any row of a searchable column has
    /// no index yet; what an index-key retirement checks first, as data-key retirement checks the key coverage.
    /// </summary>
    public async Task EnsureRetirableAsync(int version, CancellationToken cancellationToken = default)
    {
        var coverage = await GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        var inUse = coverage.Where(c => c.On(version) > 0 || c.Missing > 0).ToList();
        if (inUse.Count > 0)
        {
            var list = string.Join("; ", inUse.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{(string.IsNullOrEmpty(c.Schema) ? c.Table : $"{c.Schema}.{c.Table}")}.{c.Column}: {c.On(version)} on version {version}, {c.Missing} without an index")));
            throw new ColumnCryptoRefusedException(
                $"Blind-index key version {version} cannot be retired: lookups still need it ({list}). Run BlindIndexBuilder.RunAsync() until every column is complete, resolve any duplicates it reports, then retire.",
                version);
        }
    }

    private Task<BlindIndexCoverage[]> CountAsync(BlindIndexTablePlan plan, CancellationToken cancellationToken) =>
        BlindIndexCompletion.CountAsync(_database, plan, cancellationToken);
}
