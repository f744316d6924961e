using ColumnCrypto.Configuration;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Tests.Support;

/// <summary>
/// One application instance, built through DI exactly as a user would
/// (<c>AddColumnCrypto(...).UseDataKeyStore(store).WithoutHostedService()</c>), with a fake clock and fake logging.
/// Several instances may share one <see cref="InMemoryDataKeyStore"/> and one master key file.
/// </summary>
internal sealed class CryptoInstance : IDisposable
{
    /// <summary>The fake clock's start: 2025-01-01T00:00:00Z (whole milliseconds, as key rows store them).</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private CryptoInstance(ServiceProvider services, CountingDataKeyStore store, FakeTimeProvider time)
    {
        Services = services;
        Store = store;
        Time = time;
    }

    public ServiceProvider Services { get; }

    /// <summary>This instance's view of the key table, counting its reads and inserts.</summary>
    public CountingDataKeyStore Store { get; }

    public FakeTimeProvider Time { get; }

    public ColumnEncryptor Encryptor => Services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => Services.GetRequiredService<IDataKeyManager>();

    public DataKeyManager Provider => Services.GetRequiredService<DataKeyManager>();

    public ColumnCryptoMetrics Metrics => Services.GetRequiredService<ColumnCryptoMetrics>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>Builds an instance. <paramref name="masterKey"/> null means the caller configures the master key itself.</summary>
    public static CryptoInstance Create(
        IDataKeyStore store,
        MasterKeyFile? masterKey,
        FakeTimeProvider? time = null,
        Action<ColumnCryptoOptions>? configure = null)
    {
        time ??= new FakeTimeProvider(Epoch);
        var counting = new CountingDataKeyStore(store);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddColumnCrypto(o =>
            {
                if (masterKey is not null)
                {
                    o.MasterKey.File = masterKey.Path;
                }

                configure?.Invoke(o);
            })
            .UseDataKeyStore(counting)
            .WithoutHostedService();
        return new CryptoInstance(services.BuildServiceProvider(), counting, time);
    }

    /// <summary>An instance on a fresh store with a fresh master key, its keys initialized (version 1 exists).</summary>
    public static async Task<(CryptoInstance Instance, InMemoryDataKeyStore Store, MasterKeyFile MasterKey)> CreateInitializedAsync(
        Action<ColumnCryptoOptions>? configure = null)
    {
        var store = new InMemoryDataKeyStore();
        var masterKey = MasterKeyFile.Random();
        var instance = Create(store, masterKey, configure: configure);
        await instance.Keys.InitializeAsync(CancellationToken.None);
        return (instance, store, masterKey);
    }

    public void Dispose() => Services.Dispose();
}
