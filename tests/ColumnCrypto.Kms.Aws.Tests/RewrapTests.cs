using Microsoft.Extensions.DependencyInjection;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>
/// Master-key changes: the data keys move to another key-encryption key (local master key, KMS key, another KMS key)
/// while every stored value stays as it is and stays readable.
/// </summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class RewrapTests(KmsEmulator kms)
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Fact]
    public async Task Rewrap_moves_data_keys_from_the_local_master_key_to_KMS_then_to_another_KMS_key_and_old_values_still_decrypt()
    {
        using var masterKey = new LocalMasterKeyFile();
        var (store, values) = await WriteValuesUnderThreeVersionsAsync(o => o.MasterKey.File = masterKey.Path);
        Assert.All((await store.ReadAsync(CancellationToken.None)).Rows, r => Assert.Equal("local", r.WrappingProvider));
        var first = await kms.CreateKeyAsync();
        var second = await kms.CreateKeyAsync();

        // Step 1: plugins.awsKms added, the old master key still available: rewrap to the configured KMS key.
        using (var migrating = KmsTestHost.ForKms(kms.Url, first.KeyId, store, configure: o => o.MasterKey.File = masterKey.Path))
        {
            var rewrap = migrating.Services.GetRequiredService<DataKeyLifecycle>();
            var result = await rewrap.RewrapAsync(rewrap.ConfiguredKey);
            Assert.Equal([1, 2, 3], result.Rewrapped);
            Assert.True(result.Complete);
        }

        Assert.All((await store.ReadAsync(CancellationToken.None)).Rows, r => Assert.Equal(("awsKms", first.KeyId), (r.WrappingProvider, r.WrappingKeyId)));
        using (var kmsOnly = KmsTestHost.ForKms(kms.Url, first.KeyId, store))
        {
            AssertAllDecrypt(kmsOnly, values);
        }

        // Step 2: keyId changed to another KMS key; the configured key reads rows of the first one and rewraps them.
        using (var moving = KmsTestHost.ForKms(kms.Url, second.KeyId, store))
        {
            var rewrap = moving.Services.GetRequiredService<DataKeyLifecycle>();
            var result = await rewrap.RewrapAsync(rewrap.ConfiguredKey);
            Assert.Equal([1, 2, 3], result.Rewrapped);
            var again = await rewrap.RewrapAsync(rewrap.ConfiguredKey);
            Assert.Empty(again.Rewrapped);
            Assert.Equal([1, 2, 3], again.AlreadyOnTarget);
        }

        // Proof that nothing needs the first key any more: disable it and read everything in a fresh process.
        await kms.DisableKeyAsync(first.KeyId);
        Assert.All((await store.ReadAsync(CancellationToken.None)).Rows, r => Assert.Equal(("awsKms", second.KeyId), (r.WrappingProvider, r.WrappingKeyId)));
        using var reader = KmsTestHost.ForKms(kms.Url, second.KeyId, store);
        AssertAllDecrypt(reader, values);
        // One Decrypt per data key, and one for the ring key (version 0), rewrapped with them.
        Assert.Equal(4, reader.Kms.Count("Decrypt"));
        Assert.Equal(["0", "1", "2", "3"], reader.Kms.DecryptedVersions.Order());
    }

    [Fact]
    public async Task Rewrap_moves_KMS_wrapped_data_keys_back_to_the_local_master_key()
    {
        var key = await kms.CreateKeyAsync();
        var (store, values) = await WriteValuesUnderThreeVersionsAsync(o => ConfigureKms(o, key.KeyId));
        using var masterKey = new LocalMasterKeyFile();

        using (var migrating = KmsTestHost.ForKms(kms.Url, key.KeyId, store, configure: o => o.MasterKey.File = masterKey.Path))
        {
            using var local = (IDisposable)RewrapTargets.LocalMasterKey(masterKey.Bytes);
            var result = await migrating.Services.GetRequiredService<DataKeyLifecycle>().RewrapAsync((IKeyWrapper)local);
            Assert.Equal([1, 2, 3], result.Rewrapped);
        }

        Assert.All((await store.ReadAsync(CancellationToken.None)).Rows, r => Assert.Equal("local", r.WrappingProvider));
        using var localOnly = KmsTestHost.Create(o => o.MasterKey.File = masterKey.Path, store);
        AssertAllDecrypt(localOnly, values);
    }

    [Fact]
    public async Task An_interrupted_rewrap_resumes_and_skips_rows_already_on_the_target()
    {
        using var masterKey = new LocalMasterKeyFile();
        var (store, values) = await WriteValuesUnderThreeVersionsAsync(o => o.MasterKey.File = masterKey.Path);
        var key = await kms.CreateKeyAsync();
        using var migrating = KmsTestHost.ForKms(kms.Url, key.KeyId, store, configure: o => o.MasterKey.File = masterKey.Path);
        var rewrap = migrating.Services.GetRequiredService<DataKeyLifecycle>();

        // The target fails on its second data key (its first wrap is the ring key's), as when the process or KMS goes away half-way.
        var interrupted = new FailingOnThirdWrap(rewrap.ConfiguredKey);
        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => rewrap.RewrapAsync(interrupted));
        var afterInterruption = (await store.ReadAsync(CancellationToken.None)).Rows;
        var resumed = await rewrap.RewrapAsync(rewrap.ConfiguredKey);

        Assert.Contains("data key version 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Versions 1 were rewrapped", error.Message, StringComparison.Ordinal);
        Assert.Equal(["awsKms", "local", "local"], afterInterruption.Select(r => r.WrappingProvider));
        Assert.Equal([1], resumed.AlreadyOnTarget);
        Assert.Equal([2, 3], resumed.Rewrapped);
        using var kmsOnly = KmsTestHost.ForKms(kms.Url, key.KeyId, store);
        AssertAllDecrypt(kmsOnly, values);
    }

    [Fact]
    public async Task Rewrap_refuses_a_row_whose_data_key_fails_its_commitment()
    {
        using var masterKey = new LocalMasterKeyFile();
        var (store, _) = await WriteValuesUnderThreeVersionsAsync(o => o.MasterKey.File = masterKey.Path);
        var rows = (await store.ReadAsync(CancellationToken.None)).Rows;

        // Version 2's wrapped key replaced by version 3's, re-wrapped for version 2 so the wrapping itself is valid.
        using (var local = (IDisposable)RewrapTargets.LocalMasterKey(masterKey.Bytes))
        {
            var wrapper = (IKeyWrapper)local;
            var third = await wrapper.UnwrapAsync(rows[2].WrappedKey, rows[2].WrappingKeyId, new KeyWrapContext(3), CancellationToken.None);
            var substituted = await wrapper.WrapAsync(third, new KeyWrapContext(2), CancellationToken.None);
            await store.TryUpdateWrappingAsync(2, rows[1].WrappingKeyId, "local", rows[1].WrappingKeyId, substituted, CancellationToken.None);
        }

        var key = await kms.CreateKeyAsync();
        using var migrating = KmsTestHost.ForKms(kms.Url, key.KeyId, store, configure: o => o.MasterKey.File = masterKey.Path);
        var rewrap = migrating.Services.GetRequiredService<DataKeyLifecycle>();
        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => rewrap.RewrapAsync(rewrap.ConfiguredKey));

        // The key table is checked before anything is rewrapped: no row (and not the ring key) moved.
        Assert.Contains("commitment", error.Message, StringComparison.Ordinal);
        var after = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(["local", "local", "local"], after.Rows.Select(r => r.WrappingProvider));
        Assert.Equal("local", after.Head!.RingKeyWrappingProvider);
    }

    private static async Task<(InMemoryDataKeyStore Store, List<(byte[] Stored, string Plain)> Values)> WriteValuesUnderThreeVersionsAsync(Action<Configuration.ColumnCryptoOptions> configure)
    {
        var store = new InMemoryDataKeyStore();
        using var writer = KmsTestHost.Create(o =>
        {
            o.MasterKey.EnvironmentVariable = KmsTestHost.UnsetMasterKeyVariable;
            configure(o);
        }, store);
        await writer.Keys.InitializeAsync(CancellationToken.None);
        var values = new List<(byte[], string)>();
        for (var version = 1; version <= 3; version++)
        {
            if (version > 1)
            {
                await writer.Keys.RollOverAsync(CancellationToken.None);
            }

            var plain = $"written under version {version}";
            values.Add((writer.Encryptor.Encrypt(Email, plain)!, plain));
        }

        return (store, values);
    }

    private void ConfigureKms(Configuration.ColumnCryptoOptions options, string keyId) =>
        options.Plugins.Set(AwsKmsOptions.SectionName, new AwsKmsOptions { Plugin = "awsKms", IsKms = true, KeyId = keyId, Region = KmsEmulator.Region, ServiceUrl = kms.Url });

    private static void AssertAllDecrypt(KmsTestHost host, List<(byte[] Stored, string Plain)> values)
    {
        foreach (var (stored, plain) in values)
        {
            Assert.Equal(plain, host.Encryptor.Decrypt<string>(Email, stored));
        }
    }

    /// <summary>A real target wrapper whose second wrap fails: an interruption half-way through.</summary>
    private sealed class FailingOnThirdWrap(IKeyWrapper inner) : IKeyWrapper
    {
        private int _wraps;

        public string Provider => inner.Provider;

        public string KeyId => inner.KeyId;

        public bool CanUnwrap(string provider, string keyId) => inner.CanUnwrap(provider, keyId);

        public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, KeyWrapContext context, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _wraps) == 3
                ? throw new IOException("connection reset (simulated interruption)")
                : inner.WrapAsync(dataKey, context, cancellationToken);

        public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, string keyId, KeyWrapContext context, CancellationToken cancellationToken) =>
            inner.UnwrapAsync(wrappedKey, keyId, context, cancellationToken);
    }
}
