namespace ColumnCrypto.Keys;

/// <summary>
/// A data key table in memory, for tests and single-process prototypes. Keys are lost when the process ends, and with
/// them every value encrypted under them: use the SQL key store (ColumnCrypto.Data) for real data.
/// </summary>
public sealed class InMemoryDataKeyStore : IDataKeyStore
{
    /// <summary>The name this store gives its key table in messages.</summary>
    public const string TableName = "in-memory key table";

    private readonly Lock _lock = new();

    // A list, not a dictionary keyed by version: what a table without its primary key could hold (tests tamper with it).
    private readonly List<DataKeyRecord> _rows = [];
    private readonly List<DataKeyRecord> _indexKeys = [];
    private KeyRingHead? _head;

    /// <inheritdoc />
    public Task<DataKeyTableSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Copies, as a database read would return: callers must not see later writes through them.
            return Task.FromResult(new DataKeyTableSnapshot(TableName, TableName, [.. _rows.OrderBy(r => r.Version).Select(r => r.Copy())], _head is null ? null : Copy(_head))
            {
                BlindIndexKeys = [.. _indexKeys.OrderBy(r => r.Version).Select(r => r.Copy())],
            });
        }
    }

    /// <inheritdoc />
    public Task<bool> TryApplyAsync(KeyRingUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            var applicable = (_head?.Generation ?? 0) == update.ExpectedGeneration
                && Applicable(_rows, update.Insert, update.Changes)
                && Applicable(_indexKeys, update.InsertBlindIndexKey, update.BlindIndexKeyChanges);
            if (!applicable)
            {
                return Task.FromResult(false);
            }

            Apply(_rows, update.Insert, update.Changes);
            Apply(_indexKeys, update.InsertBlindIndexKey, update.BlindIndexKeyChanges);

            _head = Copy(update.Head);
            return Task.FromResult(true);
        }
    }

    private static bool Applicable(List<DataKeyRecord> rows, DataKeyRecord? insert, IReadOnlyList<KeyRowChange> changes) =>
        (insert is null || rows.All(r => r.Version != insert.Version))
        && changes.All(c => rows.Count(r => r.Version == c.Version && r.Status == c.ExpectedStatus) == 1);

    private static void Apply(List<DataKeyRecord> rows, DataKeyRecord? insert, IReadOnlyList<KeyRowChange> changes)
    {
        foreach (var change in changes)
        {
            var row = rows.Single(r => r.Version == change.Version);
            row.Status = change.Status ?? row.Status;
            row.WrappedKey = change.WipeWrappedKey ? [] : row.WrappedKey;
            row.Commitment = change.Commitment is { } commitment ? [.. commitment] : row.Commitment;
            if (change.Wrapping is { } wrapping)
            {
                row.WrappingProvider = wrapping.Provider;
                row.WrappingKeyId = wrapping.KeyId;
                row.WrappedKey = [.. wrapping.WrappedKey];
            }
        }

        if (insert is not null)
        {
            rows.Add(insert.Copy());
        }
    }

    /// <inheritdoc />
    public Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var row = Get(version);
            row.EncryptionCount += count;
            return Task.FromResult(row.EncryptionCount);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var row = Get(version);
            if (row.WrappingKeyId != expectedWrappingKeyId)
            {
                return Task.FromResult(false);
            }

            row.WrappingProvider = wrappingProvider;
            row.WrappingKeyId = wrappingKeyId;
            row.WrappedKey = [.. wrappedKey];
            return Task.FromResult(true);
        }
    }

    /// <summary>A store holding <paramref name="table"/>'s rows and head as they are, like a restored backup (for tests).</summary>
    internal static InMemoryDataKeyStore From(DataKeyTableSnapshot table)
    {
        var store = From(table.Rows, table.Head);
        store._indexKeys.AddRange(table.BlindIndexKeys.Select(r => r.Copy()));
        return store;
    }

    /// <summary>A store holding <paramref name="rows"/> and <paramref name="head"/> as they are, checking nothing (for tests).</summary>
    internal static InMemoryDataKeyStore From(IEnumerable<DataKeyRecord> rows, KeyRingHead? head)
    {
        var store = new InMemoryDataKeyStore();
        store._rows.AddRange(rows.Select(r => r.Copy()));
        store._head = head is null ? null : Copy(head);
        return store;
    }

    /// <summary>
    /// Changes the stored rows and head directly, as raw SQL against a key table would, bypassing every rule: for tests
    /// that tamper with the key table.
    /// </summary>
    internal void Tamper(Action<List<DataKeyRecord>> rows, Func<KeyRingHead?, KeyRingHead?>? head = null, Action<List<DataKeyRecord>>? blindIndexKeys = null)
    {
        lock (_lock)
        {
            rows(_rows);
            blindIndexKeys?.Invoke(_indexKeys);
            if (head is not null)
            {
                _head = head(_head);
            }
        }
    }

    private DataKeyRecord Get(int version) =>
        _rows.FirstOrDefault(r => r.Version == version) ?? throw new KeyNotFoundException($"No data key version {version} in the {TableName}.");

    private static KeyRingHead Copy(KeyRingHead h) => new()
    {
        Generation = h.Generation,
        Manifest = h.Manifest,
        Mac = [.. h.Mac],
        RingKeyWrappingProvider = h.RingKeyWrappingProvider,
        RingKeyWrappingKeyId = h.RingKeyWrappingKeyId,
        WrappedRingKey = [.. h.WrappedRingKey],
        UpdatedAt = h.UpdatedAt,
    };
}
