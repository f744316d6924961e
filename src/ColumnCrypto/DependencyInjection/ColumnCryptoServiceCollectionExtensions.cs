using System.Diagnostics.Metrics;
using ColumnCrypto;
using ColumnCrypto.Configuration;
using ColumnCrypto.Cryptography;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ColumnCrypto in a service collection.</summary>
public static class ColumnCryptoServiceCollectionExtensions
{
    /// <summary>
    /// Registers ColumnCrypto with settings from a YAML file in the product documentation's shape
    /// (<c>schedule.dataKeyRollOverLength</c>, <c>plugins.&lt;name&gt;</c>, <c>masterKey</c>, <c>reencryption</c>).
    /// The file is read when the options are first built (at host start, which validates them), not now; a bad file
    /// fails with its file, line and setting. A relative path is looked for in the content root
    /// (<c>IHostEnvironment.ContentRootPath</c>, when registered), then in the application's base directory
    /// (<see cref="AppContext.BaseDirectory"/>: copy the file to the build output), never in the current directory.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="yamlFile">The YAML file, for example <c>columncrypto.yaml</c>.</param>
    /// <param name="configure">Adjusts the options in code after the file is bound.</param>
    /// <returns>The builder, to choose the key table and add plugins.</returns>
    public static ColumnCryptoBuilder AddColumnCrypto(this IServiceCollection services, string yamlFile, Action<ColumnCryptoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(yamlFile);
        services.AddSingleton<ColumnCryptoOptionsSource>(new YamlFileOptionsSource(yamlFile));
        return services.AddColumnCrypto(configure);
    }

    /// <summary>
    /// Registers ColumnCrypto with settings from a configuration section in the YAML file's shape, for example
    /// <c>builder.Configuration.GetSection("ColumnCrypto")</c>: <c>ColumnCrypto:schedule:dataKeyRollOverLength</c> in
    /// appsettings.json, <c>ColumnCrypto__masterKey__file</c> as an environment variable, or user secrets. Keys
    /// are case-insensitive; errors name the key and the provider it came from. The section is read when the options
    /// are first built.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The section holding the settings (<c>schedule</c>, <c>plugins</c>, ...).</param>
    /// <param name="configure">Adjusts the options in code after the section is bound.</param>
    /// <returns>The builder, to choose the key table and add plugins.</returns>
    public static ColumnCryptoBuilder AddColumnCrypto(this IServiceCollection services, IConfiguration configuration, Action<ColumnCryptoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ColumnCryptoOptionsSource>(new ConfigurationOptionsSource(configuration));
        return services.AddColumnCrypto(configure);
    }

