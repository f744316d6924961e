using System.Security.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Loads, unwraps, creates and rolls over the data keys, and publishes each loaded ring to the
/// <see cref="DataKeyRingCache"/> that the hot path reads. Everything that touches the key table or the wrapping key
/// runs under one gate, so each key version is unwrapped once per process however many threads ask for it at once.
/// Keys are created only here, and only on the write side: at start-up, by the schedule, on an operator's request,
/// or for the first encryption; never because a value was read.
/// </summary>
internal sealed class DataKeyManager : IDataKeyManager, IDataKeyRingSource, IDisposable
{
    private readonly IDataKeyStore _store;
    private readonly Lazy<KeyWrapperSet> _wrappers;
    private readonly RolloverPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ColumnCryptoMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DataKeyRingCache _cache;
    private readonly EncryptionReservation _reservation;

    // The wrappers are created on first key access, not with the manager: building an EF model (for example in
    // 'dotnet ef migrations add') needs the encryptor but must not need the master key or KMS.
    public DataKeyManager(
        IDataKeyStore store,
        Func<KeyWrapperSet> wrappers,
        RolloverPolicy policy,
        TimeProvider time,
        ColumnCryptoMetrics metrics,
        ILogger<DataKeyManager> logger)
    {
        _store = store;
        _wrappers = new Lazy<KeyWrapperSet>(wrappers, LazyThreadSafetyMode.ExecutionAndPublication);
        _policy = policy;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _cache = new DataKeyRingCache(this, logger);
        _reservation = new EncryptionReservation(store, policy, RollOverIfDueAsync, logger);
    }

    /// <summary>The cache the hot path reads; this manager fills it.</summary>
    public DataKeyRingCache Cache => _cache;

    /// <summary>The configured key-encryption keys.</summary>
    public KeyWrapperSet Wrappers => _wrappers.Value;

    public IDataKeyStore Store => _store;

    /// <summary>The background reservation, for tests that need it settled.</summary>
    internal Task PendingReservation => _reservation.Pending;

    /// <summary>The ring the hot path reads (null before the first load).</summary>
    internal DataKeyRing? Current => _cache.Current;

    // ---- what the cache asks for (rare, synchronous) ----------------------------------------------------------

    DataKeyRing IDataKeyRingSource.LoadForDecryption() => RunUnderGate(ring => ring is null, ct => LoadCoreAsync(ct));

    DataKeyRing IDataKeyRingSource.LoadForEncryption() => RunUnderGate(ring => ring?.Newest is null, RollOverIfDueCoreAsync);

    DataKeyRing IDataKeyRingSource.ReloadFor(int version) => RunUnderGate(ring => ring?.Find(version) is null, ct => LoadCoreAsync(ct));

    void IDataKeyRingSource.ReserveMore(DataKey key) => _reservation.ReserveInBackground(key);

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

    // ---- management -----------------------------------------------------------------------------------------

    public Task InitializeAsync(CancellationToken cancellationToken) => UnderGateAsync(RollOverIfDueCoreAsync, cancellationToken);

    public Task<int?> RollOverIfDueAsync(CancellationToken cancellationToken) => UnderGateAsync(RollOverIfDueCoreAsync, cancellationToken);

