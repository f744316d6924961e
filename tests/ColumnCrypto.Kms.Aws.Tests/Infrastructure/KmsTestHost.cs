using Amazon.KeyManagementService;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>
/// One application process, as far as ColumnCrypto can tell: a DI container built the way an application builds it
/// (<c>AddColumnCrypto(...).AddAwsKms().UseDataKeyStore(store)</c>), over a key table that several "processes" share.
/// The KMS client is the real one, decorated to count calls; logs are captured at every level.
/// </summary>
internal sealed class KmsTestHost : IDisposable
{
    /// <summary>An environment variable nobody sets, so a KMS-only host never picks up a local master key.</summary>
    public const string UnsetMasterKeyVariable = "COLUMNCRYPTO_TEST_MASTER_KEY_NOT_SET";

    private CountingKmsClient? _kms;

    private KmsTestHost(ServiceProvider services, InMemoryDataKeyStore store)
    {
        Services = services;
        Store = store;
    }

    public ServiceProvider Services { get; }

    public InMemoryDataKeyStore Store { get; }

    public ColumnEncryptor Encryptor => Services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => Services.GetRequiredService<IDataKeyManager>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>Counts this host's KMS calls. Resolving it creates the key wrapper (and so the KMS client).</summary>
    public CountingKmsClient Kms
    {
        get
        {
            _ = Wrappers;
            return _kms ?? throw new InvalidOperationException("This host has no KMS client.");
        }
    }

    public KeyWrapperSet Wrappers => Services.GetRequiredService<KeyWrapperSet>();

    public AwsKmsKeyWrapper KmsWrapper => (AwsKmsKeyWrapper)Wrappers.Primary;

    public AwsKmsMetrics Metrics => Services.GetRequiredService<AwsKmsMetrics>();

    /// <summary>A host whose data keys are wrapped by the KMS key <paramref name="keyId"/>.</summary>
    public static KmsTestHost ForKms(string url, string keyId, InMemoryDataKeyStore? store = null, string region = KmsEmulator.Region,
        TimeProvider? time = null, Action<ColumnCryptoOptions>? configure = null, Action<AmazonKeyManagementServiceConfig>? configureClient = null,
        Action<IServiceCollection>? services = null) =>
        Create(options =>
        {
            options.Plugins.Set(AwsKmsOptions.SectionName, new AwsKmsOptions { Plugin = "awsKms", IsKms = true, KeyId = keyId, Region = region, ServiceUrl = url });
            options.MasterKey.EnvironmentVariable = UnsetMasterKeyVariable;
            configure?.Invoke(options);
        }, store, time, configureClient, services);

    /// <summary>A host configured like an application, from options (for example loaded from YAML).</summary>
    public static KmsTestHost Create(Action<ColumnCryptoOptions> configure, InMemoryDataKeyStore? store = null, TimeProvider? time = null,
        Action<AmazonKeyManagementServiceConfig>? configureClient = null, Action<IServiceCollection>? moreServices = null)
    {
        store ??= new InMemoryDataKeyStore();
        var services = new ServiceCollection();
        moreServices?.Invoke(services);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        KmsTestHost? host = null;
        services.AddColumnCrypto(configure)
            .AddAwsKms(configureClient, decorateClient: client =>
            {
                var counted = CountingKmsClient.Wrap(client, out var counter);
                host!._kms = counter;
                return counted;
            })
            .UseDataKeyStore(store)
            .WithoutHostedService();
        host = new KmsTestHost(services.BuildServiceProvider(), store);
        return host;
    }

    public void Dispose() => Services.Dispose();
}
