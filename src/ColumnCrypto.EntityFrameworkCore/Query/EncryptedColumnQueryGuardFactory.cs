using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Query;

/// <summary>
/// Wraps the provider's query translation postprocessor so every translated query passes
/// <see cref="EncryptedColumnQueryGuard"/>. The provider registers its own factory in its ApplyServices, which runs
/// before ours because <c>UseColumnEncryption</c> requires the provider to be configured first.
/// </summary>
internal sealed class EncryptedColumnQueryGuardFactory(IQueryTranslationPostprocessorFactory inner, QueryTranslationPostprocessorDependencies dependencies) : IQueryTranslationPostprocessorFactory
{
    public QueryTranslationPostprocessor Create(QueryCompilationContext queryCompilationContext) =>
        new EncryptedColumnQueryGuard(inner.Create(queryCompilationContext), dependencies, queryCompilationContext);

    public static void Decorate(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IQueryTranslationPostprocessorFactory));
        if (descriptor is null || descriptor.ImplementationType == typeof(EncryptedColumnQueryGuardFactory))
        {
            return;
        }

        services.Remove(descriptor);
        services.Add(new ServiceDescriptor(
            typeof(IQueryTranslationPostprocessorFactory),
            sp => new EncryptedColumnQueryGuardFactory(CreateInner(sp, descriptor), sp.GetRequiredService<QueryTranslationPostprocessorDependencies>()),
            descriptor.Lifetime));
    }

    private static IQueryTranslationPostprocessorFactory CreateInner(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IQueryTranslationPostprocessorFactory)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
