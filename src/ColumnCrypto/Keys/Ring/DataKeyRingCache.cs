using System.Collections.Concurrent;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// The data keys on the hot path: one volatile read of an immutable <see cref="DataKeyRing"/> per value, no lock,
/// no database or KMS call. Only the rare paths (nothing loaded yet, a version it does not know, a budget running low)
/// go to the key manager that owns the cache, which publishes new rings here.
/// </summary>
internal sealed class DataKeyRingCache(IDataKeyRingSource source, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// How far above the highest known version a value's version may be and still trigger a reload: a rollover by
    /// another instance adds one; anything further is a damaged or forged header, which must not cost a reload. This is
    /// also the most distinct unknown versions ever looked up per interval.
    /// </summary>
    public const int RefreshWindow = 16;

    /// <summary>
    /// A version looked up in the key table and not found is not looked up again for this long: a forged header costs
    /// at most one key-table read per version per interval per process, however often it is read.
    /// </summary>
    public static readonly TimeSpan UnknownVersionRetryInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, DateTimeOffset> _lookedUp = new();
    private volatile DataKeyRing? _ring;

    /// <summary>The current ring, or null before the first load.</summary>
    public DataKeyRing? Current => _ring;

    /// <summary>The newest key, counting one encryption against its budget.</summary>
    public DataKey GetEncryptionKey()
    {
        // A ring without a key means initialization failed after the table was read (for example no master key to
        // wrap version 1): try again, so the caller gets that failure's own error rather than "no active key".
        var ring = _ring is { Newest: not null } current ? current : Source.LoadForEncryption();
        var key = ring.Newest ?? throw CryptoErrors.NoActiveKey();
        return TryTake(key) ? key : Source.ReserveNow(key);
    }

    /// <summary>
    /// Takes one encryption from <paramref name="key"/>'s budget, starting the next reservation in the background when
    /// it runs low; false when nothing reserved is left.
    /// </summary>
    public bool TryTake(DataKey key)
    {
        switch (key.Budget.TryConsume())
        {
            case BudgetState.Consumed:
                return true;
            case BudgetState.ConsumedReserveMore:
                Source.ReserveMore(key);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The key of <paramref name="version"/>; null when the key table has no active key of that version.</summary>
    public DataKey? GetDecryptionKey(int version) =>
        (_ring ?? Source.LoadForDecryption()).Find(version) ?? ReloadForUnknownVersion(version);

    /// <summary>Reserves encryptions ahead of a bulk write (see <see cref="ColumnEncryptor.ReserveAsync"/>).</summary>
    public Task EnsureReservedAsync(long count, CancellationToken cancellationToken) => Source.EnsureReservedAsync(count, cancellationToken);

    /// <summary>Replaces the ring; returns the one it replaced.</summary>
    public DataKeyRing? Publish(DataKeyRing? ring) => Interlocked.Exchange(ref _ring, ring);

    /// <summary>
    /// Records that <paramref name="version"/> was just looked up in the key table (found or not): it is not looked up
    /// again for <see cref="UnknownVersionRetryInterval"/>. Entries at or below the newest version, or expired, are
    /// dropped, so the cache holds at most <see cref="RefreshWindow"/> live entries.
    /// </summary>
    public void RecordLookup(int version)
    {
        var now = time.GetUtcNow();
        var highest = (_ring ?? DataKeyRing.Empty).HighestVersion;
        foreach (var (stale, when) in _lookedUp)
        {
            if (stale <= highest || now - when >= UnknownVersionRetryInterval)
            {
                _lookedUp.TryRemove(stale, out _);
            }
        }

        _lookedUp[version] = now;
    }

    /// <summary>Whether <paramref name="version"/> was looked up less than <see cref="UnknownVersionRetryInterval"/> ago.</summary>
    public bool RecentlyLookedUp(int version) =>
        _lookedUp.TryGetValue(version, out var at) && time.GetUtcNow() - at < UnknownVersionRetryInterval;

    private IDataKeyRingSource Source => source;

    /// <summary>
    /// The rare path, in its own method: C# allocates a lambda's closure at the start of the method that declares the
    /// captured variable, so inlined above it would cost every decryption an allocation.
    /// </summary>
    private DataKey? ReloadForUnknownVersion(int version)
    {
        // Only a version a little above the highest known can come from a rollover we have not seen yet; anything
        // else (a retired key, a flipped bit) fails at once instead of hitting the database for every bad value, and
        // so does a version whose lookup finished a moment ago (one still in flight is waited for, under the gate).
        // Another thread may have published a ring with the key since the caller looked: look in that one first, so a
        // version that has just become the highest is not taken for a stale or bad one.
        var ring = _ring ?? DataKeyRing.Empty;
        if (ring.Find(version) is { } published)
        {
            return published;
        }

        var highest = ring.HighestVersion;
        if (version <= highest || version > highest + RefreshWindow || RecentlyLookedUp(version))
        {
            return null;
        }

        Log.UnknownVersionRefresh(logger, version);
        return Source.ReloadFor(version).Find(version);
    }
}
