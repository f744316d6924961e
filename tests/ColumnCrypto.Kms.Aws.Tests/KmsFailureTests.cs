using System.Diagnostics;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>
/// What happens when KMS says no or does not answer: wrong key, wrong region, disabled key, KMS down at start-up,
/// KMS down while keys are cached, and a rollover due while KMS is down.
/// </summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class KmsFailureTests(KmsEmulator kms)
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Fact]
    public async Task An_unknown_keyId_fails_start_up_naming_the_key_region_and_fix()
    {
        var missing = Guid.NewGuid().ToString();
        using var attempts = new KmsFaultProxy(kms.Url);
        using var host = KmsTestHost.ForKms(attempts.Url, missing);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));
        Assert.False(error.IsTransient); // a refusal, not a network failure (the tool exits 5)

        Assert.Contains($"KMS key '{missing}' in region 'us-east-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("NotFoundException", error.Message, StringComparison.Ordinal);
        Assert.Contains("plugins.awsKms.keyId", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Store.ReadAsync(CancellationToken.None)).Rows);
        Assert.Equal(1, attempts.Attempts); // not retried: it cannot heal
    }

    [Fact]
    public async Task A_key_of_another_region_fails_naming_the_key_region_and_fix()
    {
        var key = await kms.CreateKeyAsync("us-east-1");
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId, region: "eu-west-1");

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));
        Assert.False(error.IsTransient); // a refusal, not a network failure (the tool exits 5)

        Assert.Contains($"KMS key '{key.KeyId}' in region 'eu-west-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("plugins.awsKms.region", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task A_key_ARN_of_another_region_fails_at_start_up_before_any_KMS_call()
    {
        var key = await kms.CreateKeyAsync("us-east-1");
        using var host = KmsTestHost.ForKms(kms.Url, key.Arn, region: "eu-west-1");

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => host.Wrappers);

        Assert.Equal("plugins.awsKms.region", error.Setting);
        Assert.Contains($"'{key.Arn}' is an ARN of another region than plugins.awsKms.region 'eu-west-1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_key_fails_clearly_while_processes_holding_their_keys_go_on()
    {
        // moto 5 records DisableKey but does not enforce it; this emulator adds AWS's rule (see the launcher).
        using var emulator = MotoServer.StartEnforcingKeyState();
        var key = await KmsEmulator.CreateKeyAsync(emulator.Url);
        using var running = KmsTestHost.ForKms(emulator.Url, key.KeyId);
        await running.Keys.InitializeAsync(CancellationToken.None);
        var stored = running.Encryptor.Encrypt(Email, "written before the key was disabled");

        await KmsEmulator.DisableKeyAsync(emulator.Url, key.KeyId);
        using var attempts = new KmsFaultProxy(emulator.Url);
        using var starting = KmsTestHost.ForKms(attempts.Url, key.KeyId, running.Store);
        var startError = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => starting.Keys.InitializeAsync(CancellationToken.None));
        Assert.False(startError.IsTransient);
        var rolloverError = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => running.Keys.RollOverAsync(CancellationToken.None));

        Assert.Contains("the key is disabled", startError.Message, StringComparison.Ordinal);
        Assert.Contains($"aws kms enable-key --key-id {key.KeyId}", startError.Message, StringComparison.Ordinal);
        Assert.Contains("DisabledException", rolloverError.Message, StringComparison.Ordinal);
        Assert.Equal(2, attempts.Attempts); // the ring key's Decrypt and version 1's, each once: not retried, it cannot heal
        Assert.Single((await running.Store.ReadAsync(CancellationToken.None)).Rows);
        Assert.Equal("written before the key was disabled", running.Encryptor.Decrypt<string>(Email, stored));
        Assert.Equal("still writing", running.Encryptor.Decrypt<string>(Email, running.Encryptor.Encrypt(Email, "still writing")));
    }

    [Fact]
    public async Task KMS_unreachable_at_start_up_fails_naming_the_key_region_and_endpoint()
    {
        var nobody = $"http://127.0.0.1:{MotoServer.FreePort()}";
        using var host = KmsTestHost.ForKms(nobody, "alias/columncrypto");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));
        Assert.True(error.IsTransient); // KMS unreachable: retry later (the tool exits 1)

        Assert.Contains("KMS key 'alias/columncrypto' in region 'us-east-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"could not be reached at {nobody}", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Store.ReadAsync(CancellationToken.None)).Rows);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"gave up after {clock.Elapsed}");
    }

    [Fact]
    public async Task KMS_unreachable_at_start_up_with_existing_keys_fails_naming_the_key_region_and_endpoint()
    {
        var key = await kms.CreateKeyAsync();
        using var writer = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await writer.Keys.InitializeAsync(CancellationToken.None);
        var nobody = $"http://127.0.0.1:{MotoServer.FreePort()}";
        using var host = KmsTestHost.ForKms(nobody, key.KeyId, writer.Store);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));
        Assert.True(error.IsTransient); // KMS unreachable: retry later (the tool exits 1)

        Assert.Contains($"Decrypt of data key version 1 with KMS key '{key.KeyId}' in region 'us-east-1' ({nobody})", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.KeyVersion);
        Assert.Single((await writer.Store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Reads_and_writes_go_on_after_the_emulator_stops_when_keys_are_cached()
    {
        using var emulator = MotoServer.Start();
        var key = await KmsEmulator.CreateKeyAsync(emulator.Url);
        using var host = KmsTestHost.ForKms(emulator.Url, key.KeyId);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var old = host.Encryptor.Encrypt(Email, "written while KMS was up");
        var before = await InMemoryDataKeyStoreSnapshot.TakeAsync(host.Store);

        emulator.Stop();
        host.Kms.Reset();
        for (var i = 0; i < 1_000; i++)
        {
            var stored = host.Encryptor.Encrypt(Email, $"written while KMS is down {i}");
            Assert.Equal($"written while KMS is down {i}", host.Encryptor.Decrypt<string>(Email, stored));
        }

        Assert.Equal("written while KMS was up", host.Encryptor.Decrypt<string>(Email, old));
        Assert.Equal(0, host.Kms.Total);
        Assert.Equal(before, await InMemoryDataKeyStoreSnapshot.TakeAsync(host.Store));
        Assert.False(emulator.IsRunning);
    }

    [Fact]
    public async Task A_rollover_due_while_KMS_is_down_writes_no_key_row_and_succeeds_once_KMS_is_back()
    {
        var key = await kms.CreateKeyAsync();
        using var outage = new KmsFaultProxy(kms.Url);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = KmsTestHost.ForKms(outage.Url, key.KeyId, time: time);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var before = await InMemoryDataKeyStoreSnapshot.TakeAsync(host.Store);

        time.Advance(TimeSpan.FromDays(366));
        outage.GoDown();
        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.RollOverIfDueAsync(CancellationToken.None));
        var during = await InMemoryDataKeyStoreSnapshot.TakeAsync(host.Store);
        var writtenDuringOutage = host.Encryptor.Encrypt(Email, "written during the outage");

        outage.ComeBack();
        var version = await host.Keys.RollOverIfDueAsync(CancellationToken.None);

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, during);
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(writtenDuringOutage));
        Assert.Equal(2, version);
        var rows = (await host.Store.ReadAsync(CancellationToken.None)).Rows;
        Assert.Equal([1, 2], rows.Select(r => r.Version));
        Assert.Equal(("awsKms", key.KeyId), (rows[1].WrappingProvider, rows[1].WrappingKeyId));
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(host.Encryptor.Encrypt(Email, "after")));
        Assert.Equal("written during the outage", host.Encryptor.Decrypt<string>(Email, writtenDuringOutage));
    }
}
