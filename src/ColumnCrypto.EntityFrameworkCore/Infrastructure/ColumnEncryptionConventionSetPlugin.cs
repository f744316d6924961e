using ColumnCrypto.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>Adds ColumnCrypto's conventions to the model-building conventions of every context that uses it.</summary>
internal sealed class ColumnEncryptionConventionSetPlugin(IDbContextOptions options, ProviderConventionSetBuilderDependencies dependencies) : IConventionSetPlugin
{
    public ConventionSet ModifyConventions(ConventionSet conventionSet)
    {
        var extension = options.FindExtension<ColumnEncryptionOptionsExtension>()
            ?? throw new InvalidOperationException("ColumnCrypto's conventions are registered but UseColumnEncryption(...) was not called on the options.");

        conventionSet.Add(new EncryptedAttributeConvention(dependencies));
        if (extension.IncludeKeyTable)
        {
            // The encrypted-column registry and re-encryption progress tables live next to the key table.
            conventionSet.Add(new ColumnCryptoTablesConvention(extension.KeyTableName, extension.KeyTableSchema));
        }

        // Finalizing: table and column names are settled; EF chooses type mappings after the finalizing conventions,
        // so the column's store type is that of the ciphertext.
        conventionSet.Add(new EncryptedPropertyConvention(extension.Encryptor, extension.BlindIndex, extension.AllowPlaintextReads));
        return conventionSet;
    }
}
