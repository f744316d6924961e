using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace ColumnCrypto.EntityFrameworkCore.Search;

/// <summary>
/// Rewrites lookups on searchable properties into lookups on their blind indexes (<see cref="SearchableLookupRewriter"/>)
/// before the provider's preprocessing, so EF translates them as ordinary comparisons of a binary column with a
/// parameter, for every provider and query shape.
/// </summary>
internal sealed class SearchableQueryPreprocessor(QueryTranslationPreprocessor inner, QueryTranslationPreprocessorDependencies dependencies, QueryCompilationContext context)
    : QueryTranslationPreprocessor(dependencies, context)
{
    public override Expression Process(Expression query) => inner.Process(new SearchableLookupRewriter(QueryCompilationContext).Visit(query));
}

/// <summary>Wraps the provider's query preprocessor factory (installed by <see cref="Infrastructure.ServiceDecoration"/>).</summary>
internal sealed class SearchableQueryPreprocessorFactory(IQueryTranslationPreprocessorFactory inner, QueryTranslationPreprocessorDependencies dependencies) : IQueryTranslationPreprocessorFactory
{
    public QueryTranslationPreprocessor Create(QueryCompilationContext queryCompilationContext)
    {
        // A compiled model given with UseModel after UseColumnEncryption is bound before its first query.
        Infrastructure.CompiledModelBinder.Bind(queryCompilationContext.Model, queryCompilationContext.ContextOptions);
        return new SearchableQueryPreprocessor(inner.Create(queryCompilationContext), dependencies, queryCompilationContext);
    }
}
