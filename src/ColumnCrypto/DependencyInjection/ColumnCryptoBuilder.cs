using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
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

    /// <summary>
    /// Uses <paramref name="keys"/> as the blind-index keys of searchable columns instead of the index keys stored
    /// (wrapped) in the key table. For tests and single-process prototypes: the keys live only in <paramref name="keys"/>,
    /// so every process must be given the same ones, and <see cref="BlindIndexKeyLifecycle"/> does not manage them.
    /// </summary>
    public ColumnCryptoBuilder UseBlindIndexKeys(InMemoryBlindIndexKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Services.Replace(ServiceDescriptor.Singleton<IBlindIndexKeys>(keys));
        return this;
    }

    /// <summary>
    /// Registers a plugin: its section <c>plugins.&lt;name&gt;</c> may then appear in the configuration, and when its
    /// <c>isKms</c> is true the plugin's key wrapper wraps the data keys. Plugin packages call this from their own
    /// registration method (for a section <c>myKms</c>, <c>AddMyKms()</c>). Registering the same plugin type again does nothing.
    /// </summary>
    /// <param name="plugin">The plugin's definition.</param>
    /// <returns>This builder.</returns>
    public ColumnCryptoBuilder AddPlugin(IColumnCryptoPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        Services.TryAddEnumerable(ServiceDescriptor.Singleton(plugin));
        return this;
    }

    /// <summary>Does not start the hosted service that loads keys at start-up and checks the rollover schedule (call <see cref="IDataKeyManager"/> yourself).</summary>
    public ColumnCryptoBuilder WithoutHostedService()
    {
        Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        return this;
    }
}
