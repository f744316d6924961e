using System.Diagnostics.Metrics;
using ColumnCrypto;
using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ColumnCrypto in a service collection.</summary>
public static class ColumnCryptoServiceCollectionExtensions
{
    /// <summary>
    /// Registers ColumnCrypto with settings from a YAML file (the product documentation's shape: <c>plugins.awsKms</c>,
    /// <c>schedule.dataKeyRollOverLength</c>, <c>masterKey</c>). The file is read now, so a bad file fails at start-up
    /// with its file, line and setting.
    /// </summary>
    public static ColumnCryptoBuilder AddColumnCrypto(this IServiceCollection services, string yamlFile, Action<ColumnCryptoOptions>? configure = null)
    {
        var loaded = ColumnCryptoYaml.LoadFile(yamlFile);
        return services.AddColumnCrypto(options =>
        {
            options.Schedule = loaded.Schedule;
            options.Plugins = loaded.Plugins;
            options.MasterKey = loaded.MasterKey;
            options.Reencryption = loaded.Reencryption;
            options.Source = loaded.Source;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Registers ColumnCrypto: <see cref="ColumnEncryptor"/>, <see cref="IDataKeyManager"/>, and a hosted service that
    /// loads the keys at start-up and rolls them over on schedule. Choose the key table with
    /// <see cref="ColumnCryptoBuilder.UseDataKeyStore(Func{IServiceProvider, IDataKeyStore})"/> (the EF Core package adds
    /// <c>UseDbContextKeyStore&lt;TContext&gt;()</c>).
    /// </summary>
    public static ColumnCryptoBuilder AddColumnCrypto(this IServiceCollection services, Action<ColumnCryptoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ColumnCryptoOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ColumnCryptoOptions>, ColumnCryptoOptionsValidator>());
        services.AddLogging();

        // One meter factory, so every ColumnCrypto package's instruments land on the same ColumnCrypto meter.
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ColumnCryptoMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<RolloverPolicy>();
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
            sp.GetRequiredService<ILogger<DataKeyManager>>()));
        services.TryAddSingleton<IDataKeyManager>(sp => sp.GetRequiredService<DataKeyManager>());
        services.TryAddSingleton(CreateLifecycle);
        services.TryAddSingleton(sp => new ColumnEncryptor(sp.GetRequiredService<DataKeyManager>().Cache, sp.GetRequiredService<ColumnCryptoMetrics>()));
        services.AddHostedService<DataKeyRolloverService>();
        return new ColumnCryptoBuilder(services);
    }

    private static DataKeyLifecycle CreateLifecycle(IServiceProvider services)
    {
        var manager = services.GetRequiredService<DataKeyManager>();
        var store = services.GetRequiredService<IDataKeyStore>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var schedule = services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule;
        var retirement = new DataKeyRetirement(store, manager, services.GetService<IDataKeyUsage>(), TimeSpan.FromMinutes(schedule.RollOverCheckInterval),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ColumnCryptoMetrics>(), loggers.CreateLogger<DataKeyLifecycle>());

        // The wrappers are read when a rewrap runs, not now: resolving the lifecycle must not need the master key.
        var rewrapper = new DataKeyRewrapper(store, () => manager.Wrappers.All, loggers.CreateLogger<DataKeyLifecycle>());
        return new DataKeyLifecycle(manager, rewrapper, retirement);
    }

    /// <summary>
    /// The configured KMS plugin's wrapper, or the local master key when no KMS is configured. A local master key that
    /// is also available is added as a second wrapper, so keys wrapped before a move to KMS stay readable until rewrapped.
    /// </summary>
    private static KeyWrapperSet CreateWrappers(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;
        if (options.Kms is { } kms)
        {
            var factory = services.GetServices<IKeyWrapperFactory>().FirstOrDefault(f => f.Plugin == kms.Plugin)
                ?? throw new ColumnCryptoConfigurationException(
                    $"plugins.awsKms is configured (isKms: true) in {options.Source ?? "the options"}, but the AWS KMS plugin is not registered. " +
                    "Add the package ColumnCrypto.Kms.Aws and call .AddAwsKms() on the builder AddColumnCrypto returns.",
                    options.Source, null, "plugins.awsKms");
            var primary = factory.Create(options, services);
            var local = TryLoadLocal(options);
            return new KeyWrapperSet(primary, local is null ? null : [local]);
        }

        return new KeyWrapperSet(new LocalMasterKeyWrapper(MasterKeyLoader.Load(options, Environment.GetEnvironmentVariable)));
    }

    private static LocalMasterKeyWrapper? TryLoadLocal(ColumnCryptoOptions options)
    {
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
