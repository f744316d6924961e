using System.Security.Cryptography;
using ColumnCrypto.Errors;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Integrity;

/// <summary>
/// Verifies a key table against its ring head and writes the heads of legitimate changes. Owns the ring key: unwrapped
/// once per process (again only when the head's wrapped ring key changes), generated and wrapped by the configured
/// key-encryption key when a table gets its first head. Used under the key manager's gate only.
/// </summary>
internal sealed class KeyRingSealer(Func<KeyWrapperSet> wrappers, TimeProvider time) : IDisposable
{
    private byte[]? _wrapped;
    private RingKey? _key;

    /// <summary>
    /// Throws a <see cref="ColumnCryptoKeyRingException"/> naming every problem of the rows alone: statuses ColumnCrypto
    /// never writes, duplicated versions, negative encryption counts. Checked before any key is unwrapped.
    /// </summary>
    public static void VerifyRows(DataKeyTableSnapshot table)
    {
        var problems = KeyRingCheck.OfRows(table);
        if (problems.Count > 0)
        {
            throw CryptoErrors.KeyRingInconsistent(table, problems);
        }
    }

    /// <summary>
    /// Throws a <see cref="ColumnCryptoKeyRingException"/> naming every difference between the rows and the ring head
    /// (which must authenticate under its ring key), or, for a table without a head, every version missing from the
    /// sequence (and any blind-index key row). Unwraps only the ring key (once per process).
    /// </summary>
    public async Task VerifyHeadAsync(DataKeyTableSnapshot table, CancellationToken cancellationToken)
    {
        List<string> problems;
        if (table.Head is { } head)
        {
            var key = await UnwrapAsync(table, head, cancellationToken).ConfigureAwait(false);
            if (!key.Authenticates(head))
            {
                problems = ["the ring head does not authenticate under its ring key: altered, or copied from another key table"];
            }
            else if (!KeyRingManifest.TryParse(head.Manifest, out var entries))
            {
                problems = ["the ring head authenticates but its manifest cannot be read (written by a newer ColumnCrypto?)"];
            }
            else
            {
                problems = KeyRingCheck.AgainstHead(table, entries);
            }
        }
        else
        {
            problems = KeyRingCheck.WithoutHead(table);
        }

        if (problems.Count > 0)
        {
            throw CryptoErrors.KeyRingInconsistent(table, problems);
        }
    }

    /// <summary>
    /// The head that records <paramref name="rowsAfter"/> after a change of the ring whose verified head was
    /// <paramref name="previous"/> (null: the table's first head, under a new ring key).
    /// </summary>
    /// <param name="table">The verified table the change applies to.</param>
    /// <param name="previous">Its verified head, or null for a first head.</param>
    /// <param name="rowsAfter">Every key row as the change leaves them.</param>
    /// <param name="cancellationToken">Stops the wrapping of a new ring key.</param>
    /// <param name="firstGeneration">The generation of a first head (above a head it replaces when a new key ring starts).</param>
    /// <param name="blindIndexKeysAfter">Every blind-index key row as the change leaves them; by default the table's, unchanged.</param>
    public async Task<KeyRingHead> SealAsync(DataKeyTableSnapshot table, KeyRingHead? previous, IEnumerable<DataKeyRecord> rowsAfter, CancellationToken cancellationToken,
        long firstGeneration = 1, IEnumerable<DataKeyRecord>? blindIndexKeysAfter = null)
    {
        var manifest = KeyRingManifest.Format(rowsAfter.Select(KeyRingEntry.Of).Concat((blindIndexKeysAfter ?? table.BlindIndexKeys).Select(KeyRingEntry.OfBlindIndexKey)));
        if (previous is not null)
        {
            var key = await UnwrapAsync(table, previous, cancellationToken).ConfigureAwait(false);
            return Head(key, previous.Generation + 1, manifest, previous.RingKeyWrappingProvider, previous.RingKeyWrappingKeyId, previous.WrappedRingKey);
        }

        var material = GC.AllocateArray<byte>(32, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(material);
            var wrapper = wrappers().Primary;
            var wrapped = await WrapVerifiedAsync(wrapper, material, cancellationToken).ConfigureAwait(false);
            var key = Remember(wrapped, new RingKey(material));
            return Head(key, firstGeneration, manifest, wrapper.Provider, wrapper.KeyId, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>The verified head <paramref name="current"/> with its ring key wrapped by <paramref name="target"/> instead (one generation on).</summary>
    public async Task<KeyRingHead> RewrapAsync(DataKeyTableSnapshot table, KeyRingHead current, IKeyWrapper target, CancellationToken cancellationToken)
    {
        var key = await UnwrapAsync(table, current, cancellationToken).ConfigureAwait(false);
        var material = key.Material.ToArray();
        try
        {
            var wrapped = await WrapVerifiedAsync(target, material, cancellationToken).ConfigureAwait(false);
            _wrapped = wrapped;
            return Head(key, current.Generation + 1, current.Manifest, target.Provider, target.KeyId, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private KeyRingHead Head(RingKey key, long generation, string manifest, string provider, string keyId, byte[] wrapped) => new()
    {
        Generation = generation,
        Manifest = manifest,
        Mac = key.Mac(generation, manifest),
        RingKeyWrappingProvider = provider,
        RingKeyWrappingKeyId = keyId,
        WrappedRingKey = [.. wrapped],
        UpdatedAt = time.GetUtcNow(),
    };

    private async Task<RingKey> UnwrapAsync(DataKeyTableSnapshot table, KeyRingHead head, CancellationToken cancellationToken)
    {
        if (_key is not null && _wrapped is not null && _wrapped.AsSpan().SequenceEqual(head.WrappedRingKey))
        {
            return _key;
        }

        var set = wrappers();
        var wrapper = set.All.FirstOrDefault(w => w.CanUnwrap(head.RingKeyWrappingProvider, head.RingKeyWrappingKeyId))
            ?? throw CryptoErrors.NoWrapperForRingKey(table, head, set.Describe());
        byte[] material;
        try
        {
            material = await wrapper.UnwrapAsync(head.WrappedRingKey, head.RingKeyWrappingKeyId, RingKey.WrapContext, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ColumnCryptoException)
        {
            throw CryptoErrors.RingKeyUnwrapFailed(table, head, e);
        }

        try
        {
            return Remember(head.WrappedRingKey, new RingKey(material));
        }
        catch (CryptographicException e)
        {
            throw CryptoErrors.RingKeyUnwrapFailed(table, head, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private static async Task<byte[]> WrapVerifiedAsync(IKeyWrapper wrapper, byte[] material, CancellationToken cancellationToken)
    {
        var wrapped = await wrapper.WrapAsync(material, RingKey.WrapContext, cancellationToken).ConfigureAwait(false);
        var check = await wrapper.UnwrapAsync(wrapped, wrapper.KeyId, RingKey.WrapContext, cancellationToken).ConfigureAwait(false);
        var same = CryptographicOperations.FixedTimeEquals(check, material);
        CryptographicOperations.ZeroMemory(check);
        return same ? wrapped : throw CryptoErrors.RingKeyVerificationFailed($"{wrapper.Provider} key '{wrapper.KeyId}'");
    }

    private RingKey Remember(byte[] wrapped, RingKey key)
    {
        if (!ReferenceEquals(_key, key))
        {
            _key?.Dispose();
        }

        _wrapped = [.. wrapped];
        _key = key;
        return key;
    }

    public void Dispose() => _key?.Dispose();
}