    public Task<int> RollOverAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async ct => await CreateKeyCoreAsync(await LoadCoreAsync(ct).ConfigureAwait(false), "a rollover was requested", ct).ConfigureAwait(false),
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
    /// the same decision, always on a fresh read: another instance may have rolled over already. With automatic key
    /// creation off, a missing key is an error and a due rollover is only reported: an operator creates keys.
    /// </summary>
    private async Task<int?> RollOverIfDueCoreAsync(CancellationToken cancellationToken)
    {
        var ring = await LoadCoreAsync(cancellationToken).ConfigureAwait(false);
        var reason = ring.NewestRecord is null
            ? "the data key table has no active key"
            : _policy.GetRolloverReason(ring.NewestRecord, _time.GetUtcNow());
        if (reason is null)
        {
            return null;
        }

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
    /// Reads the table and publishes a new ring. Keys already unwrapped (same version and commitment) are reused, so a
    /// refresh unwraps only new keys; so is a key this process just created (<paramref name="created"/>), which it has
    /// already unwrapped once to verify it. Any failure throws before anything is published: callers never create a
    /// key on top of a failed read (fail closed).
    /// </summary>
    private async Task<DataKeyRing> LoadCoreAsync(CancellationToken cancellationToken, DataKey? created = null)
    {
        _metrics.KeyRingLoads.Add(1);
        var old = _cache.Current;
        IReadOnlyList<DataKeyRecord> records;
        var keys = new List<DataKey>();
        var unwrapped = 0;
        try
        {
            records = await _store.GetAllAsync(cancellationToken).ConfigureAwait(false);
            foreach (var record in records.Where(r => r.Status == DataKeyStatus.Active))
            {
                var existing = old?.Find(record.Version) ?? (created?.Version == record.Version ? created : null);
                if (existing is not null && existing.Record.Commitment.AsSpan().SequenceEqual(record.Commitment))
                {
                    existing.Record.EncryptionCount = Math.Max(existing.Record.EncryptionCount, record.EncryptionCount);
                    keys.Add(existing);
                    continue;
                }

                keys.Add(await UnwrapAsync(record, cancellationToken).ConfigureAwait(false));
                unwrapped++;
            }
        }
        catch (Exception e)
        {
            // Keys unwrapped in this attempt are not published: zero them.
            foreach (var key in keys.Where(k => old?.Find(k.Version) != k))
            {
                key.Dispose();
            }

            created?.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
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

        var ring = new DataKeyRing(records, keys);
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
        return ring;
    }

    private async Task<DataKey> UnwrapAsync(DataKeyRecord record, CancellationToken cancellationToken)
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

        try
        {
            if (material.Length != DataKey.KeySize || !KeyCommitment.Verify(material, record))
            {
                throw CryptoErrors.CommitmentMismatch(record);
            }

            _metrics.KeysUnwrapped.Add(1);
            return new DataKey(record, material);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>
    /// Mints, wraps, verifies and inserts the next version. The insert is conditional on the version being new, so
    /// when instances race exactly one row is written and the others adopt it.
    /// </summary>
    private async Task<int> CreateKeyCoreAsync(DataKeyRing ring, string reason, CancellationToken cancellationToken)
    {
        var version = ring.HighestVersion + 1;
        var now = _time.GetUtcNow();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var material = GC.AllocateArray<byte>(DataKey.KeySize, pinned: true);
        DataKey? created = null;
        try
        {
            RandomNumberGenerator.Fill(material);
            var wrapper = Wrappers.Primary;
            var context = new KeyWrapContext(version);
            var wrapped = await wrapper.WrapAsync(material, context, cancellationToken).ConfigureAwait(false);

            // Prove the wrapped form unwraps to the same key before it is stored: a key we could not unwrap later
            // would make every value written under it unreadable.
            var check = await wrapper.UnwrapAsync(wrapped, wrapper.KeyId, context, cancellationToken).ConfigureAwait(false);
            var same = CryptographicOperations.FixedTimeEquals(check, material);
            CryptographicOperations.ZeroMemory(check);
            if (!same)
            {
                throw CryptoErrors.VerificationFailed(version, $"{wrapper.Provider} key '{wrapper.KeyId}'");
            }

            var record = new DataKeyRecord
            {
                Version = version,
                CreatedAt = createdAt,
                RollOverAt = createdAt + _policy.RollOverLength,
                Status = DataKeyStatus.Active,
                WrappingProvider = wrapper.Provider,
                WrappingKeyId = wrapper.KeyId,
                WrappedKey = wrapped,
                Commitment = KeyCommitment.Compute(material, version, createdAt),
            };

            if (await _store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
            {
                created = new DataKey(record, material);
                _metrics.KeysCreated.Add(1);
                Log.DataKeyCreated(_logger, version, wrapper.Provider, wrapper.KeyId, reason);
            }
            else
            {
                Log.RolloverLostRace(_logger, version);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }

        var reloaded = await LoadCoreAsync(cancellationToken, created).ConfigureAwait(false);
        return reloaded.Newest?.Version ?? throw CryptoErrors.NoActiveKey();
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

        _gate.Dispose();
    }
}
