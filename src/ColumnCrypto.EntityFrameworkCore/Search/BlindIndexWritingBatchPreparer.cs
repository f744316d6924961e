using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;

namespace ColumnCrypto.EntityFrameworkCore.Search;

/// <summary>
/// Sets the blind index of every searchable property an insert or update writes, just before SaveChanges turns the
/// entries into SQL: the index goes into the same INSERT or UPDATE statement as the value, so no row is ever written
/// with a value and a stale index. Wraps the provider's batch preparer (installed by <c>UseColumnEncryption</c>).
/// </summary>
internal sealed class BlindIndexWritingBatchPreparer(ICommandBatchPreparer inner) : ICommandBatchPreparer
{
    private const string SearchablePropertiesAnnotation = "ColumnCrypto:SearchableProperties";

    public IEnumerable<ModificationCommandBatch> BatchCommands(IList<IUpdateEntry> entries, IUpdateAdapter updateAdapter)
    {
        foreach (var entry in entries)
        {
            if (entry.EntityState is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var (property, searchable) in SearchableProperties(entry.EntityType))
            {
                if (entry.EntityState == EntityState.Added || entry.IsModified(property))
                {
                    entry.ToEntityEntry().Property(searchable.IndexProperty).CurrentValue = searchable.ForWrite(entry.GetCurrentValue(property));
                }
            }
        }

        return inner.BatchCommands(entries, updateAdapter);
    }

    public IEnumerable<ModificationCommandBatch> CreateCommandBatches(IEnumerable<IReadOnlyModificationCommand> commandSet, bool moreCommandSets) =>
        inner.CreateCommandBatches(commandSet, moreCommandSets);

    public void ResetState() => inner.ResetState();

    public Task ResetStateAsync(CancellationToken cancellationToken = default) => inner.ResetStateAsync(cancellationToken);

    /// <summary>The entity type's searchable properties, found once per model.</summary>
    private static (IProperty Property, SearchableProperty Searchable)[] SearchableProperties(IEntityType entityType) =>
        entityType.GetOrAddRuntimeAnnotationValue<(IProperty, SearchableProperty)[], IEntityType>(SearchablePropertiesAnnotation, static type =>
            [.. type!.GetProperties()
                .Select(p => (Property: p, Searchable: (p.GetValueConverter() as IEncryptedValueConverter)?.Searchable))
                .Where(p => p.Searchable is not null)
                .Select(p => (p.Property, p.Searchable!))], entityType);
}
