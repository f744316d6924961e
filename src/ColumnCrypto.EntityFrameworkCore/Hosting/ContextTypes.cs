using System.Diagnostics.CodeAnalysis;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>What EF Core's <c>IDbContextFactory&lt;TContext&gt;</c> needs kept of a context type when trimming.</summary>
internal static class ContextTypes
{
    public const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;
}
