using ColumnCrypto.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Fluent configuration of encrypted properties: the equivalent of <see cref="ColumnCrypto.EncryptedAttribute"/>.</summary>
public static class ColumnEncryptionPropertyBuilderExtensions
{
    /// <summary>
    /// Stores this property's values encrypted. Requires <c>UseColumnEncryption(...)</c> on the context options.
    /// Encrypted values are randomized: the column cannot be filtered, ordered, grouped or joined on.
    /// </summary>
    /// <param name="builder">The property.</param>
    /// <param name="storage">Binary (bytea/BLOB, the default) or base64 text.</param>
    /// <param name="context">The <c>table.column</c> bound into the ciphertexts; by default the mapped table and column names.</param>
    /// <param name="searchable">
    /// Allows equality lookups and unique indexes through a blind index (see <see cref="ColumnCrypto.EncryptedAttribute.Searchable"/>:
    /// it shows which rows hold equal values, so avoid it on columns with few distinct values).
    /// </param>
    /// <param name="normalization">How strings are normalized for lookups (with <paramref name="searchable"/>).</param>
    /// <param name="indexColumn">The column holding the blind index; by default the column's name followed by <c>_bidx</c>.</param>
    public static PropertyBuilder<TProperty> IsEncrypted<TProperty>(
        this PropertyBuilder<TProperty> builder,
        ColumnCrypto.EncryptedStorage storage = ColumnCrypto.EncryptedStorage.Binary,
        string? context = null,
        bool searchable = false,
        ColumnCrypto.Search.BlindIndexNormalization normalization = ColumnCrypto.Search.BlindIndexNormalization.Exact,
        string? indexColumn = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasAnnotation(EncryptionAnnotations.Storage, storage.ToString());
        if (context is not null)
        {
            builder.HasAnnotation(EncryptionAnnotations.Context, context);
        }

        if (searchable)
        {
            builder.HasAnnotation(EncryptionAnnotations.Searchable, normalization.ToString());
            if (indexColumn is not null)
            {
                builder.HasAnnotation(EncryptionAnnotations.IndexColumn, indexColumn);
            }
        }
        else if (normalization != ColumnCrypto.Search.BlindIndexNormalization.Exact || indexColumn is not null)
        {
            throw new ArgumentException("A normalization or an index column only applies to a searchable property: pass searchable: true.", nameof(searchable));
        }

        return builder;
    }
}
