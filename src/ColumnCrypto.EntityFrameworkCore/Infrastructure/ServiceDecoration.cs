using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>
/// Wraps a service the database provider registered in EF Core's internal service collection. The provider's
/// ApplyServices runs before ours, because <c>UseColumnEncryption</c> requires the provider to be configured first.
/// </summary>
internal static class ServiceDecoration
{
    public static void Decorate<TService>(IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(TService))
            ?? throw new InvalidOperationException(
                $"The database provider has not registered {typeof(TService).Name}; call UseColumnEncryption after the provider (UseNpgsql, UseSqlite, ...).");

        services.Remove(descriptor);
        services.Add(new ServiceDescriptor(typeof(TService), sp => decorate(CreateInner<TService>(sp, descriptor), sp), descriptor.Lifetime));
    }

    private static TService CreateInner<TService>(IServiceProvider services, ServiceDescriptor descriptor) =>
        (TService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
