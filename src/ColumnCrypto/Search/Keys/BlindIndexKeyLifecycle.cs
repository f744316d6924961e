using ColumnCrypto.Keys;

namespace ColumnCrypto.Search.Keys;

/// <summary>
/// The operator's blind-index key lifecycle: the keys (rows next to the key table, under its ring head), rotation (for a
/// suspected index-key compromise: never on the data-key schedule, which does not touch indexes) and retirement once no
/// stored index uses a version. After <see cref="RotateAsync"/>, new indexes use the new version and lookups match every
/// active version, so searches keep finding every row while <c>BlindIndexBuilder</c> (ColumnCrypto.Data) rebuilds the
/// indexes; once it reports every column complete, <see cref="RetireAsync"/> retires the old version.
/// </summary>
/// <example>
/// <code>
/// var indexKeys = services.GetRequiredService&lt;BlindIndexKeyLifecycle&gt;();
/// var version = await indexKeys.RotateAsync();
/// // ... BlindIndexBuilder.Create(...).RunAsync() until complete, then:
/// await indexKeys.RetireAsync(version - 1);
/// </code>
/// </example>
public sealed class BlindIndexKeyLifecycle
{
    private readonly KeyTableBlindIndexKeys _keys;
    private readonly Func<IBlindIndexUsage?> _usage;

    internal BlindIndexKeyLifecycle(KeyTableBlindIndexKeys keys, Func<IBlindIndexUsage?> usage)
    {
        _keys = keys;
        _usage = usage;
    }

    /// <summary>Every blind-index key row (wrapped keys only), from a fresh verified read of the key ring.</summary>
    public Task<IReadOnlyList<DataKeyRecord>> GetKeysAsync(CancellationToken cancellationToken = default) => _keys.GetRowsAsync(cancellationToken);

    /// <summary>
    /// Creates the next blind-index key version now (also when automatic key creation is off): from now on new indexes
    /// use it. Other instances use it from their next key refresh; until the rebuild has finished, lookups match the old
    /// version too.
    /// </summary>
    /// <returns>The new version.</returns>
    public Task<int> RotateAsync(CancellationToken cancellationToken = default) =>
        _keys.CreateAsync("an operator rotated the blind-index key", onlyIfNone: false, cancellationToken);

    /// <summary>
    /// Retires index key <paramref name="version"/>: lookups no longer match it. Refused (with a
    /// <see cref="ColumnCryptoRefusedException"/> that says why) when it is the newest active version, no
    /// <see cref="IBlindIndexUsage"/> is registered, or a stored index still uses it (or a row still has no index). The
    /// check is repeated after the status change; if an index under it appeared meanwhile, the key is made active again.
    /// Retiring a retired key does nothing.
    /// </summary>
    public async Task RetireAsync(int version, CancellationToken cancellationToken = default)
    {
        var rows = await _keys.GetRowsAsync(cancellationToken).ConfigureAwait(false);
        var row = rows.FirstOrDefault(r => r.Version == version)
            ?? throw new ColumnCryptoRefusedException($"There is no blind-index key version {version} (versions: {string.Join(", ", rows.Select(r => r.Version))}).", version);
        if (row.Status == DataKeyStatus.Retired)
        {
            return;
        }

        if (row.Status != DataKeyStatus.Active)
        {
            throw new ColumnCryptoRefusedException($"Blind-index key version {version} cannot be retired: it is {row.Status}.", version);
        }

        if (rows.Where(r => r.Status == DataKeyStatus.Active).Max(r => r.Version) == version)
        {
            throw new ColumnCryptoRefusedException($"Blind-index key version {version} is the newest active version: new indexes use it, so it cannot be retired. Rotate first.", version);
        }

        var usage = _usage() ?? throw new ColumnCryptoRefusedException(
            $"Blind-index key version {version} cannot be retired: nothing can prove no index uses it (no IBlindIndexUsage is registered; UseSqlKeyStore or UseDbContextKeyStore<TContext>() registers one).", version);
        await usage.EnsureRetirableAsync(version, cancellationToken).ConfigureAwait(false);
        if (!await _keys.SetStatusAsync(version, DataKeyStatus.Active, DataKeyStatus.Retired, cancellationToken).ConfigureAwait(false))
        {
            return; // retired meanwhile by another operator
        }

        try
        {
            // An instance that had not refreshed yet may have written an index under it meanwhile.
            await usage.EnsureRetirableAsync(version, cancellationToken).ConfigureAwait(false);
        }
        catch (ColumnCryptoRefusedException)
        {
            await _keys.SetStatusAsync(version, DataKeyStatus.Retired, DataKeyStatus.Active, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
