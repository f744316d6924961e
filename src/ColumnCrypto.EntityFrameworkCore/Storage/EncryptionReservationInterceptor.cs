using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ColumnCrypto.EntityFrameworkCore.Storage;

/// <summary>
/// Before <c>SaveChanges</c> starts (and so before its transaction), reserves in the key table the encryptions it is
/// about to make. A process never encrypts more than it reserved, so without this a large <c>SaveChanges</c> on SQLite
/// would reach the end of its reservation inside its own transaction, which holds the database's write lock, and wait
/// for a reservation that cannot be written until the transaction ends. The count is an upper bound (every encrypted
/// property of every added or modified entry) taken without detecting changes again; anything it misses is reserved on
/// demand as before. Nothing is read or written when this process has enough reserved already.
/// </summary>
internal sealed class EncryptionReservationInterceptor(ColumnEncryptor encryptor) : SaveChangesInterceptor
{
    private const string CountAnnotation = "ColumnCrypto:EncryptedPropertyCount";

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context)
        {
            encryptor.Reserve(Count(context));
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context)
        {
            await encryptor.ReserveAsync(Count(context), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static long Count(DbContext context)
    {
        // A compiled model given with UseModel after UseColumnEncryption is bound before its first save.
        Infrastructure.CompiledModelBinder.Bind(context.Model, context.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>());
        // SaveChanges detects changes itself right after this; detecting them here too would double its cost.
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            long count = 0;
            foreach (var entry in tracker.Entries())
            {
                if (entry.State is EntityState.Added or EntityState.Modified)
                {
                    count += EncryptedProperties(entry.Metadata);
                }
            }

            return count;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static int EncryptedProperties(IEntityType type) =>
        type.GetOrAddRuntimeAnnotationValue(CountAnnotation, static t => t!.GetProperties().Count(IsEncrypted), type);

    private static bool IsEncrypted(IProperty property) =>
        (property.GetValueConverter() ?? property.FindTypeMapping()?.Converter) is IEncryptedValueConverter;
}
