using ColumnCrypto.Keys;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ColumnCrypto.DependencyInjection;

/// <summary>Further configuration of ColumnCrypto, returned by <c>AddColumnCrypto</c>.</summary>
public sealed class ColumnCryptoBuilder
{
    internal ColumnCryptoBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses <paramref name="factory"/> as the data key table. The EF Core package's <c>UseDbContextKeyStore</c> calls this.</summary>
    public ColumnCryptoBuilder UseDataKeyStore(Func<IServiceProvider, IDataKeyStore> factory)
    {
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Uses <paramref name="store"/> as the data key table.</summary>
    public ColumnCryptoBuilder UseDataKeyStore(IDataKeyStore store) => UseDataKeyStore(_ => store);

    /// <summary>Registers the factory of a KMS plugin, used when <c>plugins.&lt;name&gt;.isKms</c> is true.</summary>
    public ColumnCryptoBuilder AddKeyWrapperFactory(IKeyWrapperFactory factory)
    {
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Does not start the hosted service that loads keys at start-up and checks the rollover schedule (call <see cref="IDataKeyManager"/> yourself).</summary>
    public ColumnCryptoBuilder WithoutHostedService()
    {
        Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        return this;
    }
}
