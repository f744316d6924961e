using ColumnCrypto.Keys;

namespace ColumnCrypto.Tests.Support;

/// <summary>
/// Wraps a key store (usually the shared <see cref="InMemoryDataKeyStore"/>) to count reads, key inserts and
/// reservations per instance, and optionally to delay them so concurrent instances really overlap, or to refuse
/// reservations as a database trigger would.
/// </summary>
internal sealed class CountingDataKeyStore(IDataKeyStore inner) : IDataKeyStore
{
    private int _reads;
    private int _addAttempts;
    private int _adds;
    private int _reservations;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Ring changes that tried to insert a key row.</summary>
    public int AddAttempts => Volatile.Read(ref _addAttempts);

    /// <summary>Key rows inserted.</summary>
    public int Adds => Volatile.Read(ref _adds);

    /// <summary>Reservations attempted (refused ones included).</summary>
    public int Reservations => Volatile.Read(ref _reservations);

    /// <summary>Delay before each read returns (simulates a database round trip).</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>Delay before each insert is attempted.</summary>
    public TimeSpan AddDelay { get; set; }

    /// <summary>When set, every reservation fails with it (a trigger refusing the update, a database gone).</summary>
    public Exception? RefuseReservations { get; set; }

    public async Task<DataKeyTableSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var table = await inner.ReadAsync(cancellationToken);
        if (ReadDelay > TimeSpan.Zero)
        {
            await Task.Delay(ReadDelay, cancellationToken);
        }

        return table;
    }

    public async Task<bool> TryApplyAsync(KeyRingUpdate update, CancellationToken cancellationToken)
    {
        if (update.Insert is not null)
        {
            Interlocked.Increment(ref _addAttempts);
            if (AddDelay > TimeSpan.Zero)
            {
                await Task.Delay(AddDelay, cancellationToken);
            }
        }

        var applied = await inner.TryApplyAsync(update, cancellationToken);
        if (applied && update.Insert is not null)
        {
            Interlocked.Increment(ref _adds);
        }

        return applied;
    }

    public Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reservations);
        return RefuseReservations is { } refusal ? Task.FromException<long>(refusal) : inner.ReserveEncryptionsAsync(version, count, cancellationToken);
    }

    public Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken) =>
        inner.TryUpdateWrappingAsync(version, expectedWrappingKeyId, wrappingProvider, wrappingKeyId, wrappedKey, cancellationToken);
}
