using System.Diagnostics;
using System.Security.Cryptography;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Integrity;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Loads, verifies, unwraps, creates and rolls over the data keys, and publishes each loaded ring to the
/// <see cref="DataKeyRingCache"/> that the hot path reads. Everything that touches the key table or the wrapping key
/// runs under one gate, so each key version is unwrapped once per process however many threads ask for it at once.
/// Keys are created only here, and only on the write side: at start-up, by the schedule, on an operator's request,
/// or for the first encryption; never because a value was read. Every load checks the key table against its
/// authenticated ring head, and every change of the key rows writes a new head in the same transaction.
/// </summary>
internal sealed class DataKeyManager : IDataKeyManager, IDataKeyRingSource, IDisposable
{
    private const int MaxReserveAttempts = 8;

    private readonly IDataKeyStore _store;
    private readonly Lazy<KeyWrapperSet> _wrappers;
    private readonly RolloverPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ColumnCryptoMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<IDataKeyUsage?> _usage;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DataKeyRingCache _cache;
    private readonly EncryptionReservation _reservation;
    private readonly CipherBackendSelector _cipher;
    private readonly KeyRingSealer _sealer;
    private readonly DataKeyObservations _observations;

    // The wrappers are created on first key access, not with the manager: building an EF model (for example in
    // 'dotnet ef migrations add') needs the encryptor but must not need the master key or KMS.
    public DataKeyManager(
        IDataKeyStore store,
        Func<KeyWrapperSet> wrappers,
        RolloverPolicy policy,
        TimeProvider time,
        ColumnCryptoMetrics metrics,
        ILogger<DataKeyManager> logger,
        CipherBackendSelector cipher,
        DataKeyObservations observations,
        Func<IDataKeyUsage?>? usage = null)
    {
        _observations = observations;
        _cipher = cipher;
        _store = store;
        _wrappers = new Lazy<KeyWrapperSet>(wrappers, LazyThreadSafetyMode.ExecutionAndPublication);
        _policy = policy;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _usage = usage ?? (() => null);
        _cache = new DataKeyRingCache(this, time, logger);
        _sealer = new KeyRingSealer(() => Wrappers, time);
        _reservation = new EncryptionReservation(store, policy, time, RollOverIfDueAsync, () => _cache.Current?.Table.KeyTable ?? "(not loaded)", logger);
    }

    /// <summary>The cache the hot path reads; this manager fills it.</summary>
    public DataKeyRingCache Cache => _cache;

    /// <summary>The configured key-encryption keys.</summary>
    public KeyWrapperSet Wrappers => _wrappers.Value;

    public IDataKeyStore Store => _store;

    /// <summary>The latest reservation, for tests that need it settled.</summary>
    internal Task PendingReservation => _reservation.Pending;

    /// <summary>The ring the hot path reads (null before the first load).</summary>
    internal DataKeyRing? Current => _cache.Current;

    // ---- what the cache asks for (rare, synchronous) ----------------------------------------------------------

    DataKeyRing IDataKeyRingSource.LoadForDecryption() => RunUnderGate(ring => ring is null, ct => LoadCoreAsync(ct));

    DataKeyRing IDataKeyRingSource.LoadForEncryption() => RunUnderGate(ring => ring?.Newest is null, RollOverIfDueCoreAsync);

    DataKeyRing IDataKeyRingSource.ReloadFor(int version) => RunUnderGate(
        ring => ring?.Find(version) is null && !_cache.RecentlyLookedUp(version),
        async ct =>
        {
            try
            {
                await LoadCoreAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                // Recorded when the lookup is over, so that readers arriving meanwhile wait for it rather than fail.
                _cache.RecordLookup(version);
            }
        });

    void IDataKeyRingSource.ReserveMore(DataKey key) => _reservation.ReserveInBackground(key);

