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
    public static PropertyBuilder<TProperty> IsEncrypted<TProperty>(this PropertyBuilder<TProperty> builder, ColumnCrypto.EncryptedStorage storage = ColumnCrypto.EncryptedStorage.Binary, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasAnnotation(EncryptionAnnotations.Storage, storage.ToString());
        if (context is not null)
        {
            builder.HasAnnotation(EncryptionAnnotations.Context, context);
        }

        return builder;
    }
}
