using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>
/// When the model is finalized (table and column names are settled), checks every encrypted property and attaches its
/// encrypting value converter, bound to the property's table and column. Runs before EF chooses type mappings, so the
/// column gets the provider type of the ciphertext (bytea / BLOB / text).
/// </summary>
internal sealed class EncryptedPropertyConvention(ColumnEncryptor encryptor, bool allowPlaintextReads = false) : IModelFinalizingConvention
{
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var entityType in modelBuilder.Metadata.GetEntityTypes())
        {
            foreach (var property in entityType.GetDeclaredProperties())
            {
                if (property.FindAnnotation(EncryptionAnnotations.Storage)?.Value is not string storageName)
                {
                    continue;
                }

                Validate(entityType, property);
                var storage = Enum.Parse<EncryptedStorage>(storageName);
                var column = ResolveColumn(entityType, property);
                property.Builder.HasConversion(EncryptedValueConverterFactory.Create(property.ClrType, storage, encryptor, column, allowPlaintextReads));
            }
        }
    }

    private static void Validate(IConventionEntityType entityType, IConventionProperty property)
    {
        var where = $"Property '{entityType.DisplayName()}.{property.Name}'";
        if (!ColumnEncryptor.IsSupportedType(property.ClrType))
        {
            throw new InvalidOperationException(
                $"{where} is marked as encrypted, but its type '{property.ClrType.Name}' cannot be encrypted. " +
                $"Supported types: {Values.EncryptedValueType.SupportedTypeNames}. Convert it to one of them, or remove [Encrypted].");
        }

        if (property.IsKey() || property.IsForeignKey())
        {
            throw new InvalidOperationException(
                $"{where} is encrypted and part of a key or foreign key. Encrypted values are randomized, so they cannot identify rows: remove [Encrypted] or use another key.");
        }

        if (property.GetContainingIndexes().Any())
        {
            throw new InvalidOperationException(
                $"{where} is encrypted and has an index. Encrypted values are randomized, so an index on them cannot find anything: remove the index.");
        }

        if (property.GetValueConverter() is { } existing and not IEncryptedValueConverter)
        {
            throw new InvalidOperationException(
                $"{where} is encrypted and already has the value converter {existing.GetType().Name}. Encryption needs the property's own type: remove the other conversion.");
        }
    }

    private static EncryptedColumn ResolveColumn(IConventionEntityType entityType, IConventionProperty property)
    {
        if (property.FindAnnotation(EncryptionAnnotations.Context)?.Value is string explicitContext)
        {
            return EncryptedColumn.Parse(explicitContext);
        }

        var table = entityType.GetTableName()
            ?? throw new InvalidOperationException($"Property '{entityType.DisplayName()}.{property.Name}' is encrypted, but its entity type is not mapped to a table. Map it to a table, or set an explicit encryption context.");
        var schema = entityType.GetSchema();
        var storeObject = StoreObjectIdentifier.Table(table, schema);
        var columnName = property.GetColumnName(storeObject) ?? property.GetColumnName();
        return new EncryptedColumn(schema is null ? table : $"{schema}.{table}", columnName);
    }
}
