using System.Security.Cryptography;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Re-wraps every data key row under a target key-encryption key, one row at a time: unwrap with whichever wrapper can,
/// check the row's commitment, wrap with the target, prove the new wrapping unwraps to the same key, then replace the
/// wrapping only if the row still has the wrapping that was read. Each row is therefore changed atomically and only to a
/// verified wrapping; an interrupted run leaves finished rows on the target and the others as they were, and a rerun
/// skips the finished ones. Key material, commitments and values are unchanged, so running applications keep working.
/// The ring key (which authenticates the ring head) is rewrapped first, after the key table passed its integrity check:
/// nothing is rewrapped in a table that fails it; the blind-index keys follow, after the data keys.
/// </summary>
internal sealed class DataKeyRewrapper
{
    private readonly IDataKeyStore _store;
    private readonly Func<IReadOnlyList<IKeyWrapper>> _sources;
    private readonly Func<IKeyWrapper, CancellationToken, Task<bool>> _rewrapRingKey;
    private readonly Func<IKeyWrapper, CancellationToken, Task<IReadOnlyList<int>>> _rewrapBlindIndexKeys;
    private readonly ILogger _logger;

    public DataKeyRewrapper(
        IDataKeyStore store,
        Func<IReadOnlyList<IKeyWrapper>> sources,
        Func<IKeyWrapper, CancellationToken, Task<bool>> rewrapRingKey,
        Func<IKeyWrapper, CancellationToken, Task<IReadOnlyList<int>>> rewrapBlindIndexKeys,
        ILogger logger)
    {
        _store = store;
        _sources = sources;
        _rewrapRingKey = rewrapRingKey;
        _rewrapBlindIndexKeys = rewrapBlindIndexKeys;
        _logger = logger;
    }

    public async Task<DataKeyRewrapResult> RewrapAsync(IKeyWrapper target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rewrapped = new List<int>();
        var alreadyOnTarget = new List<int>();
        var changedMeanwhile = new List<int>();
        var ringKeyRewrapped = await _rewrapRingKey(target, cancellationToken).ConfigureAwait(false);

        // Retired rows too: once the old key-encryption key is gone, a row still wrapped by it is lost for good.
        foreach (var record in (await _store.ReadAsync(cancellationToken).ConfigureAwait(false)).Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A destroyed (crypto-shredded) key has no wrapped key left to rewrap.
            if (record.Status == DataKeyStatus.Destroyed)
            {
                continue;
            }

            if (IsWrappedBy(record, target))
            {
                alreadyOnTarget.Add(record.Version);
                continue;
            }

            bool updated;
            try
            {
                updated = await RewrapRowAsync(record, target, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw DataKeyLifecycleErrors.RewrapFailed(record, target, rewrapped, e);
            }

            if (updated)
            {
                rewrapped.Add(record.Version);
                DataKeyLifecycleLog.Rewrapped(_logger, record.Version, record.WrappingProvider, record.WrappingKeyId, target.Provider, target.KeyId);
            }
            else
            {
                changedMeanwhile.Add(record.Version);
                DataKeyLifecycleLog.ChangedMeanwhile(_logger, record.Version, record.WrappingKeyId);
            }
        }

        // The blind-index keys last, in one change of the ring: a table that fails its integrity check never gets here.
        var indexKeysRewrapped = await _rewrapBlindIndexKeys(target, cancellationToken).ConfigureAwait(false);
        DataKeyLifecycleLog.Finished(_logger, target.Provider, target.KeyId, rewrapped.Count, alreadyOnTarget.Count, changedMeanwhile.Count);
        return new DataKeyRewrapResult(rewrapped, alreadyOnTarget, changedMeanwhile) { RingKeyRewrapped = ringKeyRewrapped, BlindIndexKeysRewrapped = indexKeysRewrapped };
    }

    private static bool IsWrappedBy(DataKeyRecord record, IKeyWrapper wrapper) =>
        string.Equals(record.WrappingProvider, wrapper.Provider, StringComparison.Ordinal)
        && string.Equals(record.WrappingKeyId, wrapper.KeyId, StringComparison.Ordinal);

    private async Task<bool> RewrapRowAsync(DataKeyRecord record, IKeyWrapper target, CancellationToken cancellationToken)
    {
        // The target may be able to read the row itself (another key of the same KMS region, say).
        IKeyWrapper[] candidates = [.. _sources(), target];
        var source = candidates.FirstOrDefault(w => w.CanUnwrap(record.WrappingProvider, record.WrappingKeyId))
            ?? throw CryptoErrors.NoWrapperFor(record, candidates.Select(w => $"{w.Provider} key '{w.KeyId}'").Distinct());
        var context = new KeyWrapContext(record.Version);
        var material = await source.UnwrapAsync(record.WrappedKey, record.WrappingKeyId, context, cancellationToken).ConfigureAwait(false);
        byte[]? check = null;
        try
        {
            // Never carry a substituted or tampered key over to the new wrapping.
            if (material.Length != DataKey.KeySize || !KeyCommitment.Verify(material, record))
            {
                throw CryptoErrors.CommitmentMismatch(record);
            }

            var wrapped = await target.WrapAsync(material, context, cancellationToken).ConfigureAwait(false);
            check = await target.UnwrapAsync(wrapped, target.KeyId, context, cancellationToken).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(check, material))
            {
                throw DataKeyLifecycleErrors.RewrapVerificationFailed(record, target);
            }

            return await _store.TryUpdateWrappingAsync(record.Version, record.WrappingKeyId, target.Provider, target.KeyId, wrapped, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
            if (check is not null)
            {
                CryptographicOperations.ZeroMemory(check);
            }
        }
    }
}
