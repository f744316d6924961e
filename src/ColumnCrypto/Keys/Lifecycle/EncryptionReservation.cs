using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys.Ring;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Reserves blocks of encryptions under a key in the key table (an atomic add), in the background, when the key's
/// budget in this process runs low; when the stored count reaches <c>schedule.maxEncryptionsPerKey</c> it asks for a
/// rollover. Encryption goes on meanwhile: see <see cref="EncryptionBudget"/> for why that stays within the bound.
/// </summary>
internal sealed class EncryptionReservation(IDataKeyStore store, RolloverPolicy policy, Func<CancellationToken, Task> rollOverIfDue, ILogger logger)
{
    private Task _pending = Task.CompletedTask;

    /// <summary>The latest background reservation, for tests that need it settled.</summary>
    public Task Pending => _pending;

    public void ReserveInBackground(DataKey key)
    {
        _pending = Task.Run(async () =>
        {
            try
            {
                var total = await store.ReserveEncryptionsAsync(key.Version, EncryptionBudget.BlockSize, CancellationToken.None).ConfigureAwait(false);
                key.Budget.Reserved(EncryptionBudget.BlockSize);
                key.Record.EncryptionCount = total;
                if (total >= policy.MaxEncryptionsPerKey)
                {
                    Log.EncryptionBoundReached(logger, key.Version, total, policy.MaxEncryptionsPerKey);
                    await rollOverIfDue(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                key.Budget.ReservationFailed();
                Log.ReservationFailed(logger, e, key.Version);
            }
        });
    }
}