    DataKey IDataKeyRingSource.ReserveNow(DataKey key)
    {
        for (var attempt = 0; attempt < MaxReserveAttempts; attempt++)
        {
            key = NextKeyWithBudget(key);
            if (_cache.TryTake(key))
            {
                return key;
            }
        }

        // Other writers used every count reserved meanwhile, again and again: a load this process cannot count for.
        throw CryptoErrors.ReservationFailed(key, KeyTable, new InvalidOperationException(
            $"{MaxReserveAttempts} reservations in a row were used up by other writers of this process before this one got an encryption."));
    }

    /// <summary>
    /// Waits until <paramref name="key"/> has budget, or returns the key that replaced it after a rollover. Throws when
    /// the key's count was lowered, when a reservation fails, or when the bound is reached and no key can be created.
    /// </summary>
    private DataKey NextKeyWithBudget(DataKey key)
    {
        if (key.Budget.Poison is { } poison)
        {
            throw poison;
        }

        if (!key.Budget.BoundReached)
        {
            // Waiting on the pool's task: no synchronization context is involved, so this cannot deadlock an EF converter.
            _reservation.ReserveAsync(key, _policy.ReservationBlock).GetAwaiter().GetResult();
            return key;
        }

        var ring = RunUnderGate(current => current?.Newest == key, RollOverIfDueCoreAsync);
        var next = ring.Newest ?? throw CryptoErrors.NoActiveKey();
        return next != key ? next : throw CryptoErrors.BoundReachedAndNoAutoGeneration(key.Version, _policy.MaxEncryptionsPerKey);
    }

    /// <summary>
    /// Runs <paramref name="work"/> under the gate unless another thread did it meanwhile (<paramref name="stillNeeded"/>
    /// false). Only on rare paths, from synchronous EF value converters; the async work runs on the thread pool so a
    /// synchronization context cannot deadlock it.
    /// </summary>
    private DataKeyRing RunUnderGate(Func<DataKeyRing?, bool> stillNeeded, Func<CancellationToken, Task> work)
    {
        _gate.Wait();
        try
        {
            if (stillNeeded(_cache.Current))
            {
                Task.Run(() => work(CancellationToken.None)).GetAwaiter().GetResult();
            }
        }
        finally
        {
            _gate.Release();
        }

        return _cache.Current ?? DataKeyRing.Empty;
    }

    private string KeyTable => _cache.Current?.Table.KeyTable ?? "(not loaded)";

    // ---- management -----------------------------------------------------------------------------------------

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await UnderGateAsync(RollOverIfDueCoreAsync, cancellationToken).ConfigureAwait(false);

