using ColumnCrypto.Configuration;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Decides when the newest data key must be replaced: when it is older than <c>schedule.dataKeyRollOverLength</c>
/// days (default 365), or when its reserved encryption count reaches <c>schedule.maxEncryptionsPerKey</c>.
/// The current schedule applies to existing keys, so shortening it takes effect at once.
/// </summary>
internal sealed class RolloverPolicy(IOptions<ColumnCryptoOptions> options)
{
    private readonly ScheduleOptions _schedule = options.Value.Schedule;

    public TimeSpan RollOverLength => TimeSpan.FromDays(_schedule.DataKeyRollOverLength);

    public long MaxEncryptionsPerKey => _schedule.MaxEncryptionsPerKey;

    /// <summary>
    /// How many encryptions a process reserves at once: 65,536, or half the bound when the bound is smaller, so that a
    /// new key (whose row is written with its creator's first block) is never at its bound before it encrypted anything.
    /// </summary>
    public long ReservationBlock => Math.Clamp(_schedule.MaxEncryptionsPerKey / 2, 1, Ring.EncryptionBudget.BlockSize);

    /// <summary>Whether keys are created automatically (the first one, and by the schedule); off, only an operator creates them.</summary>
    public bool AutoGenerateKeys => _schedule.AutoGenerateKeys;

    public DateTimeOffset RollOverAt(DataKeyRecord key) => key.CreatedAt + RollOverLength;

    /// <summary>Why <paramref name="newest"/> must be replaced at <paramref name="now"/>, or null when it need not be.</summary>
    public string? GetRolloverReason(DataKeyRecord? newest, DateTimeOffset now)
    {
        if (newest is null)
        {
            return null;
        }

        if (now >= RollOverAt(newest))
        {
            return $"key version {newest.Version} is older than the rollover schedule of {_schedule.DataKeyRollOverLength} days";
        }

        return newest.EncryptionCount >= MaxEncryptionsPerKey
            ? $"key version {newest.Version} has reached {MaxEncryptionsPerKey} encryptions"
            : null;
    }
}
