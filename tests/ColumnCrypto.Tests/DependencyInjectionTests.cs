using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Tests;

/// <summary><c>services.AddColumnCrypto(...)</c> registers everything an application needs, with clear errors when a piece is missing.</summary>
public sealed class DependencyInjectionTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void AddColumnCrypto_registers_the_encryptor_key_manager_options_and_a_hosted_service()
    {
        using var masterKey = MasterKeyFile.Random();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(new InMemoryDataKeyStore());

        Assert.Contains(services, d => d.ServiceType == typeof(ColumnEncryptor) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Contains(services, d => d.ServiceType == typeof(IDataKeyManager) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService));

        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<ColumnEncryptor>());
        Assert.Same(provider.GetRequiredService<ColumnEncryptor>(), provider.GetRequiredService<ColumnEncryptor>());
        Assert.Same(provider.GetRequiredService<DataKeyManager>(), provider.GetRequiredService<IDataKeyManager>());
        Assert.Equal(masterKey.Path, provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.MasterKey.File);
        Assert.Single(provider.GetServices<IHostedService>().OfType<DataKeyRolloverService>());

        // The packages depend on the logging abstractions only: they register no logging of their own, and work without it.
        Assert.Null(provider.GetService<ILoggerFactory>());
    }

    [Fact]
    public async Task ColumnCrypto_logs_through_the_logging_the_application_registers_before_or_after_it()
    {
        using var masterKey = MasterKeyFile.Random();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(new InMemoryDataKeyStore());
        services.AddFakeLogging();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IDataKeyManager>().InitializeAsync(None);

        var logs = provider.GetRequiredService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 1002 && r.Category == typeof(DataKeyManager).FullName);
    }

    [Fact]
    public void WithoutHostedService_removes_the_hosted_service()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto().WithoutHostedService();
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void Resolving_without_a_key_store_gives_the_no_data_key_table_error()
    {
        using var masterKey = MasterKeyFile.Random();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ColumnEncryptor>());
        Assert.Contains("no data key table", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseDataKeyStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseDbContextKeyStore", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDataKeyManager>());
    }

    [Fact]
    public async Task The_registered_TimeProvider_drives_the_rollover_schedule()
    {
        var time = new FakeTimeProvider(CryptoInstance.Epoch);
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(store).WithoutHostedService();
        services.AddSingleton<TimeProvider>(time); // registered after AddColumnCrypto: it still wins
        using var provider = services.BuildServiceProvider();
        var keys = provider.GetRequiredService<IDataKeyManager>();

        await keys.InitializeAsync(None);
        Assert.Equal(CryptoInstance.Epoch, Assert.Single((await store.ReadAsync(None)).Rows).CreatedAt);
        time.Advance(TimeSpan.FromDays(365));
        Assert.Equal(2, await keys.RollOverIfDueAsync(None));
    }

    [Fact]
    public async Task Hosted_service_loads_keys_at_start_up_creating_version_1()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        await using var provider = BuildWithHostedService(store, masterKey, new FakeTimeProvider(CryptoInstance.Epoch));
        var service = provider.GetServices<IHostedService>().Single();

        await service.StartAsync(None);
        try
        {
            Assert.Single((await store.ReadAsync(None)).Rows);
            Assert.NotNull(provider.GetRequiredService<DataKeyManager>().Current?.Newest);
        }
        finally
        {
            await service.StopAsync(None);
        }
    }

    [Fact]
    public async Task Hosted_service_start_fails_with_missing_master_key_and_creates_no_key()
    {
        var variable = "COLUMNCRYPTO_TEST_UNSET_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        var store = new InMemoryDataKeyStore();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(CryptoInstance.Epoch));
        services.AddColumnCrypto(o => o.MasterKey.EnvironmentVariable = variable).UseDataKeyStore(store);
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(async () =>
        {
            foreach (var service in provider.GetServices<IHostedService>())
            {
                await service.StartAsync(None);
            }
        });

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(None)).Rows);
    }

    [Fact]
    public async Task Hosted_service_checks_the_schedule_periodically_and_rolls_over()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        var time = new FakeTimeProvider(CryptoInstance.Epoch);
        await using var provider = BuildWithHostedService(store, masterKey, time);
        var service = provider.GetServices<IHostedService>().Single();
        await service.StartAsync(None);
        try
        {
            // One check interval (60 minutes) after the key is 365 days old, the service has rolled over.
            time.Advance(TimeSpan.FromDays(365));
            await WaitUntilAsync(async () => ((await store.ReadAsync(None)).Rows).Count == 2, () => time.Advance(TimeSpan.FromMinutes(60)));

            Assert.Equal(2, ((await store.ReadAsync(None)).Rows).Count);
            var encryptor = provider.GetRequiredService<ColumnEncryptor>();
            Assert.Equal(2, ColumnEncryptor.GetKeyVersion(encryptor.Encrypt(Email, "x")));
        }
        finally
        {
            await service.StopAsync(None);
        }
    }

    private static ServiceProvider BuildWithHostedService(InMemoryDataKeyStore store, MasterKeyFile masterKey, FakeTimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(store);
        return services.BuildServiceProvider();
    }

    /// <summary>Polls <paramref name="condition"/> (real time, bounded), nudging the fake clock between polls.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Action nudge)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the hosted service did not roll over in time");
            nudge();
            await Task.Delay(20);
        }
    }
}
