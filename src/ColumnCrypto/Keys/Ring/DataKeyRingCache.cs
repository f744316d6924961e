using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// The data keys on the hot path: one volatile read of an immutable <see cref="DataKeyRing"/> per value, no lock,
/// no database or KMS call. Only the rare paths (nothing loaded yet, a version it does not know, a budget running low)
/// go to the key manager that owns the cache, which publishes new rings here.
/// </summary>
internal sealed class DataKeyRingCache(IDataKeyRingSource source, ILogger logger)
{
    /// <summary>
    /// How far above the highest known version a value's version may be and still trigger a reload: a rollover by
    /// another instance adds one; anything further is a damaged or forged header, which must not cost a reload.
    /// </summary>
    public const int RefreshWindow = 16;

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
        if (key.Budget.Consume())
        {
            Source.ReserveMore(key);
        }

        return key;
    }

    /// <summary>The key of <paramref name="version"/>; null when the key table has no active key of that version.</summary>
    public DataKey? GetDecryptionKey(int version) =>
        (_ring ?? Source.LoadForDecryption()).Find(version) ?? ReloadForUnknownVersion(version);

    /// <summary>Replaces the ring; returns the one it replaced.</summary>
    public DataKeyRing? Publish(DataKeyRing? ring) => Interlocked.Exchange(ref _ring, ring);

    private IDataKeyRingSource Source => source;

    /// <summary>
    /// The rare path, in its own method: C# allocates a lambda's closure at the start of the method that declares the
    /// captured variable, so inlined above it would cost every decryption an allocation.
    /// </summary>
    private DataKey? ReloadForUnknownVersion(int version)
    {
        // Only a version a little above the highest known can come from a rollover we have not seen yet; anything
        // else (a retired key, a flipped bit) fails at once instead of hitting the database for every bad value.
        var highest = (_ring ?? DataKeyRing.Empty).HighestVersion;
        if (version <= highest || version > highest + RefreshWindow)
        {
            return null;
        }

        Log.UnknownVersionRefresh(logger, version);
        return Source.ReloadFor(version).Find(version);
    }
}
