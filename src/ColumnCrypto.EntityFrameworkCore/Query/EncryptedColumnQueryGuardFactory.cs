using Microsoft.EntityFrameworkCore.Query;

namespace ColumnCrypto.EntityFrameworkCore.Query;

/// <summary>
/// Wraps the provider's query translation postprocessor so every translated query passes
/// <see cref="EncryptedColumnQueryGuard"/> (installed by <see cref="Infrastructure.ServiceDecoration"/>).
/// </summary>
internal sealed class EncryptedColumnQueryGuardFactory(IQueryTranslationPostprocessorFactory inner, QueryTranslationPostprocessorDependencies dependencies) : IQueryTranslationPostprocessorFactory
{
    public QueryTranslationPostprocessor Create(QueryCompilationContext queryCompilationContext) =>
        new EncryptedColumnQueryGuard(inner.Create(queryCompilationContext), dependencies, queryCompilationContext);
}