        // The first block is reserved at start-up rather than by the first write, which may run inside a transaction
        // that holds the database's write lock (SQLite) and would wait for the reservation it blocks.
        if (_cache.Current?.Newest is { Budget: { Remaining: 0, BoundReached: false, Poison: null } } newest)
        {
            try
            {
                await _reservation.ReserveAsync(newest, _policy.ReservationBlock).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ColumnCryptoKeyException)
            {
                // Logged by the reservation; the first write that needs it reports it (reads work meanwhile).
            }
        }
    }

    public Task<int?> RollOverIfDueAsync(CancellationToken cancellationToken) => UnderGateAsync(RollOverIfDueCoreAsync, cancellationToken);

    public Task<int> RollOverAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async ct =>
        {
            var ring = await LoadCoreAsync(ct, seal: true).ConfigureAwait(false);
            return await CreateKeyCoreAsync(ring, "a rollover was requested", ct).ConfigureAwait(false);
        },
        cancellationToken);

    public Task RefreshAsync(CancellationToken cancellationToken) => UnderGateAsync(ct => LoadCoreAsync(ct), cancellationToken);

    public async Task<IReadOnlyList<DataKeyRecord>> GetKeysAsync(CancellationToken cancellationToken)
    {
        if (_cache.Current is null)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return _cache.Current!.Records;
    }

    public async Task<int> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        if (_cache.Current?.Newest is null)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return (_cache.Current?.Newest ?? throw CryptoErrors.NoActiveKey()).Version;
    }

    /// <summary>
    /// Makes sure this process may encrypt <paramref name="count"/> more values under the newest key without reserving
    /// again: reserves the difference now (rolling over first when the key cannot take that many).
    /// </summary>
    public async Task EnsureReservedAsync(long count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var key = _cache.Current?.Newest;
        for (var attempt = 0; attempt < MaxReserveAttempts; attempt++)
        {
            key ??= await UnderGateAsync(async ct =>
            {
                await RollOverIfDueCoreAsync(ct).ConfigureAwait(false);
                return _cache.Current?.Newest;
            }, cancellationToken).ConfigureAwait(false) ?? throw CryptoErrors.NoActiveKey();
            if (key.Budget.Remaining >= count)
            {
                return;
            }

            if (key.Budget.Poison is { } poison)
            {
                throw poison;
            }

            if (key.Budget.BoundReached)
            {
                var replaced = key;
                key = await UnderGateAsync(async ct =>
                {
                    await RollOverIfDueCoreAsync(ct).ConfigureAwait(false);
                    return _cache.Current?.Newest;
                }, cancellationToken).ConfigureAwait(false);
                if (key == replaced)
                {
                    throw CryptoErrors.BoundReachedAndNoAutoGeneration(replaced.Version, _policy.MaxEncryptionsPerKey);
                }

                continue;
            }

            await _reservation.ReserveAsync(key, count - key.Budget.Remaining).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- changes of the key ring (the lifecycle's) ----------------------------------------------------------------

    /// <summary>The key table as last verified, read again now.</summary>
    public async Task<DataKeyTableSnapshot> ReadVerifiedAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return _cache.Current!.Table;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a verified key ring together with its new ring head; false when the row is
    /// missing or no longer has the expected status (nothing is written then).
    /// </summary>
    public Task<bool> TryChangeRowAsync(KeyRowChange change, CancellationToken cancellationToken) => UnderGateAsync(
        async ct =>
        {
            var ring = await LoadCoreAsync(ct, seal: true).ConfigureAwait(false);
            if (ring.Records.FirstOrDefault(r => r.Version == change.Version) is not { } row || row.Status != change.ExpectedStatus)
            {
                return false;
            }

            var after = ring.Records.Select(r => r.Version == change.Version ? Changed(r, change) : r).ToList();
            var head = await _sealer.SealAsync(ring.Table, ring.Table.Head, after, ct).ConfigureAwait(false);
            var applied = await _store.TryApplyAsync(new KeyRingUpdate(head, ring.Table.Head!.Generation) { Changes = [change] }, ct).ConfigureAwait(false);
            await LoadCoreAsync(ct).ConfigureAwait(false);
            return applied;
        },
        cancellationToken);

    /// <summary>
    /// Applies a change of the blind-index key rows that <paramref name="plan"/> works out from the freshly verified
    /// table (null: nothing to do), together with the new ring head, under the gate, and reloads the ring after: index
    /// keys are key rows of the same ring, so they change exactly as data key rows do. False when nothing was planned
    /// or another instance changed the ring first (nothing is written then).
    /// </summary>
    public Task<bool> TryChangeBlindIndexKeysAsync(Func<DataKeyTableSnapshot, CancellationToken, Task<BlindIndexKeyChange?>> plan, CancellationToken cancellationToken) =>
        UnderGateAsync(
            async ct =>
            {
                var ring = await LoadCoreAsync(ct, seal: true).ConfigureAwait(false);
                if (await plan(ring.Table, ct).ConfigureAwait(false) is not { } change)
                {
                    return false;
                }

                var expected = ring.Table.Head?.Generation ?? 0;
                var head = await _sealer.SealAsync(ring.Table, ring.Table.Head, ring.Records, ct, expected + 1, change.RowsAfter).ConfigureAwait(false);
                var applied = await _store.TryApplyAsync(
                    new KeyRingUpdate(head, expected) { InsertBlindIndexKey = change.Insert, BlindIndexKeyChanges = change.Changes }, ct).ConfigureAwait(false);
                await LoadCoreAsync(ct).ConfigureAwait(false);
                return applied;
            },
            cancellationToken);

    /// <summary>Rewraps the ring key under <paramref name="target"/>; false when it already is (or the table has no ring head yet).</summary>
    public Task<bool> RewrapRingKeyAsync(IKeyWrapper target, CancellationToken cancellationToken) => UnderGateAsync(
        async ct =>
        {
            var ring = await LoadCoreAsync(ct, seal: true).ConfigureAwait(false);
            if (ring.Table.Head is not { } head
                || (head.RingKeyWrappingProvider == target.Provider && head.RingKeyWrappingKeyId == target.KeyId))
            {
                return false;
            }

            var rewrapped = await _sealer.RewrapAsync(ring.Table, head, target, ct).ConfigureAwait(false);
            var applied = await _store.TryApplyAsync(new KeyRingUpdate(rewrapped, head.Generation), ct).ConfigureAwait(false);
            await LoadCoreAsync(ct).ConfigureAwait(false);
            return applied;
        },
        cancellationToken);

    /// <summary>
    /// Starts a new key ring on an empty key table whose values are under lost keys: version numbers continue above
    /// every version the stored values (and any ring head left behind) name, so old values keep failing as "unknown
    /// key version", never as "altered". Refused when the table still holds key rows.
    /// </summary>
    public Task<int> StartNewKeyRingAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async ct =>
        {
            var table = await _store.ReadAsync(ct).ConfigureAwait(false);
            if (table.Rows.Count > 0)
            {
                throw new ColumnCryptoRefusedException(
                    $"A new key ring was not started: the key table {table.KeyTable} still holds {table.Rows.Count} key row(s). A new key ring is only " +
                    "started on an empty key table (one that was lost); if its rows fail the integrity check, restore the key table and its ring head from a backup.");
            }

            var inUse = _usage() is { } usage
                ? (await usage.CountKnownColumnsAsync(ct).ConfigureAwait(false)).VersionsInUse.DefaultIfEmpty(0).Max()
                : 0;
            var recorded = table.Head is { } old && KeyRingManifest.TryParse(old.Manifest, out var entries)
                ? entries.Select(e => e.Version).DefaultIfEmpty(0).Max()
                : 0;
            var version = Math.Max(inUse, recorded) + 1;
            var created = await CreateKeyCoreAsync(new DataKeyRing(table, []), "an operator started a new key ring", ct, version, newRing: true).ConfigureAwait(false);
            Log.NewKeyRingStarted(_logger, table.KeyTable, created);
            return created;
        },
        cancellationToken);

    private static DataKeyRecord Changed(DataKeyRecord row, KeyRowChange change)
    {
        var copy = row.Copy();
        copy.Status = change.Status ?? copy.Status;
        copy.WrappedKey = change.WipeWrappedKey ? [] : copy.WrappedKey;
        copy.Commitment = change.Commitment ?? copy.Commitment;
        return copy;
    }

    // ---- under the gate -------------------------------------------------------------------------------------

    private async Task<T> UnderGateAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Creates a key when the table has no active one, or when the newest is due. Start-up and the periodic check make
    /// the same decision, always on a fresh, verified read: another instance may have rolled over already. With
    /// automatic key creation off, a missing key is an error and a due rollover is only reported: an operator creates keys.
    /// </summary>
    private async Task<int?> RollOverIfDueCoreAsync(CancellationToken cancellationToken)
    {
        using var activity = ColumnCryptoActivitySource.Source.StartActivity(ColumnCryptoActivitySource.Rollover);
        try
        {
            var created = await RollOverIfDueUntracedAsync(activity, cancellationToken).ConfigureAwait(false);
            _observations.RolloverSucceeded();
            return created;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            if (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _observations.RolloverFailed(e);
            }

            throw;
        }
    }

    private async Task<int?> RollOverIfDueUntracedAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var ring = await LoadCoreAsync(cancellationToken, seal: true).ConfigureAwait(false);
        var reason = ring.NewestRecord is null
            ? "the data key table has no active key"
            : _policy.GetRolloverReason(ring.NewestRecord, _time.GetUtcNow());
        activity?.SetTag(ColumnCryptoTelemetry.KeyVersionTag, ring.NewestRecord?.Version).SetTag("columncrypto.rollover.due", reason is not null);
        if (reason is null)
        {
            return null;
        }

        activity?.SetTag("columncrypto.rollover.reason", reason);

        if (!_policy.AutoGenerateKeys)
        {
            if (ring.NewestRecord is null)
            {
                throw CryptoErrors.NoActiveKeyAndNoAutoGeneration();
            }

            Log.RolloverDueButAutoGenerationOff(_logger, ring.NewestRecord.Version, reason);
            return null;
        }

        return await CreateKeyCoreAsync(ring, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the table, verifies it (rows, then the ring head, then the active keys' unwrapping and commitments) and
    /// publishes a new ring. Keys already unwrapped (same version and commitment) are reused, so a refresh unwraps only
    /// new keys; so is a key this process just created (<paramref name="created"/>), which it has already unwrapped once
    /// to verify it. With <paramref name="seal"/> (the write side), a table written before ring heads existed gets its
    /// first head. Any failure throws before anything is published: callers never create a key on top of a failed
    /// read, and the ring verified before stays in use (fail closed).
    /// </summary>
    private async Task<DataKeyRing> LoadCoreAsync(CancellationToken cancellationToken, DataKey? created = null, bool seal = false)
    {
        _metrics.KeyRingLoads.Add(1);
        using var activity = ColumnCryptoActivitySource.Source.StartActivity(ColumnCryptoActivitySource.KeyRingLoad);
        var old = _cache.Current;
        DataKeyTableSnapshot table;
        var keys = new List<DataKey>();
        var unwrapped = 0;
        // What each loaded key's count was known to be before the read: the count read may not be lower.
        var floors = (old?.Keys ?? []).Append(created).OfType<DataKey>().ToDictionary(k => k, k => k.Budget.SeenTotal);
        try
        {
            table = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
            activity?.SetTag(ColumnCryptoTelemetry.TableTag, table.KeyTable).SetTag("columncrypto.keyring.rows", table.Rows.Count);
            KeyRingSealer.VerifyRows(table);

            // The set of rows is checked before any data key is unwrapped, so an added or replaced row is reported as
            // such; a ring key that cannot be unwrapped (a wrong master key) is reported after the data keys, whose
            // messages name the version and both keys.
            ColumnCryptoKeyException? ringKeyProblem = null;
            try
            {
                await _sealer.VerifyHeadAsync(table, cancellationToken).ConfigureAwait(false);
            }
            catch (ColumnCryptoKeyException e) when (e is not ColumnCryptoKeyRingException)
            {
                ringKeyProblem = e;
            }

            foreach (var record in table.Rows.Where(r => r.Status == DataKeyStatus.Active))
            {
                var existing = old?.Find(record.Version) ?? (created?.Version == record.Version ? created : null);
                if (existing is not null && existing.Record.Commitment.AsSpan().SequenceEqual(record.Commitment))
                {
                    ObserveCount(existing, record, floors.GetValueOrDefault(existing), table.KeyTable);
                    keys.Add(existing);
                    continue;
                }

                var key = await UnwrapAsync(table, record, cancellationToken).ConfigureAwait(false);
                keys.Add(key);
                ObserveCount(key, record, 0, table.KeyTable);
                unwrapped++;
            }

            if (ringKeyProblem is not null)
            {
                throw ringKeyProblem;
            }

            if (seal && table.Head is null && table.Rows.Count > 0)
            {
                await SealLegacyTableAsync(table, keys, cancellationToken).ConfigureAwait(false);
                DisposeUnpublished(keys, old, created);
                return await LoadCoreAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Keys unwrapped in this attempt are not published: zero them.
            DisposeUnpublished(keys, old, created);
            created?.Dispose();
            activity.Fail(e);
            if (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _observations.LoadFailed(e);
            }

            if (e is ColumnCryptoKeyRingException)
            {
                Log.KeyRingIntegrityFailed(_logger, e, old?.Newest is { } newest
                    ? $"this process keeps the keys it verified before (newest version {newest.Version}) and creates none"
                    : "no data key is used or created");
            }
            else if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                Log.KeyLoadCancelled(_logger); // the caller stops; not a failure of the key table
            }
            else
            {
                Log.KeyLoadFailed(_logger, e);
            }

            throw;
        }

        if (created is not null && !keys.Contains(created))
        {
            created.Dispose(); // another instance's key won the version
        }

        var ring = new DataKeyRing(table, keys);
        _cache.Publish(ring);
        if (old is not null)
        {
            // Keys that left the ring (retired) are zeroed.
            foreach (var dropped in old.Keys.Where(k => ring.Find(k.Version) != k))
            {
                dropped.Dispose();
            }
        }

        Log.KeyRingLoaded(_logger, keys.Count, ring.Newest?.Version ?? 0, unwrapped);
        activity?.SetTag("columncrypto.keyring.active_keys", keys.Count)
            .SetTag(ColumnCryptoTelemetry.KeyVersionTag, ring.NewestRecord?.Version)
            .SetTag("columncrypto.keys.unwrapped", unwrapped);
        _observations.Loaded(ring.NewestRecord?.Version, ring.NewestRecord is { } newestRecord ? _policy.RollOverAt(newestRecord) : null, keys.Count);
        return ring;
    }

    private static void DisposeUnpublished(List<DataKey> keys, DataKeyRing? old, DataKey? created)
    {
        foreach (var key in keys.Where(k => old?.Find(k.Version) != k && k != created))
        {
            key.Dispose();
        }

        keys.Clear();
    }

    /// <summary>The stored count only ever grows; a lower one than this process saw stops encryption under the key.</summary>
    private void ObserveCount(DataKey key, DataKeyRecord record, long floor, string keyTable)
    {
        if (key.Budget.Observe(record.EncryptionCount, floor, _policy.MaxEncryptionsPerKey, (seen, stored) => CryptoErrors.CountLowered(record.Version, keyTable, seen, stored)))
        {
            key.Record.EncryptionCount = Math.Max(key.Record.EncryptionCount, record.EncryptionCount);
        }
        else
        {
            Log.EncryptionCountLowered(_logger, key.Budget.Poison, record.Version);
        }
    }

    /// <summary>
    /// Gives a table written before ring heads existed its first head, in one transaction with the re-commitment of
    /// every key it holds under the v2 label: from then on a deleted head is recognisable (rows carry v2 commitments
    /// without a head), so deleting the head cannot bring this adoption back. Every key is unwrapped and checked first.
    /// </summary>
    private async Task SealLegacyTableAsync(DataKeyTableSnapshot table, IReadOnlyList<DataKey> active, CancellationToken cancellationToken)
    {
        var changes = new List<KeyRowChange>();
        var after = new List<DataKeyRecord>();
        foreach (var row in table.Rows)
        {
            var copy = row.Copy();
            if (row.Status != DataKeyStatus.Destroyed)
            {
                var activeKey = active.FirstOrDefault(k => k.Version == row.Version);
                var material = activeKey is null ? await UnwrapMaterialAsync(table, row, cancellationToken).ConfigureAwait(false) : activeKey.Material.ToArray();
                try
                {
                    copy.Commitment = KeyCommitment.Compute(material, row.Version, row.CreatedAt);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(material);
                }

                changes.Add(new KeyRowChange(row.Version, row.Status) { Commitment = copy.Commitment });
            }

            after.Add(copy);
        }

        var head = await _sealer.SealAsync(table, null, after, cancellationToken).ConfigureAwait(false);
        if (await _store.TryApplyAsync(new KeyRingUpdate(head, 0) { Changes = changes }, cancellationToken).ConfigureAwait(false))
        {
            Log.KeyTableSealed(_logger, table.KeyTable, table.Rows.Count);
        }
    }

    private async Task<DataKey> UnwrapAsync(DataKeyTableSnapshot table, DataKeyRecord record, CancellationToken cancellationToken)
    {
        var material = await UnwrapMaterialAsync(table, record, cancellationToken).ConfigureAwait(false);
        try
        {
            _metrics.KeysUnwrapped.Add(1);
            return new DataKey(record, material, _cipher.Backend);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>The key of <paramref name="record"/>, checked against its commitment; the caller zeroes it.</summary>
    private async Task<byte[]> UnwrapMaterialAsync(DataKeyTableSnapshot table, DataKeyRecord record, CancellationToken cancellationToken)
    {
        var wrapper = Wrappers.FindFor(record) ?? throw CryptoErrors.NoWrapperFor(record, Wrappers.Describe());
        byte[] material;
        try
        {
            material = await wrapper.UnwrapAsync(record.WrappedKey, record.WrappingKeyId, new KeyWrapContext(record.Version), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ColumnCryptoException)
        {
            throw CryptoErrors.UnwrapFailed(record, e);
        }

        var kind = material.Length == DataKey.KeySize ? KeyCommitment.Check(material, record) : CommitmentKind.None;
        if (kind == CommitmentKind.None || (kind == CommitmentKind.Sealed && table.Head is null))
        {
            CryptographicOperations.ZeroMemory(material);
            throw kind == CommitmentKind.None ? CryptoErrors.CommitmentMismatch(record) : CryptoErrors.RingHeadMissing(table, record.Version);
        }

        return material;
    }

    /// <summary>
    /// Mints, wraps, verifies and inserts the next version (or <paramref name="version"/>) with its first block of
    /// encryptions reserved, together with the new ring head. The write is conditional on the head's generation, so
    /// when instances race exactly one key is written and the others adopt it. The next version is above every version
    /// the table ever held (retired and destroyed rows stay), so no version number is created twice.
    /// </summary>
    private async Task<int> CreateKeyCoreAsync(DataKeyRing ring, string reason, CancellationToken cancellationToken, int? version = null, bool newRing = false)
    {
        // Chosen and self-tested before a key is minted, so a cipher that cannot be used leaves no new key row behind.
        var cipher = _cipher.Backend;
        if (ring.Records.Count == 0 && !newRing)
        {
            await EnsureNoEncryptedValuesAsync(ring.Table, cancellationToken).ConfigureAwait(false);
        }

        var next = version ?? ring.HighestVersion + 1;
        using var activity = ColumnCryptoActivitySource.Source.StartActivity(ColumnCryptoActivitySource.KeyCreate)?
            .SetTag(ColumnCryptoTelemetry.KeyVersionTag, next)
            .SetTag(ColumnCryptoTelemetry.TableTag, ring.Table.KeyTable)
            .SetTag("columncrypto.rollover.reason", reason);
        var now = _time.GetUtcNow();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var material = GC.AllocateArray<byte>(DataKey.KeySize, pinned: true);
        DataKey? created = null;
        try
        {
            RandomNumberGenerator.Fill(material);
            var wrapper = Wrappers.Primary;
            activity?.SetTag(ColumnCryptoTelemetry.WrappingProviderTag, wrapper.Provider).SetTag(ColumnCryptoTelemetry.WrappingKeyIdTag, wrapper.KeyId);
            var context = new KeyWrapContext(next);
            var wrapped = await wrapper.WrapAsync(material, context, cancellationToken).ConfigureAwait(false);

            // Prove the wrapped form unwraps to the same key before it is stored: a key we could not unwrap later
            // would make every value written under it unreadable.
            var check = await wrapper.UnwrapAsync(wrapped, wrapper.KeyId, context, cancellationToken).ConfigureAwait(false);
            var same = CryptographicOperations.FixedTimeEquals(check, material);
            CryptographicOperations.ZeroMemory(check);
            if (!same)
            {
                throw CryptoErrors.VerificationFailed(next, $"{wrapper.Provider} key '{wrapper.KeyId}'");
            }

            // The row is inserted with this process's first block already reserved: creating the key is reserving.
            var record = new DataKeyRecord
            {
                Version = next,
                CreatedAt = createdAt,
                RollOverAt = createdAt + _policy.RollOverLength,
                Status = DataKeyStatus.Active,
                WrappingProvider = wrapper.Provider,
                WrappingKeyId = wrapper.KeyId,
                WrappedKey = wrapped,
                Commitment = KeyCommitment.Compute(material, next, createdAt),
                EncryptionCount = _policy.ReservationBlock,
            };

            var previous = newRing ? null : ring.Table.Head;
            var expected = ring.Table.Head?.Generation ?? 0;
            var head = await _sealer.SealAsync(ring.Table, previous, [.. ring.Records, record], cancellationToken, expected + 1).ConfigureAwait(false);
            if (await _store.TryApplyAsync(new KeyRingUpdate(head, expected) { Insert = record }, cancellationToken).ConfigureAwait(false))
            {
                created = new DataKey(record, material, cipher);
                created.Budget.Grant(record.EncryptionCount, record.EncryptionCount, 0, _policy.MaxEncryptionsPerKey, _policy.ReservationBlock, (_, _) => CryptoErrors.NoActiveKey());
                _metrics.KeysCreated.Add(1);
                Log.DataKeyCreated(_logger, next, wrapper.Provider, wrapper.KeyId, reason);
            }
            else
            {
                activity?.SetTag("columncrypto.key.created_by_another_instance", true);
                Log.RolloverLostRace(_logger, next);
            }
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }

        var reloaded = await LoadCoreAsync(cancellationToken, created).ConfigureAwait(false);
        return reloaded.Newest?.Version ?? throw CryptoErrors.NoActiveKey();
    }

    /// <summary>
    /// No first key over existing data: an empty key table with ciphertexts in the columns the application knows (its
    /// model's, and the registry's) means the key table was lost, and a new version 1 would make every old value read
    /// as "altered". Plaintext (a column being migrated) does not count. Without a usage counter (no SQL key store),
    /// nothing can be checked.
    /// </summary>
    private async Task EnsureNoEncryptedValuesAsync(DataKeyTableSnapshot table, CancellationToken cancellationToken)
    {
        if (_usage() is not { } usage)
        {
            return;
        }

        var report = await usage.CountKnownColumnsAsync(cancellationToken).ConfigureAwait(false);
        var holding = report.Columns
            .Where(c => c.ValuesByVersion.Values.Sum() + c.Damaged > 0)
            .Select(c => $"{c} ({c.ValuesByVersion.Values.Sum() + c.Damaged} values{(c.ValuesByVersion.Count > 0 ? $" under key version(s) {string.Join(", ", c.ValuesByVersion.Keys)}" : "")})")
            .ToList();
        if (holding.Count > 0)
        {
            throw CryptoErrors.FirstKeyOverExistingData(table.KeyTable, holding, DataKeyLifecycle.NewKeyRingConfirmation);
        }
    }

    public void Dispose()
    {
        if (_cache.Publish(null) is { } ring)
        {
            foreach (var key in ring.Keys)
            {
                key.Dispose();
            }
        }

        _sealer.Dispose();
        _gate.Dispose();
    }
}