    /// <summary>
    /// Registers ColumnCrypto: <see cref="ColumnEncryptor"/>, <see cref="BlindIndex"/>, <see cref="IDataKeyManager"/>, and a hosted service that
    /// loads the keys at start-up and rolls them over on schedule. Without a YAML file or section, the settings come
    /// from the <c>ColumnCrypto</c> section of the registered <c>IConfiguration</c> when there is one (a host's
    /// appsettings.json, environment variables, user secrets), then from <paramref name="configure"/>. The options are
    /// validated when the host starts. Choose the key table with
    /// <see cref="ColumnCryptoBuilder.UseDataKeyStore(Func{IServiceProvider, IDataKeyStore})"/> (the EF Core package adds
    /// <c>UseDbContextKeyStore&lt;TContext&gt;()</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets or adjusts the options in code, after any configuration is bound.</param>
    /// <returns>The builder, to choose the key table and add plugins.</returns>
    public static ColumnCryptoBuilder AddColumnCrypto(this IServiceCollection services, Action<ColumnCryptoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Registered before any configure callback (here or in plugins' and AddReencryption's), so those run after binding.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ColumnCryptoOptions>, ColumnCryptoOptionsBinding>());
        var options = services.AddOptions<ColumnCryptoOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ColumnCryptoOptions>, ColumnCryptoOptionsValidator>());

        // One meter factory, so every ColumnCrypto package's instruments land on the same ColumnCrypto meter.
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ColumnCryptoMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<RolloverPolicy>();
        services.TryAddSingleton(sp => new DataKeyObservations(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new CipherBackendSelector(sp.GetRequiredService<IOptions<ColumnCryptoOptions>>(), sp.GetLoggerFactory().CreateLogger<CipherBackendSelector>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<CipherBackendSelector>().Info);
        services.TryAddSingleton(CreateWrappers);
        services.TryAddSingleton<IDataKeyStore>(_ => throw new InvalidOperationException(
            "ColumnCrypto has no data key table. Call UseDbContextKeyStore<TContext>() (package ColumnCrypto.EntityFrameworkCore) " +
            "or UseDataKeyStore(...) on the builder AddColumnCrypto returns."));
        services.TryAddSingleton(sp => new DataKeyManager(
            sp.GetRequiredService<IDataKeyStore>(),
            () => sp.GetRequiredService<KeyWrapperSet>(),
            sp.GetRequiredService<RolloverPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ColumnCryptoMetrics>(),
            sp.GetLoggerFactory().CreateLogger<DataKeyManager>(),
            sp.GetRequiredService<CipherBackendSelector>(),
            sp.GetRequiredService<DataKeyObservations>(),
            () => sp.GetService<IDataKeyUsage>()));
        services.TryAddSingleton<IDataKeyManager>(sp => sp.GetRequiredService<DataKeyManager>());
        services.TryAddSingleton(CreateLifecycle);
        services.TryAddSingleton(sp => new ColumnEncryptor(sp.GetRequiredService<DataKeyManager>().Cache, sp.GetRequiredService<ColumnCryptoMetrics>()));
        services.TryAddSingleton(sp => new KeyTableBlindIndexKeys(
            sp.GetRequiredService<DataKeyManager>(),
            sp.GetRequiredService<RolloverPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetLoggerFactory().CreateLogger<KeyTableBlindIndexKeys>()));
        services.TryAddSingleton<IBlindIndexKeys>(sp => sp.GetRequiredService<KeyTableBlindIndexKeys>());
        services.TryAddSingleton(sp => new BlindIndexKeyLifecycle(sp.GetRequiredService<KeyTableBlindIndexKeys>(), () => sp.GetService<IBlindIndexUsage>()));
        services.TryAddSingleton(sp => new BlindIndex(sp.GetRequiredService<IBlindIndexKeys>(), sp.GetRequiredService<CipherBackendSelector>().Backend));
        services.AddHostedService(sp => new DataKeyRolloverService(
            sp.GetRequiredService<IDataKeyManager>(),
            sp.GetRequiredService<IOptions<ColumnCryptoOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetLoggerFactory().CreateLogger<DataKeyRolloverService>()));
        return new ColumnCryptoBuilder(services);
    }

    /// <summary>
    /// The application's logger factory, or one that discards everything when no logging is registered: the packages
    /// depend on the logging abstractions only, and a host (or <c>services.AddLogging()</c>) brings the real one.
    /// </summary>
    internal static ILoggerFactory GetLoggerFactory(this IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static DataKeyLifecycle CreateLifecycle(IServiceProvider services)
    {
        var manager = services.GetRequiredService<DataKeyManager>();
        var store = services.GetRequiredService<IDataKeyStore>();
        var loggers = services.GetLoggerFactory();
        var schedule = services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule;
        var retirement = new DataKeyRetirement(manager, services.GetService<IDataKeyUsage>(), TimeSpan.FromMinutes(schedule.RollOverCheckInterval),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ColumnCryptoMetrics>(), loggers.CreateLogger<DataKeyLifecycle>());

        // The wrappers are read when a rewrap runs, not now: resolving the lifecycle must not need the master key.
        var indexKeys = services.GetRequiredService<KeyTableBlindIndexKeys>();
        var rewrapper = new DataKeyRewrapper(store, () => manager.Wrappers.All, manager.RewrapRingKeyAsync, indexKeys.RewrapAsync, loggers.CreateLogger<DataKeyLifecycle>());
        return new DataKeyLifecycle(manager, rewrapper, retirement);
    }

    /// <summary>
    /// The wrapper of the plugin whose options say <c>isKms</c>, or the local master key when none does. A local master
    /// key that is also available is added as a second wrapper, so keys wrapped before a move to KMS stay readable until
    /// rewrapped.
    /// </summary>
    private static KeyWrapperSet CreateWrappers(IServiceProvider services)
    {
        // Building the options validated them: at most one plugin is the KMS, and its plugin is registered.
        var options = services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;
        if (options.Plugins.FirstOrDefault(p => p.Value.IsKms) is { Key: { } name, Value: { } kms })
        {
            var plugin = services.GetServices<IColumnCryptoPlugin>().First(p => p.Name == name);
            var primary = plugin.CreateKeyWrapper(kms, services);
            var local = TryLoadLocal(options);
            return new KeyWrapperSet(primary, local is null ? null : [local]);
        }

        return new KeyWrapperSet(new LocalMasterKeyWrapper(MasterKeyLoader.Load(options, Environment.GetEnvironmentVariable)));
    }

    private static LocalMasterKeyWrapper? TryLoadLocal(ColumnCryptoOptions options)
    {
        // A key file left open to other users is refused even when it is only the second key: it still unwraps data keys.
        if (!string.IsNullOrWhiteSpace(options.MasterKey.File))
        {
            MasterKeyLoader.RefuseOpenPermissions(options.MasterKey.File, options);
        }

        try
        {
            return new LocalMasterKeyWrapper(MasterKeyLoader.Load(options, Environment.GetEnvironmentVariable));
        }
        catch (ColumnCryptoConfigurationException)
        {
            return null;
        }
    }
}
