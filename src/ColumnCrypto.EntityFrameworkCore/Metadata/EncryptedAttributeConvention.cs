using System.Reflection;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>Turns <see cref="EncryptedAttribute"/> into the encryption annotations (the fluent API can override them).</summary>
internal sealed class EncryptedAttributeConvention(ProviderConventionSetBuilderDependencies dependencies)
    : PropertyAttributeConventionBase<EncryptedAttribute>(dependencies)
{
    protected override void ProcessPropertyAdded(IConventionPropertyBuilder propertyBuilder, EncryptedAttribute attribute, MemberInfo clrMember, IConventionContext context)
    {
        propertyBuilder.HasAnnotation(EncryptionAnnotations.Storage, attribute.Storage.ToString(), fromDataAnnotation: true);
        if (attribute.Context is not null)
        {
            propertyBuilder.HasAnnotation(EncryptionAnnotations.Context, attribute.Context, fromDataAnnotation: true);
        }

        if (attribute.Searchable)
        {
            propertyBuilder.HasAnnotation(EncryptionAnnotations.Searchable, attribute.Normalization.ToString(), fromDataAnnotation: true);
            if (attribute.IndexColumn is not null)
            {
                propertyBuilder.HasAnnotation(EncryptionAnnotations.IndexColumn, attribute.IndexColumn, fromDataAnnotation: true);
            }
        }
    }
}
