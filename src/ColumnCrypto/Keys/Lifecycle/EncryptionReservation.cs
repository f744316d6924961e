using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Ring;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Reserves encryptions under a key in the key table (an atomic add) and grants them to the key's budget, one
/// reservation at a time: in the background when the budget runs low, and on demand (the caller waits) when it is
/// empty or before a bulk write. The key table is reached through the key store's own connections, never one the
/// application is using. A failed reservation is not retried for <see cref="RetryAfterFailure"/>: writes that need it
/// fail at once with its error instead of each hammering the database. When a reservation reaches
/// <c>schedule.maxEncryptionsPerKey</c>, a rollover is started.
/// </summary>
internal sealed class EncryptionReservation(
    IDataKeyStore store,
    RolloverPolicy policy,
    TimeProvider time,
    Func<CancellationToken, Task> rollOverIfDue,
    Func<string> keyTable,
    ILogger logger)
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();

    // One reservation at a time per key (two in flight for one key could be granted out of order), with when it failed.
    private readonly Dictionary<DataKey, (Task Task, DateTimeOffset FailedAt)> _byKey = [];
    private Task _pending = Task.CompletedTask;

    /// <summary>The latest reservation, for tests that need it settled (never faulted: failures are recorded in the budget and the log).</summary>
    public Task Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Starts reserving a block under <paramref name="key"/> without waiting (its budget runs low).</summary>
    public void ReserveInBackground(DataKey key) =>
        _ = ReserveAsync(key, policy.ReservationBlock).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>
    /// Reserves <paramref name="count"/> encryptions under <paramref name="key"/>, or joins the reservation of it in
    /// flight (the caller checks the budget again afterwards). Faults with a <see cref="ColumnCryptoKeyException"/> saying
    /// why when the key table refuses.
    /// </summary>
    public Task ReserveAsync(DataKey key, long count)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var last) && (!last.Task.IsCompleted || (last.Task.IsFaulted && time.GetUtcNow() - last.FailedAt < RetryAfterFailure)))
            {
                return last.Task;
            }

            // Keys replaced since (rolled over, retired) need no entry once their reservation is over.
            foreach (var done in _byKey.Where(e => e.Key != key && e.Value.Task.IsCompleted).Select(e => e.Key).ToList())
            {
                _byKey.Remove(done);
            }

            _pending = Task.Run(() => ReserveCoreAsync(key, Math.Max(count, policy.ReservationBlock)));
            _byKey[key] = (_pending, DateTimeOffset.MinValue);
            return _pending;
        }
    }

    private async Task ReserveCoreAsync(DataKey key, long count)
    {
        try
        {
            long total;
            var floor = key.Budget.SeenTotal;
            try
            {
                total = await store.ReserveEncryptionsAsync(key.Version, count, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    if (_byKey.TryGetValue(key, out var entry))
                    {
                        _byKey[key] = (entry.Task, time.GetUtcNow());
                    }
                }

                Log.ReservationFailed(logger, e, key.Version);
                throw CryptoErrors.ReservationFailed(key, keyTable(), e);
            }

            if (!key.Budget.Grant(count, total, floor, policy.MaxEncryptionsPerKey, policy.ReservationBlock, (seen, stored) => CryptoErrors.CountLowered(key.Version, keyTable(), seen, stored)))
            {
                Log.EncryptionCountLowered(logger, key.Budget.Poison, key.Version);
                throw key.Budget.Poison!;
            }

            key.Record.EncryptionCount = total;
            if (key.Budget.BoundReached)
            {
                Log.EncryptionBoundReached(logger, key.Version, total, policy.MaxEncryptionsPerKey);
                _ = Task.Run(() => RollOverAsync(key.Version));
            }
        }
        finally
        {
            key.Budget.ReservationEnded();
        }
    }

    private async Task RollOverAsync(int version)
    {
        try
        {
            await rollOverIfDue(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The writer that next finds the budget empty tries again and reports the failure itself.
            Log.BoundRolloverFailed(logger, e, version);
        }
    }
}
