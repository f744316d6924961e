using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Coverage (which key versions the encrypted columns use), retirement of keys no value uses, and crypto-shredding.
/// A retired key is no longer loaded or unwrapped by any instance (after its next key reload); it stays in the key
/// table and can be reactivated, for example to read an old backup. Destroying a retired key wipes its wrapped key:
/// values under it become unreadable for good (see docs/operations.md).
/// </summary>
public sealed class DataKeyRetirement
{
    private readonly ColumnCryptoDatabase _database;
    private readonly DataKeyTable _keyTable;
    private readonly EncryptedColumnRegistry _registry;
    private readonly IDataKeyManager? _keys;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReencryptionMetrics _metrics;

    internal DataKeyRetirement(ColumnCryptoDatabase database, IDataKeyManager? keys, TimeSpan gracePeriod, ILoggerFactory loggers, TimeProvider time, ReencryptionMetrics metrics)
    {
        _database = database;
        _keyTable = new DataKeyTable(database);
        _registry = new EncryptedColumnRegistry(database, loggers.CreateLogger<EncryptedColumnRegistry>(), time);
        _keys = keys;
        _gracePeriod = gracePeriod;
        _time = time;
        _logger = loggers.CreateLogger<DataKeyRetirement>();
        _metrics = metrics;
    }

    /// <summary>
    /// Retirement on <paramref name="database"/> with the services registered by <c>AddColumnCrypto</c>. A key can only
    /// be retired once it has been superseded for at least <c>schedule.rollOverCheckInterval</c> minutes: until then an
    /// instance that has not reloaded the keys may still encrypt new values with it.
    /// </summary>
    public static DataKeyRetirement Create(ColumnCryptoDatabase database, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(services);
        var schedule = services.GetService<IOptions<ColumnCryptoOptions>>()?.Value.Schedule ?? new ScheduleOptions();
        return new DataKeyRetirement(
            database,
            services.GetService<IDataKeyManager>(),
            TimeSpan.FromMinutes(schedule.RollOverCheckInterval),
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            ReencryptionMetrics.For(services));
    }

    /// <summary>The text <see cref="DestroyAsync"/> requires as its confirmation, for example <c>destroy data key version 3</c>.</summary>
    public static string DestroyConfirmation(int version) => string.Create(CultureInfo.InvariantCulture, $"destroy data key version {version}");

