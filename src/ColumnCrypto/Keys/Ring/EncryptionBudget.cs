namespace ColumnCrypto.Keys.Ring;

/// <summary>What <see cref="EncryptionBudget.TryConsume"/> found.</summary>
internal enum BudgetState
{
    /// <summary>One encryption was taken from what this process reserved.</summary>
    Consumed,

    /// <summary>Taken, and the budget runs low: the caller starts reserving the next block (only one caller is told).</summary>
    ConsumedReserveMore,

    /// <summary>Nothing reserved is left: the caller must reserve (and wait) or roll over before it encrypts.</summary>
    Exhausted,
}

/// <summary>
/// Counts the encryptions this process may still make under one key without a lock or a database call per value.
/// Instances reserve blocks of counts in the key table (an atomic add) before they use them, so the stored count is an
/// upper bound of the encryptions all instances made, and a process never encrypts more than it reserved: when its
/// budget is empty it waits for the next reservation, and when that fails it fails the write. The next block is
/// reserved in the background when half of the current one is left. A reservation is granted only up to
/// <c>schedule.maxEncryptionsPerKey</c>, so the bound holds across instances exactly, and the stored count may only
/// grow: a count lower than one this process has seen is reported as tampering and stops encryption under the key.
/// </summary>
internal sealed class EncryptionBudget
{
    /// <summary>The largest block reserved at once (smaller when <c>schedule.maxEncryptionsPerKey</c> is small: see <see cref="Lifecycle.RolloverPolicy.ReservationBlock"/>).</summary>
    public const long BlockSize = 65_536;

    // A poisoned budget never has anything to consume.
    private const long Poisoned = long.MinValue / 2;

    private readonly Lock _lock = new();
    private long _remaining;
    private long _lowWater = BlockSize / 2;
    private int _reserving;
    private long _seenTotal;
    private volatile bool _boundReached;
    private volatile Exception? _poison;

    /// <summary>What this process may still encrypt before it must reserve more.</summary>
    public long Remaining => Math.Max(0, Volatile.Read(ref _remaining));

    /// <summary>The key has reached <c>schedule.maxEncryptionsPerKey</c>: no reservation will grant more under it.</summary>
    public bool BoundReached => _boundReached;

    /// <summary>Why nothing may be encrypted under the key any more (its count was lowered), or null.</summary>
    public Exception? Poison => _poison;

    /// <summary>Takes one encryption; lock-free.</summary>
    public BudgetState TryConsume()
    {
        var remaining = Interlocked.Decrement(ref _remaining);
        if (remaining < 0)
        {
            Interlocked.Increment(ref _remaining);
            return BudgetState.Exhausted;
        }

        return remaining <= Volatile.Read(ref _lowWater) && !_boundReached && Volatile.Read(ref _reserving) == 0 && Interlocked.CompareExchange(ref _reserving, 1, 0) == 0
            ? BudgetState.ConsumedReserveMore
            : BudgetState.Consumed;
    }

    /// <summary>The highest stored count this process has seen for the key (what a later count may not be below).</summary>
    public long SeenTotal
    {
        get
        {
            lock (_lock)
            {
                return _seenTotal;
            }
        }
    }

    /// <summary>
    /// Records a reservation of <paramref name="requested"/> that brought the stored count to <paramref name="total"/>,
    /// and grants what lies below <paramref name="bound"/>. <paramref name="floor"/> is <see cref="SeenTotal"/> as it was
    /// before the reservation was written: the count before this reservation cannot be lower unless it was lowered
    /// outside ColumnCrypto, and then nothing is granted and false is returned. The next block is reserved in the
    /// background when half of <paramref name="block"/> is left.
    /// </summary>
    public bool Grant(long requested, long total, long floor, long bound, long block, Func<long, long, Exception> lowered)
    {
        lock (_lock)
        {
            Volatile.Write(ref _lowWater, block / 2);
            var before = total - requested;
            if (before < floor)
            {
                PoisonWith(lowered(floor, before));
                return false;
            }

            _seenTotal = Math.Max(_seenTotal, total);
            var granted = Math.Clamp(bound - before, 0, requested);
            _boundReached |= granted < requested;
            if (_poison is null)
            {
                Interlocked.Add(ref _remaining, granted);
            }

            return true;
        }
    }

    /// <summary>
    /// The stored count as a reload read it; false when it is lower than <paramref name="floor"/>, <see cref="SeenTotal"/>
    /// as it was before the read (the budget is then poisoned).
    /// </summary>
    public bool Observe(long storedCount, long floor, long bound, Func<long, long, Exception> lowered)
    {
        lock (_lock)
        {
            if (storedCount < floor)
            {
                PoisonWith(lowered(floor, storedCount));
                return false;
            }

            _seenTotal = Math.Max(_seenTotal, storedCount);
            _boundReached |= storedCount >= bound;
            return true;
        }
    }

    /// <summary>The background reservation finished (whatever its outcome): another one may start.</summary>
    public void ReservationEnded() => Volatile.Write(ref _reserving, 0);

    private void PoisonWith(Exception reason)
    {
        _poison ??= reason;
        Volatile.Write(ref _remaining, Poisoned);
    }
}
