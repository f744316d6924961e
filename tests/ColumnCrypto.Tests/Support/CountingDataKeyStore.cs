using ColumnCrypto.Keys;

namespace ColumnCrypto.Tests.Support;

/// <summary>
/// Wraps a key store (usually the shared <see cref="InMemoryDataKeyStore"/>) to count reads and inserts per instance,
/// and optionally to delay them so concurrent instances really overlap.
/// </summary>
internal sealed class CountingDataKeyStore(IDataKeyStore inner) : IDataKeyStore
{
    private int _reads;
    private int _addAttempts;
    private int _adds;

    public int Reads => Volatile.Read(ref _reads);

    public int AddAttempts => Volatile.Read(ref _addAttempts);

    public int Adds => Volatile.Read(ref _adds);

    /// <summary>Delay before each read returns (simulates a database round trip).</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>Delay before each insert is attempted.</summary>
    public TimeSpan AddDelay { get; set; }

    public async Task<IReadOnlyList<DataKeyRecord>> GetAllAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var rows = await inner.GetAllAsync(cancellationToken);
        if (ReadDelay > TimeSpan.Zero)
        {
            await Task.Delay(ReadDelay, cancellationToken);
        }

        return rows;
    }

    public async Task<bool> TryAddAsync(DataKeyRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _addAttempts);
        if (AddDelay > TimeSpan.Zero)
        {
            await Task.Delay(AddDelay, cancellationToken);
        }

        var added = await inner.TryAddAsync(record, cancellationToken);
        if (added)
        {
            Interlocked.Increment(ref _adds);
        }

        return added;
    }

    public Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken) =>
        inner.ReserveEncryptionsAsync(version, count, cancellationToken);

    public Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken) =>
        inner.TryUpdateWrappingAsync(version, expectedWrappingKeyId, wrappingProvider, wrappingKeyId, wrappedKey, cancellationToken);

    public Task<bool> TrySetStatusAsync(int version, DataKeyStatus expected, DataKeyStatus status, CancellationToken cancellationToken) =>
        inner.TrySetStatusAsync(version, expected, status, cancellationToken);

    public Task<bool> TryDestroyAsync(int version, CancellationToken cancellationToken) => inner.TryDestroyAsync(version, cancellationToken);
}
