namespace ColumnCrypto.Keys;

/// <summary>
/// A data key table in memory, for tests and single-process prototypes. Keys are lost when the process ends, and with
/// them every value encrypted under them: use the SQL key store (ColumnCrypto.Data) for real data.
/// </summary>
public sealed class InMemoryDataKeyStore : IDataKeyStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, DataKeyRecord> _rows = [];

    /// <inheritdoc />
    public Task<IReadOnlyList<DataKeyRecord>> GetAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Copies, as a database read would return: callers must not see later writes through them.
            return Task.FromResult<IReadOnlyList<DataKeyRecord>>(_rows.Values.Select(Copy).ToList());
        }
    }

    /// <inheritdoc />
    public Task<bool> TryAddAsync(DataKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            return Task.FromResult(_rows.TryAdd(record.Version, Copy(record)));
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

    /// <inheritdoc />
    public Task<bool> TrySetStatusAsync(int version, DataKeyStatus expected, DataKeyStatus status, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(version, out var row) || row.Status != expected)
            {
                return Task.FromResult(false);
            }

            row.Status = status;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryDestroyAsync(int version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(version, out var row) || row.Status != DataKeyStatus.Retired)
            {
                return Task.FromResult(false);
            }

            row.WrappedKey = [];
            row.Status = DataKeyStatus.Destroyed;
            return Task.FromResult(true);
        }
    }

    private DataKeyRecord Get(int version) =>
        _rows.TryGetValue(version, out var row) ? row : throw new KeyNotFoundException($"No data key version {version}.");

    private static DataKeyRecord Copy(DataKeyRecord r) => new()
    {
        Version = r.Version,
        CreatedAt = r.CreatedAt,
        RollOverAt = r.RollOverAt,
        Status = r.Status,
        WrappingProvider = r.WrappingProvider,
        WrappingKeyId = r.WrappingKeyId,
        WrappedKey = [.. r.WrappedKey],
        Commitment = [.. r.Commitment],
        EncryptionCount = r.EncryptionCount,
    };
}
