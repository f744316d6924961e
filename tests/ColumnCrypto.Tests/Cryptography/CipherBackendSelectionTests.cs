using System.Security.Cryptography;
using ColumnCrypto.Configuration;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>
/// Which backend seals and opens values: libsodium by default where it is supported, the platform's AesGcm when
/// <c>cipher: platform</c> says so or libsodium cannot be used, never one that fails its self-test; chosen once, logged
/// once, and visible through <see cref="CipherBackendInfo"/>.
/// </summary>
public sealed class CipherBackendSelectionTests
{
    private const int BackendChosenEvent = 1201;
    private const int SelfTestFailedEvent = 1202;
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Fact]
    public async Task By_default_libsodium_seals_the_values_and_the_choice_is_logged_once()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var stored = instance.Encryptor.Encrypt(Email, "ada@example.com");
            Assert.Equal("ada@example.com", instance.Encryptor.Decrypt<string>(Email, stored));
            await instance.Keys.RollOverAsync(CancellationToken.None);

            var info = instance.Services.GetRequiredService<CipherBackendInfo>();
            Assert.Equal(CipherBackend.Libsodium, info.Backend);
            Assert.Equal(CipherBackend.Auto, info.Requested);
            Assert.StartsWith("libsodium AES-256-GCM through NSec.Cryptography 26.", info.Implementation, StringComparison.Ordinal);
            Assert.Equal("cipher is 'auto', and libsodium's AES-256-GCM is supported here; self-test passed", info.Reason);
            Assert.Null(info.SelfTestFailure);
            var logged = Assert.Single(instance.Logs.GetSnapshot(), r => r.Id.Id == BackendChosenEvent);
            Assert.Equal(LogLevel.Information, logged.Level);
            Assert.Equal($"Cipher backend: libsodium ({info.Implementation}). {info.Reason}.", logged.Message);
        }
    }

    [Fact]
    public async Task Cipher_platform_makes_the_platform_AesGcm_seal_every_value_with_the_same_format()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Cipher = CipherBackend.Platform);
        using (instance)
        using (masterKey)
        using (var byDefault = CryptoInstance.Create(store, masterKey, instance.Time))
        {
            var info = instance.Services.GetRequiredService<CipherBackendInfo>();
            Assert.Equal(CipherBackend.Platform, info.Backend);
            Assert.StartsWith("System.Security.Cryptography.AesGcm", info.Implementation, StringComparison.Ordinal);
            Assert.Equal("cipher is 'platform'; self-test passed", info.Reason);

            // Instances with different settings share one key table and read each other's values.
            var byPlatform = instance.Encryptor.Encrypt(Email, "ada@example.com");
            Assert.Equal("ada@example.com", byDefault.Encryptor.Decrypt<string>(Email, byPlatform));
            Assert.Equal("grace@example.com", instance.Encryptor.Decrypt<string>(Email, byDefault.Encryptor.Encrypt(Email, "grace@example.com")));
            Assert.Equal(CipherBackend.Libsodium, byDefault.Services.GetRequiredService<CipherBackendInfo>().Backend);
        }
    }

    [Fact]
    public void Auto_takes_the_platform_where_libsodium_cannot_be_used_and_says_why()
    {
        var logs = new FakeLogCollector();
        var selector = Selector(new ColumnCryptoOptions(), libsodium: null, logs: logs);

        Assert.Same(PlatformCipherBackend.Instance, selector.Backend);
        Assert.Equal("cipher is 'auto', and libsodium's AES-256-GCM cannot be used here: this CPU lacks AES-NI; self-test passed", selector.Info.Reason);
        Assert.Equal(BackendChosenEvent, Assert.Single(logs.GetSnapshot()).Id.Id);
    }

    [Fact]
    public void Cipher_libsodium_where_it_cannot_be_used_is_a_configuration_error_naming_the_file_line_and_the_fix()
    {
        var options = Load("""
            schedule:
              dataKeyRollOverLength: 30
            cipher: libsodium
            """);
        var selector = Selector(options, libsodium: null);

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => selector.Backend);

        AssertLocation(error, 3, "cipher");
        Assert.Equal(
            "columncrypto.yaml:3: cipher is 'libsodium', but libsodium's AES-256-GCM cannot be used on this machine: this CPU lacks AES-NI. " +
            "Set cipher to 'auto' (libsodium where supported, otherwise the platform's AesGcm) or to 'platform'.", error.Message);
    }

    [Fact]
    public async Task Cipher_libsodium_where_it_cannot_be_used_stops_start_up_before_any_key_is_created()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        var services = new ServiceCollection();
        services.AddSingleton(new CipherBackendSelector(() => new ColumnCryptoOptions { Cipher = CipherBackend.Libsodium }, () => (null, "this CPU lacks AES-NI"),
            PlatformCipherBackend.Instance, new FakeLogger()));
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(store).WithoutHostedService();
        using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => provider.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None));

        Assert.StartsWith("cipher is 'libsodium', but libsodium's AES-256-GCM cannot be used on this machine", error.Message, StringComparison.Ordinal);
        Assert.Equal("cipher", error.Setting);
        Assert.Empty((await store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Theory]
    [InlineData(CipherBackend.Auto)]
    [InlineData(CipherBackend.Libsodium)]
    public async Task A_libsodium_that_fails_its_self_test_is_replaced_by_the_platform_with_a_warning(CipherBackend requested)
    {
        using var masterKey = MasterKeyFile.Random();
        var logs = new FakeLogCollector();
        var selector = Selector(new ColumnCryptoOptions { Cipher = requested },
            new FaultyCipherBackend(CipherBackends.Libsodium, FaultyCipherBackend.Fault.FlipsOutputBit), logs);
        var services = new ServiceCollection();
        services.AddSingleton(selector);
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(new InMemoryDataKeyStore()).WithoutHostedService();
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);

        // Values are right: sealed by the platform, they open with a correct libsodium too.
        var encryptor = provider.GetRequiredService<ColumnEncryptor>();
        Assert.Equal("ada@example.com", encryptor.Decrypt<string>(Email, encryptor.Encrypt(Email, "ada@example.com")));
        var info = provider.GetRequiredService<CipherBackendInfo>();
        Assert.Equal(CipherBackend.Platform, info.Backend);
        Assert.Equal("GCM test case 14: encryption gave other bytes than the vector", info.SelfTestFailure);
        Assert.Contains("but it failed its known-answer self-test (GCM test case 14: encryption gave other bytes than the vector), so the platform backend is used", info.Reason, StringComparison.Ordinal);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == SelfTestFailedEvent);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("The libsodium cipher backend failed its known-answer self-test (GCM test case 14: encryption gave other bytes than the vector); " +
                     "values are sealed and opened by the platform backend instead.", warning.Message);
    }

    [Fact]
    public async Task When_no_backend_passes_its_self_test_nothing_is_encrypted_or_created()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        var selector = new CipherBackendSelector(() => new ColumnCryptoOptions(),
            () => (new FaultyCipherBackend(CipherBackends.Libsodium, FaultyCipherBackend.Fault.AcceptsEverything), null),
            new FaultyCipherBackend(CipherBackends.Platform, FaultyCipherBackend.Fault.FlipsOutputBit), new FakeLogger());
        var services = new ServiceCollection();
        services.AddSingleton(selector);
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDataKeyStore(store).WithoutHostedService();
        using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<CryptographicException>(() => provider.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None));

        Assert.StartsWith("The platform AES-256-GCM (faulty System.Security.Cryptography.AesGcm", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed its known-answer self-test (GCM test case 14: encryption gave other bytes than the vector). ColumnCrypto encrypts and decrypts nothing", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(CancellationToken.None)).Rows);
        Assert.Throws<CryptographicException>(() => provider.GetRequiredService<ColumnEncryptor>().Encrypt(Email, "x"));
    }

    [Fact]
    public void The_choice_is_made_once_however_many_threads_ask()
    {
        var logs = new FakeLogCollector();
        var selector = Selector(new ColumnCryptoOptions(), CipherBackends.Libsodium, logs);

        var chosen = new ICipherBackend[16];
        Parallel.For(0, chosen.Length, i => chosen[i] = selector.Backend);

        Assert.All(chosen, backend => Assert.Same(CipherBackends.Libsodium, backend));
        Assert.Single(logs.GetSnapshot());
    }

    private static CipherBackendSelector Selector(ColumnCryptoOptions options, ICipherBackend? libsodium, FakeLogCollector? logs = null) =>
        new(() => options, () => (libsodium, libsodium is null ? "this CPU lacks AES-NI" : null), PlatformCipherBackend.Instance,
            new FakeLogger(logs ?? new FakeLogCollector()));
}
