using System.Globalization;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Retirement of keys no value uses, reactivation, and crypto-shredding. A retired key is no longer loaded or
/// unwrapped by any instance (after its next key reload); it stays in the key table and can be reactivated, for
/// example to read an old backup. Destroying a retired key wipes its wrapped key: values under it become unreadable
/// for good. Every status change goes through the key manager, which writes it with the new ring head, conditional on
/// the status that was read.
/// </summary>
internal sealed class DataKeyRetirement(
    DataKeyManager keys,
    IDataKeyUsage? usage,
    TimeSpan gracePeriod,
    TimeProvider time,
    ColumnCryptoMetrics metrics,
    ILogger logger)
{
    private const string Retire = "retire";
    private const string Destroy = "destroy";

    public async Task<KeyCoverageReport> GetCoverageAsync(CancellationToken cancellationToken)
    {
        var report = await (usage ?? throw NoUsageCounter()).CountAsync(cancellationToken).ConfigureAwait(false);
        metrics.SetCoverage(report.Columns);
        return report;
    }

    public async Task RetireAsync(int version, CancellationToken cancellationToken)
    {
        var all = (await keys.ReadVerifiedAsync(cancellationToken).ConfigureAwait(false)).Rows;
        var key = all.FirstOrDefault(k => k.Version == version) ?? throw DataKeyLifecycleErrors.NoSuchKey(version);
        switch (key.Status)
        {
            case DataKeyStatus.Retired:
                return;
            case DataKeyStatus.Destroyed:
                throw Refuse(Retire, version, "it was destroyed.");
        }

        var newest = all.Where(k => k.Status == DataKeyStatus.Active).Max(k => k.Version);
        if (version == newest)
        {
            throw Refuse(Retire, version, "it is the newest active key, which encrypts new values. Roll over first (DataKeyLifecycle.RotateAsync or " +
                "'columncrypto rotate'), re-encrypt ('columncrypto reencrypt' or ColumnReencryptor.RunAsync), then retire it.");
        }

        var supersededAt = all.Where(k => k.Version > version).Min(k => k.CreatedAt);
        if (time.GetUtcNow() < supersededAt + gracePeriod)
        {
            throw Refuse(Retire, version, string.Create(CultureInfo.InvariantCulture,
                $"it was superseded at {supersededAt:O}, less than the rollover check interval ({gracePeriod.TotalMinutes:0} minutes) ago: instances that have not " +
                $"reloaded the keys since may still encrypt new values with it. Re-encrypt again and retire it after {supersededAt + gracePeriod:O}."));
        }

        await EnsureUnusedAsync(version, Retire, cancellationToken).ConfigureAwait(false);
        if (!await keys.TryChangeRowAsync(StatusChange(version, DataKeyStatus.Active, DataKeyStatus.Retired), cancellationToken).ConfigureAwait(false))
        {
            throw Refuse(Retire, version, "its row changed meanwhile (another operator?). Check the key table and try again.");
        }

        // A value written between the count and the status change (an instance with stale keys) would be lost: count again.
        var after = await GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        if (after.ValuesUsing(version) > 0)
        {
            await keys.TryChangeRowAsync(StatusChange(version, DataKeyStatus.Retired, DataKeyStatus.Active), CancellationToken.None).ConfigureAwait(false);
            throw Refuse(Retire, version, $"values using it appeared while it was being retired ({Describe(after, version)}); it was made active again. Re-encrypt, then retry.");
        }

        DataKeyLifecycleLog.KeyRetired(logger, version);
    }

    public async Task ReactivateAsync(int version, CancellationToken cancellationToken)
    {
        var key = (await keys.ReadVerifiedAsync(cancellationToken).ConfigureAwait(false)).Rows.FirstOrDefault(k => k.Version == version)
            ?? throw DataKeyLifecycleErrors.NoSuchKey(version);
        if (key.Status == DataKeyStatus.Destroyed)
        {
            throw new ColumnCryptoKeyException($"Data key version {version} was destroyed; it cannot be reactivated. Values under it are unreadable.", version);
        }

        if (key.Status == DataKeyStatus.Retired && await keys.TryChangeRowAsync(StatusChange(version, DataKeyStatus.Retired, DataKeyStatus.Active), cancellationToken).ConfigureAwait(false))
        {
            DataKeyLifecycleLog.KeyReactivated(logger, version);
        }
    }

    public async Task DestroyAsync(int version, string confirmation, CancellationToken cancellationToken)
    {
        var expected = DataKeyLifecycle.DestroyConfirmation(version);
        if (!string.Equals(confirmation, expected, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Destroying a data key cannot be undone. To confirm, pass the text '{expected}'.", nameof(confirmation));
        }

        var key = (await keys.ReadVerifiedAsync(cancellationToken).ConfigureAwait(false)).Rows.FirstOrDefault(k => k.Version == version)
            ?? throw DataKeyLifecycleErrors.NoSuchKey(version);
        switch (key.Status)
        {
            case DataKeyStatus.Destroyed:
                return;
            case DataKeyStatus.Active:
                throw Refuse(Destroy, version, "it is active. Retire it first (RetireAsync), which checks that no value uses it.");
        }

        await EnsureUnusedAsync(version, Destroy, cancellationToken).ConfigureAwait(false);
        var destroy = StatusChange(version, DataKeyStatus.Retired, DataKeyStatus.Destroyed) with { WipeWrappedKey = true };
        if (!await keys.TryChangeRowAsync(destroy, cancellationToken).ConfigureAwait(false))
        {
            throw Refuse(Destroy, version, "its row changed meanwhile (reactivated?). Check the key table and try again.");
        }

        DataKeyLifecycleLog.KeyDestroyed(logger, version);
    }

    private async Task EnsureUnusedAsync(int version, string action, CancellationToken cancellationToken)
    {
        if (usage is null)
        {
            throw Refuse(action, version, NoUsageCounter().Message);
        }

        KeyCoverageReport coverage;
        try
        {
            coverage = await GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ColumnCryptoException)
        {
            throw Refuse(action, version, $"a recorded encrypted column cannot be counted ({e.Message}). Fix the table or remove its registry row first.");
        }

        if (coverage.Columns.Count == 0)
        {
            throw Refuse(action, version, "no encrypted column is recorded in the encrypted-column registry, so nothing proves the key is unused. " +
                "Start the application once (it records its columns), or register columns written without EF (EncryptedColumnRegistry.RegisterAsync).");
        }

        var inUse = coverage.ValuesUsing(version);
        if (inUse > 0)
        {
            throw Refuse(action, version, string.Create(CultureInfo.InvariantCulture,
                $"{inUse} values still use it: {Describe(coverage, version)}. Run the re-encryption ('columncrypto reencrypt' or ColumnReencryptor.RunAsync) until none do, then retry."));
        }
    }

    private static KeyRowChange StatusChange(int version, DataKeyStatus from, DataKeyStatus to) => new(version, from) { Status = to };

    private static InvalidOperationException NoUsageCounter() =>
        new("No key usage counter is registered, so nothing can prove a key is unused. Register the SQL key store " +
            "(UseSqlKeyStore, or UseDbContextKeyStore<TContext>() from ColumnCrypto.EntityFrameworkCore), which counts the recorded encrypted columns.");

    private static string Describe(KeyCoverageReport coverage, int version) =>
        string.Join(", ", coverage.ColumnsUsing(version).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} ({c.ValuesByVersion[version]})")));

    private ColumnCryptoRefusedException Refuse(string action, int version, string reason)
    {
        DataKeyLifecycleLog.Refused(logger, action, version, reason);
        return action == Destroy ? DataKeyLifecycleErrors.DestroyRefused(version, reason) : DataKeyLifecycleErrors.RetireRefused(version, reason);
    }
}
