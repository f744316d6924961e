using System.Security.Cryptography;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Search.Keys;

/// <summary>
/// The blind-index keys as the key ring holds them: rows next to the data key table (<c>columncrypto_blind_index_keys</c>)
/// of the same shape, each key 256 random bits stored only wrapped by the master key or KMS under its own purpose
/// (<see cref="KeyWrapContext.BlindIndexKeyPurpose"/>), committed to its purpose, version and creation time, and recorded
/// in the authenticated ring head with the data keys, so a row deleted, added, re-statused or replaced fails the ring's
/// integrity check like a data key row would. Unwrapped once per process; the set follows every verified reload of the
/// ring (an index key another instance created is used from this process's next key refresh), reusing keys already
/// unwrapped. Version 1 is created the first time a searchable column needs a key, when automatic key creation is on.
/// </summary>
internal sealed class KeyTableBlindIndexKeys(DataKeyManager manager, RolloverPolicy policy, TimeProvider time, ILogger<KeyTableBlindIndexKeys> logger)
    : IBlindIndexKeys, IDisposable
{
    /// <summary>Active index key versions at most: one, and a second during an index-key rotation (each is one parameter of a lookup's SQL).</summary>
    public const int MaxActiveKeys = 2;

    private readonly SemaphoreSlim _gate = new(1, 1);

    // Replaced sets are zeroed with this object, not at once: a lookup may still be hashing with one.
    private readonly List<BlindIndexKeySet> _replaced = [];
    private volatile Loaded? _loaded;

    /// <summary>The verified table a key set was built from, and the rows it holds.</summary>
    private sealed record Loaded(DataKeyTableSnapshot Table, IReadOnlyList<DataKeyRecord> Active, BlindIndexKeySet Keys);

    public BlindIndexKeySet Current
    {
        get
        {
            var loaded = _loaded;
            if (loaded is not null && ReferenceEquals(loaded.Table, manager.Current?.Table))
            {
                return loaded.Keys;
            }

            // Rare (first use, or the ring was reloaded) and reached from synchronous EF converters: the async work runs
            // on the thread pool, so a synchronization context cannot deadlock it.
            return Task.Run(() => LoadAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await manager.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every blind-index key row, from a fresh verified read of the key ring.</summary>
    public async Task<IReadOnlyList<DataKeyRecord>> GetRowsAsync(CancellationToken cancellationToken) =>
        (await manager.ReadVerifiedAsync(cancellationToken).ConfigureAwait(false)).BlindIndexKeys;

    /// <summary>
    /// Creates the next index key version (only if no key is active when <paramref name="onlyIfNone"/>), and loads the
    /// new set. Returns the newest active version afterwards (another instance's, if it won the race).
    /// </summary>
    public async Task<int> CreateAsync(string reason, bool onlyIfNone, CancellationToken cancellationToken)
    {
        // The data keys first: the checks that refuse a first key over existing data (a lost key table) run there, and
        // index keys are only ever created in a ring that has a head.
        await manager.GetCurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        var wrapper = manager.Wrappers.Primary;
        DataKeyRecord? created = null;
        await manager.TryChangeBlindIndexKeysAsync(
            async (table, ct) =>
            {
                var active = table.BlindIndexKeys.Count(r => r.Status == DataKeyStatus.Active);
                if (onlyIfNone && active > 0)
                {
                    return null;
                }

                if (active >= MaxActiveKeys)
                {
                    throw new ColumnCryptoRefusedException(
                        $"The key table {table.KeyTable} has {active} active blind-index keys already; lookups match at most {MaxActiveKeys}. Finish the index build " +
                        "('columncrypto index build') and retire the older version ('columncrypto index retire-key') before rotating again.", (int?)null);
                }

                created = await MintAsync(wrapper, table.BlindIndexKeys.Select(r => r.Version).DefaultIfEmpty(0).Max() + 1, ct).ConfigureAwait(false);
                return new BlindIndexKeyChange([.. table.BlindIndexKeys, created], created, []);
            },
            cancellationToken).ConfigureAwait(false);
        var keys = await LoadAsync(cancellationToken, create: false).ConfigureAwait(false);
        if (created is not null && keys.Has(created.Version))
        {
            Log.BlindIndexKeyCreated(logger, created.Version, wrapper.Provider, wrapper.KeyId, reason);
        }

        return keys.WriteVersion;
    }

    /// <summary>Changes the status of index key <paramref name="version"/> from <paramref name="from"/> to <paramref name="to"/>; false when it no longer had <paramref name="from"/>.</summary>
    public async Task<bool> SetStatusAsync(int version, DataKeyStatus from, DataKeyStatus to, CancellationToken cancellationToken)
    {
        var applied = await manager.TryChangeBlindIndexKeysAsync(
            (table, _) => Task.FromResult(table.BlindIndexKeys.Any(r => r.Version == version && r.Status == from)
                ? new BlindIndexKeyChange(
                    [.. table.BlindIndexKeys.Select(r => r.Version == version ? WithStatus(r, to) : r)],
                    null,
                    [new KeyRowChange(version, from) { Status = to }])
                : null),
            cancellationToken).ConfigureAwait(false);
        if (applied)
        {
            Log.BlindIndexKeyStatusChanged(logger, version, to);
        }

        await LoadAsync(cancellationToken, create: false).ConfigureAwait(false);
        return applied;
    }

    /// <summary>
    /// Rewraps every index key row not yet wrapped by <paramref name="target"/> (retired ones too), each checked against
    /// its commitment and verified by unwrapping, in one change of the ring. Returns the versions rewrapped.
    /// </summary>
    public async Task<IReadOnlyList<int>> RewrapAsync(IKeyWrapper target, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> rewrapped = [];
        await manager.TryChangeBlindIndexKeysAsync(
            async (table, ct) =>
            {
                var changes = new List<KeyRowChange>();
                foreach (var row in table.BlindIndexKeys.Where(r => r.Status != DataKeyStatus.Destroyed && (r.WrappingProvider != target.Provider || r.WrappingKeyId != target.KeyId)))
                {
                    var material = await UnwrapAsync(row, [.. manager.Wrappers.All, target], ct).ConfigureAwait(false);
                    try
                    {
                        var wrapped = await WrapVerifiedAsync(target, material, row.Version, ct).ConfigureAwait(false);
                        changes.Add(new KeyRowChange(row.Version, row.Status) { Wrapping = new KeyRowWrapping(target.Provider, target.KeyId, wrapped) });
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(material);
                    }
                }

                rewrapped = [.. changes.Select(c => c.Version)];
                return changes.Count == 0 ? null : new BlindIndexKeyChange(table.BlindIndexKeys, null, changes);
            },
            cancellationToken).ConfigureAwait(false);
        return rewrapped;
    }

    private async Task<BlindIndexKeySet> LoadAsync(CancellationToken cancellationToken, bool create = true)
    {
        if (await LoadExistingAsync(cancellationToken).ConfigureAwait(false) is { } keys)
        {
            return keys;
        }

        var keyTable = manager.Current?.Table.KeyTable ?? "(not loaded)";
        if (!create || !policy.AutoGenerateKeys)
        {
            throw BlindIndexKeyErrors.NoActiveKey(keyTable, policy.AutoGenerateKeys);
        }

        await CreateAsync("a searchable column needs an index key and none exists", onlyIfNone: true, cancellationToken).ConfigureAwait(false);
        return _loaded?.Keys ?? throw BlindIndexKeyErrors.NoActiveKey(keyTable, policy.AutoGenerateKeys);
    }

    /// <summary>The active keys of the latest verified ring, unwrapping only new ones; null when no index key is active.</summary>
    private async Task<BlindIndexKeySet?> LoadExistingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = manager.Current?.Table ?? await manager.ReadVerifiedAsync(cancellationToken).ConfigureAwait(false);
            if (_loaded is { } same && ReferenceEquals(same.Table, table))
            {
                return same.Keys;
            }

            var active = table.BlindIndexKeys.Where(r => r.Status == DataKeyStatus.Active).ToList();
            if (active.Count == 0)
            {
                return null;
            }

            // The same keys as before (the ring was reloaded for another reason): nothing to unwrap.
            if (_loaded is { } previous && SameKeys(previous.Active, active))
            {
                _loaded = previous with { Table = table };
                return previous.Keys;
            }

            var roots = new List<KeyValuePair<int, byte[]>>();
            try
            {
                foreach (var row in active)
                {
                    roots.Add(new(row.Version, await UnwrapAsync(row, manager.Wrappers.All, cancellationToken).ConfigureAwait(false)));
                }

                var keys = new BlindIndexKeySet(roots);
                if (_loaded is { } replaced)
                {
                    _replaced.Add(replaced.Keys);
                }

                _loaded = new Loaded(table, active, keys);
                Log.BlindIndexKeysLoaded(logger, keys.LookupVersions, keys.WriteVersion, roots.Count);
                return keys;
            }
            finally
            {
                foreach (var (_, root) in roots)
                {
                    CryptographicOperations.ZeroMemory(root);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<DataKeyRecord> MintAsync(IKeyWrapper wrapper, int version, CancellationToken cancellationToken)
    {
        var material = GC.AllocateArray<byte>(KeyedHash.KeySize, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(material);
            var now = time.GetUtcNow();
            var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
            return new DataKeyRecord
            {
                Version = version,
                CreatedAt = createdAt,
                RollOverAt = createdAt, // not scheduled: index keys change only when an operator rotates them
                Status = DataKeyStatus.Active,
                WrappingProvider = wrapper.Provider,
                WrappingKeyId = wrapper.KeyId,
                WrappedKey = await WrapVerifiedAsync(wrapper, material, version, cancellationToken).ConfigureAwait(false),
                Commitment = KeyCommitment.Compute(material, version, createdAt, KeyWrapContext.BlindIndexKeyPurpose),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>The key of <paramref name="row"/>, checked against its commitment; the caller zeroes it.</summary>
    private static async Task<byte[]> UnwrapAsync(DataKeyRecord row, IReadOnlyList<IKeyWrapper> wrappers, CancellationToken cancellationToken)
    {
        var wrapper = wrappers.FirstOrDefault(w => w.CanUnwrap(row.WrappingProvider, row.WrappingKeyId))
            ?? throw BlindIndexKeyErrors.NoWrapperFor(row, wrappers.Select(w => $"{w.Provider} key '{w.KeyId}'").Distinct());
        byte[] material;
        try
        {
            material = await wrapper.UnwrapAsync(row.WrappedKey, row.WrappingKeyId, Context(row.Version), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ColumnCryptoException)
        {
            throw BlindIndexKeyErrors.UnwrapFailed(row, e);
        }

        if (material.Length != KeyedHash.KeySize
            || !CryptographicOperations.FixedTimeEquals(KeyCommitment.Compute(material, row.Version, row.CreatedAt, KeyWrapContext.BlindIndexKeyPurpose), row.Commitment))
        {
            CryptographicOperations.ZeroMemory(material);
            throw BlindIndexKeyErrors.CommitmentMismatch(row);
        }

        return material;
    }

    // A wrapping that did not unwrap to the same key would make every index written under it unmatchable: proved first.
    private static async Task<byte[]> WrapVerifiedAsync(IKeyWrapper wrapper, byte[] material, int version, CancellationToken cancellationToken)
    {
        var wrapped = await wrapper.WrapAsync(material, Context(version), cancellationToken).ConfigureAwait(false);
        var check = await wrapper.UnwrapAsync(wrapped, wrapper.KeyId, Context(version), cancellationToken).ConfigureAwait(false);
        var same = CryptographicOperations.FixedTimeEquals(check, material);
        CryptographicOperations.ZeroMemory(check);
        return same ? wrapped : throw BlindIndexKeyErrors.VerificationFailed(version, $"{wrapper.Provider} key '{wrapper.KeyId}'");
    }

    private static KeyWrapContext Context(int version) => new(version, KeyWrapContext.BlindIndexKeyPurpose);

    private static bool SameKeys(IReadOnlyList<DataKeyRecord> before, List<DataKeyRecord> now) =>
        before.Count == now.Count && before.Zip(now).All(p => p.First.Version == p.Second.Version && p.First.Commitment.AsSpan().SequenceEqual(p.Second.Commitment));

    private static DataKeyRecord WithStatus(DataKeyRecord row, DataKeyStatus status)
    {
        var copy = row.Copy();
        copy.Status = status;
        return copy;
    }

    public void Dispose()
    {
        _loaded?.Keys.Dispose();
        foreach (var set in _replaced)
        {
            set.Dispose();
        }

        _gate.Dispose();
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"KeyTableBlindIndexKeys (versions {string.Join(", ", _loaded?.Keys.LookupVersions ?? [])})";
}
