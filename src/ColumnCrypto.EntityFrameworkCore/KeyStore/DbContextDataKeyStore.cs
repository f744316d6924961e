using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.EntityFrameworkCore.KeyStore;

/// <summary>
/// The data key table, read and written through the application's own DbContext (whose model includes the table).
/// Each operation uses a fresh context, so key management never shares a change tracker with application code.
/// </summary>
internal sealed class DbContextDataKeyStore<TContext>(Func<ContextLease<TContext>> createContext) : IDataKeyStore
    where TContext : DbContext
{
    public async Task<IReadOnlyList<DataKeyRecord>> GetAllAsync(CancellationToken cancellationToken)
    {
        using var lease = createContext();
        return await lease.Context.Set<DataKeyRecord>().AsNoTracking().OrderBy(k => k.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryAddAsync(DataKeyRecord record, CancellationToken cancellationToken)
    {
        using var lease = createContext();
        lease.Context.Add(record);
        try
        {
            await lease.Context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException)
        {
            // The primary key on the version is what makes racing instances create one key: the losers land here.
            using var check = createContext();
            var exists = await check.Context.Set<DataKeyRecord>().AnyAsync(k => k.Version == record.Version, cancellationToken).ConfigureAwait(false);
            if (exists)
            {
                return false;
            }

            throw;
        }
    }

    public async Task<long> ReserveEncryptionsAsync(int version, long count, CancellationToken cancellationToken)
    {
        using var lease = createContext();
        var keys = lease.Context.Set<DataKeyRecord>().Where(k => k.Version == version);
        await keys.ExecuteUpdateAsync(s => s.SetProperty(k => k.EncryptionCount, k => k.EncryptionCount + count), cancellationToken).ConfigureAwait(false);
        return await keys.Select(k => k.EncryptionCount).SingleAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryUpdateWrappingAsync(int version, string expectedWrappingKeyId, string wrappingProvider, string wrappingKeyId, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        using var lease = createContext();
        var updated = await lease.Context.Set<DataKeyRecord>()
            .Where(k => k.Version == version && k.WrappingKeyId == expectedWrappingKeyId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(k => k.WrappingProvider, wrappingProvider)
                      .SetProperty(k => k.WrappingKeyId, wrappingKeyId)
                      .SetProperty(k => k.WrappedKey, wrappedKey),
                cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task SetStatusAsync(int version, DataKeyStatus status, CancellationToken cancellationToken)
    {
        using var lease = createContext();
        var updated = await lease.Context.Set<DataKeyRecord>().Where(k => k.Version == version)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, status), cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new ColumnCryptoKeyException($"There is no data key version {version} in the key table.", version);
        }
    }
}

/// <summary>A context together with whatever owns it (a DI scope), disposed together.</summary>
internal sealed class ContextLease<TContext>(TContext context, IDisposable? owner) : IDisposable
    where TContext : DbContext
{
    public TContext Context { get; } = context;

    public void Dispose()
    {
        Context.Dispose();
        owner?.Dispose();
    }
}
