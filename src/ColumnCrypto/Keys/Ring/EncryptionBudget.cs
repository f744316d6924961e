namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// Counts encryptions under one key without a lock or a database call per value. Instances reserve blocks of counts in
/// the key table (an atomic add), so the stored count is an upper bound of the encryptions all instances made; this
/// budget is what remains of this process's blocks. Encryption goes on while the next block is being reserved: the
/// overshoot is at most one block per instance, which the gap between the enforced bound (2^31) and the safe bound
/// for random nonces (2^32) absorbs.
/// </summary>
internal sealed class EncryptionBudget
{
    public const long BlockSize = 65_536;

    private long _remaining;
    private int _reserving;

    /// <summary>Uses one encryption; returns true when the caller should start reserving another block.</summary>
    public bool Consume()
    {
        var remaining = Interlocked.Decrement(ref _remaining);
        return remaining <= BlockSize / 2 && Volatile.Read(ref _reserving) == 0 && Interlocked.CompareExchange(ref _reserving, 1, 0) == 0;
    }

    public void Reserved(long count)
    {
        Interlocked.Add(ref _remaining, count);
        Volatile.Write(ref _reserving, 0);
    }

    public void ReservationFailed() => Volatile.Write(ref _reserving, 0);
}
