using ColumnCrypto.EntityFrameworkCore.Search;
using ColumnCrypto.EntityFrameworkCore.Storage;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>
/// When the model is finalized (table and column names are settled), checks every encrypted property and attaches its
/// encrypting value converter, bound to the property's table and column. Runs before EF chooses type mappings, so the
/// column gets the provider type of the ciphertext (bytea / BLOB / text). A searchable property also gets its blind
/// index: a shadow <c>byte[]</c> property (<c>&lt;Property&gt;_bidx</c>, column <c>&lt;column&gt;_bidx</c> unless renamed)
/// with a database index, which takes over every index declared on the property (a unique index on the property
/// becomes a unique index on its blind index).
/// </summary>
internal sealed class EncryptedPropertyConvention(ColumnEncryptor encryptor, BlindIndex? blindIndex, bool allowPlaintextReads = false) : IModelFinalizingConvention
{
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var entityType in modelBuilder.Metadata.GetEntityTypes().ToList())
        {
            foreach (var property in entityType.GetDeclaredProperties().ToList())
            {
                if (property.FindAnnotation(EncryptionAnnotations.Storage)?.Value is not string storageName)
                {
                    continue;
                }

                Validate(entityType, property);
                var storage = Enum.Parse<EncryptedStorage>(storageName);
                var column = ResolveColumn(entityType, property);
                var searchable = property.FindAnnotation(EncryptionAnnotations.Searchable)?.Value is string normalization
                    ? AddBlindIndex(entityType, property, column, Enum.Parse<BlindIndexNormalization>(normalization))
                    : null;
                property.Builder.HasConversion(EncryptedValueConverterFactory.Create(property.ClrType, storage, encryptor, column, allowPlaintextReads, searchable));
            }
        }
    }

    private SearchableProperty AddBlindIndex(IConventionEntityType entityType, IConventionProperty property, EncryptedColumn column, BlindIndexNormalization normalization)
    {
        var where = $"Property '{entityType.DisplayName()}.{property.Name}'";
        var index = blindIndex ?? throw new InvalidOperationException(
            $"{where} is searchable, which needs ColumnCrypto's blind index: configure the context with UseColumnEncryption(services), or pass it with UseColumnEncryption(encryptor, o => o.UseBlindIndex(blindIndex)).");
        if (normalization != BlindIndexNormalization.Exact && property.ClrType != typeof(string))
        {
            throw new InvalidOperationException(
                $"{where} is searchable with the normalization {normalization}, but only strings can be normalized: its type is {property.ClrType.Name}. Remove the normalization.");
        }

        var table = entityType.GetTableName()!;
        var schema = entityType.GetSchema();
        var columnName = property.GetColumnName(StoreObjectIdentifier.Table(table, schema)) ?? property.GetColumnName();
        var indexColumn = property.FindAnnotation(EncryptionAnnotations.IndexColumn)?.Value as string ?? columnName + "_bidx";
        var indexName = property.Name + "_bidx";
        var builder = entityType.Builder.Property(typeof(byte[]), indexName)
            ?? throw new InvalidOperationException($"{where} is searchable, but its entity type already has a property {indexName} of another kind: rename it.");
        builder.HasColumnName(indexColumn);
        builder.IsRequired(false);
        builder.HasAnnotation(EncryptionAnnotations.IndexOf, property.Name);
        var indexProperty = builder.Metadata;

        // Every index on the property moves to its blind index (where equal values really are equal), keeping its
        // other properties, uniqueness, name and filter; without one, a plain index makes lookups fast.
        foreach (var declared in property.GetContainingIndexes().ToList())
        {
            var properties = declared.Properties.Select(p => p == property ? indexProperty : (IConventionProperty)p).ToList();
            var moved = declared.Name is { } name ? entityType.Builder.HasIndex(properties, name) : entityType.Builder.HasIndex(properties);
            moved?.IsUnique(declared.IsUnique);
            if (declared.GetDatabaseName() is { } databaseName && declared.GetDatabaseNameConfigurationSource() is not null && declared.GetDatabaseNameConfigurationSource() != ConfigurationSource.Convention)
            {
                moved?.HasDatabaseName(databaseName);
            }

            if (declared.GetFilter() is { } filter)
            {
                moved?.HasFilter(filter);
            }

            entityType.RemoveIndex(declared);
        }

        if (!indexProperty.GetContainingIndexes().Any())
        {
            entityType.Builder.HasIndex([indexProperty]);
        }

        return CreateSearchable(entityType, property, column, normalization, index);
    }

    /// <summary>The blind index of a searchable property whose index property is in the model (also a compiled model's).</summary>
    internal static SearchableProperty CreateSearchable(IReadOnlyEntityType entityType, IReadOnlyProperty property, EncryptedColumn column, BlindIndexNormalization normalization, BlindIndex index)
    {
        var table = entityType.GetTableName()!;
        var schema = entityType.GetSchema();
        var columnName = property.GetColumnName(StoreObjectIdentifier.Table(table, schema)) ?? property.GetColumnName();
        var indexColumn = property.FindAnnotation(EncryptionAnnotations.IndexColumn)?.Value as string ?? columnName + "_bidx";
        return SearchableProperty.Create(property.ClrType, new SearchableColumn(column, normalization), index, property.Name + "_bidx", indexColumn,
            new BlindIndexReadiness(schema, table, columnName, indexColumn, normalization));
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

        if (property.GetContainingIndexes().Any() && property.FindAnnotation(EncryptionAnnotations.Searchable) is null)
        {
            throw new InvalidOperationException(
                $"{where} is encrypted and has an index. Encrypted values are randomized, so an index on them cannot find anything: remove the index, " +
                "or make the property searchable ([Encrypted(Searchable = true)] or IsEncrypted(searchable: true)) so the index, unique or not, is built on its blind index.");
        }

        if (property.GetValueConverter() is { } existing and not IEncryptedValueConverter)
        {
            throw new InvalidOperationException(
                $"{where} is encrypted and already has the value converter {existing.GetType().Name}. Encryption needs the property's own type: remove the other conversion.");
        }
    }

    /// <summary>The column identity bound into the property's ciphertexts: its explicit context, or its table and column.</summary>
    internal static EncryptedColumn ResolveColumn(IReadOnlyEntityType entityType, IReadOnlyProperty property)
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