    /// <summary>
    /// Counts every recorded column's values per key version (from their headers), and publishes the counts as the
    /// <c>columncrypto.keys.coverage.values</c> metric.
    /// </summary>
    /// <exception cref="DbException">A recorded table or column cannot be read.</exception>
    public async Task<KeyCoverageReport> GetCoverageAsync(CancellationToken cancellationToken = default)
    {
        var registered = await _registry.GetColumnsAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<ColumnKeyCoverage>();
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var plan in TablePlans.Create(registered, _database.Dialect))
            {
                columns.AddRange(await KeyCoverageReader.CountAsync(connection, plan, cancellationToken).ConfigureAwait(false));
            }
        }

        var report = new KeyCoverageReport(columns, _time.GetUtcNow());
        _metrics.SetCoverage(columns);
        return report;
    }

    /// <summary>
    /// Retires <paramref name="version"/> after checking that no value of any recorded column uses it: it is no longer
    /// loaded or unwrapped. Refused (with a <see cref="ColumnCryptoKeyException"/> that says why and what to do) when
    /// it is the newest active key, was superseded less than the rollover check interval ago, no column is recorded,
    /// or values still use it. The count is repeated after the status change; if a value appeared meanwhile the key is
    /// made active again. Retiring a retired key does nothing.
    /// </summary>
    public async Task RetireAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var keys = await _keyTable.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var key = keys.FirstOrDefault(k => k.Version == version) ?? throw ReencryptionErrors.NoSuchKey(version);
        switch (key.Status)
        {
            case DataKeyStatus.Retired:
                return;
            case DataKeyStatus.Destroyed:
                throw Refuse(version, "it was destroyed.");
        }

        var newest = keys.Where(k => k.Status == DataKeyStatus.Active).Max(k => k.Version);
        if (version == newest)
        {
            throw Refuse(version, "it is the newest active key, which encrypts new values. Roll over first (IDataKeyManager.RollOverAsync), " +
                "re-encrypt (ColumnReencryptor.RunAsync), then retire it.");
        }

        var supersededAt = keys.Where(k => k.Version > version).Min(k => k.CreatedAt);
        var now = _time.GetUtcNow();
        if (now < supersededAt + _gracePeriod)
        {
            throw Refuse(version, string.Create(CultureInfo.InvariantCulture,
                $"it was superseded at {supersededAt:O}, less than the rollover check interval ({_gracePeriod.TotalMinutes:0} minutes) ago: instances that have not " +
                $"reloaded the keys since may still encrypt new values with it. Re-encrypt again and retire it after {supersededAt + _gracePeriod:O}."));
        }

        await EnsureUnusedAsync(version, "retire", cancellationToken).ConfigureAwait(false);
        if (!await _keyTable.TrySetStatusAsync(connection, version, DataKeyStatus.Active, DataKeyStatus.Retired, cancellationToken).ConfigureAwait(false))
        {
            throw Refuse(version, "its row changed meanwhile (another operator?). Check the key table and try again.");
        }

        // A value written between the count and the status change (an instance with stale keys) would be lost: count again.
        var after = await GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        if (after.ValuesUsing(version) > 0)
        {
            await _keyTable.TrySetStatusAsync(connection, version, DataKeyStatus.Retired, DataKeyStatus.Active, CancellationToken.None).ConfigureAwait(false);
            throw Refuse(version, $"values using it appeared while it was being retired ({Describe(after, version)}); it was made active again. Re-encrypt, then retry.");
        }

        ReencryptionLog.KeyRetired(_logger, version);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a retired key active again (to read values restored from a backup, say). Destroyed keys cannot come back.</summary>
    public async Task ReactivateAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var key = (await _keyTable.ReadAsync(connection, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Version == version)
            ?? throw ReencryptionErrors.NoSuchKey(version);
        if (key.Status == DataKeyStatus.Destroyed)
        {
            throw new ColumnCryptoKeyException($"Data key version {version} was destroyed; it cannot be reactivated. Values under it are unreadable.", version);
        }

        if (key.Status == DataKeyStatus.Retired && await _keyTable.TrySetStatusAsync(connection, version, DataKeyStatus.Retired, DataKeyStatus.Active, cancellationToken).ConfigureAwait(false))
        {
            ReencryptionLog.KeyReactivated(_logger, version);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Crypto-shredding: wipes the wrapped key of a retired key and marks it destroyed. Any value still under it (in this
    /// database, a replica or a backup of the tables) can then never be decrypted with this key table; backups of the
    /// key table itself still hold the wrapped key until they expire (or the master/KMS key that wrapped it is destroyed).
    /// Guarded: the key must be retired, no recorded value may use it, and <paramref name="confirmation"/> must be
    /// <see cref="DestroyConfirmation"/>(<paramref name="version"/>). Destroying a destroyed key does nothing.
    /// </summary>
    public async Task DestroyAsync(int version, string confirmation, CancellationToken cancellationToken = default)
    {
        var expected = DestroyConfirmation(version);
        if (!string.Equals(confirmation, expected, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Destroying a data key cannot be undone. To confirm, pass the text '{expected}'.", nameof(confirmation));
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var key = (await _keyTable.ReadAsync(connection, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Version == version)
            ?? throw ReencryptionErrors.NoSuchKey(version);
        switch (key.Status)
        {
            case DataKeyStatus.Destroyed:
                return;
            case DataKeyStatus.Active:
                throw ReencryptionErrors.DestroyRefused(version, "it is active. Retire it first (RetireAsync), which checks that no value uses it.");
        }

        await EnsureUnusedAsync(version, "destroy", cancellationToken).ConfigureAwait(false);
        if (!await _keyTable.TryDestroyAsync(connection, version, cancellationToken).ConfigureAwait(false))
        {
            throw ReencryptionErrors.DestroyRefused(version, "its row changed meanwhile (reactivated?). Check the key table and try again.");
        }

        ReencryptionLog.KeyDestroyed(_logger, version);
    }

    private async Task EnsureUnusedAsync(int version, string action, CancellationToken cancellationToken)
    {
        KeyCoverageReport coverage;
        try
        {
            coverage = await GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Refuse(version, action, $"a recorded encrypted column cannot be counted ({e.Message}). Fix the table or remove its registry row first.");
        }

        if (coverage.Columns.Count == 0)
        {
            throw Refuse(version, action, "no encrypted column is recorded in columncrypto_encrypted_columns, so nothing proves the key is unused. " +
                "Start the application once (it records its columns), or register columns written without EF (EncryptedColumnRegistry.RegisterAsync).");
        }

        var using_ = coverage.ValuesUsing(version);
        if (using_ > 0)
        {
            throw Refuse(version, action, string.Create(CultureInfo.InvariantCulture,
                $"{using_} values still use it: {Describe(coverage, version)}. Run the re-encryption (ColumnReencryptor.RunAsync) until none do, then retry."));
        }
    }

    private static string Describe(KeyCoverageReport coverage, int version) =>
        string.Join(", ", coverage.ColumnsUsing(version).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} ({c.ValuesByVersion[version]})")));

    private ColumnCryptoKeyException Refuse(int version, string reason) => Refuse(version, "retire", reason);

    private ColumnCryptoKeyException Refuse(int version, string action, string reason)
    {
        ReencryptionLog.RetireRefused(_logger, action, version, reason);
        return action == "destroy" ? ReencryptionErrors.DestroyRefused(version, reason) : ReencryptionErrors.RetireRefused(version, reason);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_keys is not null)
        {
            await _keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
