using System.Security.Cryptography;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>Data keys wrapped by a KMS key of the emulator: wrap, unwrap, binding to the key row, values, rollover.</summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class EnvelopeEncryptionTests(KmsEmulator kms)
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Fact]
    public async Task Wrap_then_unwrap_returns_the_data_key()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        var wrapper = host.KmsWrapper;
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await wrapper.WrapAsync(dataKey, new KeyWrapContext(7), CancellationToken.None);
        var unwrapped = await wrapper.UnwrapAsync(wrapped, wrapper.KeyId, new KeyWrapContext(7), CancellationToken.None);

        Assert.Equal("awsKms", wrapper.Provider);
        Assert.Equal(key.KeyId, wrapper.KeyId);
        Assert.Equal(dataKey, unwrapped);
        Assert.NotEqual(dataKey, wrapped);
        Assert.Equal(1, host.Kms.Count("Encrypt"));
        Assert.Equal(1, host.Kms.Count("Decrypt"));
    }

    [Fact]
    public async Task A_wrapped_data_key_does_not_unwrap_as_another_key_version()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        var wrapped = await host.KmsWrapper.WrapAsync(RandomNumberGenerator.GetBytes(32), new KeyWrapContext(1), CancellationToken.None);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(
            () => host.KmsWrapper.UnwrapAsync(wrapped, key.KeyId, new KeyWrapContext(2), CancellationToken.None));

        Assert.Contains("InvalidCiphertextException", error.Message, StringComparison.Ordinal);
        Assert.Contains("copied from another row", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.KeyVersion);
    }

    [Fact]
    public async Task Values_round_trip_under_KMS_wrapped_data_keys_in_another_process()
    {
        var key = await kms.CreateKeyAsync();
        using var writer = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await writer.Keys.InitializeAsync(CancellationToken.None);
        var email = writer.Encryptor.Encrypt(Email, "ada@example.com");
        var born = writer.Encryptor.Encrypt(new EncryptedColumn("customers", "born"), new DateOnly(1815, 12, 10));

        using var reader = KmsTestHost.ForKms(kms.Url, key.KeyId, writer.Store);

        Assert.Equal("ada@example.com", reader.Encryptor.Decrypt<string>(Email, email));
        Assert.Equal(new DateOnly(1815, 12, 10), reader.Encryptor.Decrypt<DateOnly>(new EncryptedColumn("customers", "born"), born));
        var row = Assert.Single((await writer.Store.ReadAsync(CancellationToken.None)).Rows);
        Assert.Equal("awsKms", row.WrappingProvider);
        Assert.Equal(key.KeyId, row.WrappingKeyId);
    }

    [Fact]
    public async Task Rollover_creates_a_KMS_wrapped_data_key()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var old = host.Encryptor.Encrypt(Email, "before rollover");

        var version = await host.Keys.RollOverAsync(CancellationToken.None);
        var fresh = host.Encryptor.Encrypt(Email, "after rollover");

        Assert.Equal(2, version);
        var rows = (await host.Store.ReadAsync(CancellationToken.None)).Rows;
        Assert.Equal([1, 2], rows.Select(r => r.Version));
        Assert.All(rows, r => Assert.Equal(("awsKms", key.KeyId), (r.WrappingProvider, r.WrappingKeyId)));
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(fresh));
        using var reader = KmsTestHost.ForKms(kms.Url, key.KeyId, host.Store);
        Assert.Equal("before rollover", reader.Encryptor.Decrypt<string>(Email, old));
        Assert.Equal("after rollover", reader.Encryptor.Decrypt<string>(Email, fresh));
    }

    [Fact]
    public async Task Wrapped_keys_swapped_between_rows_fail_to_unwrap()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await host.Keys.InitializeAsync(CancellationToken.None);
        await host.Keys.RollOverAsync(CancellationToken.None);
        var rows = (await host.Store.ReadAsync(CancellationToken.None)).Rows;
        await host.Store.TryUpdateWrappingAsync(1, key.KeyId, "awsKms", key.KeyId, rows[1].WrappedKey, CancellationToken.None);
        await host.Store.TryUpdateWrappingAsync(2, key.KeyId, "awsKms", key.KeyId, rows[0].WrappedKey, CancellationToken.None);

        using var reader = KmsTestHost.ForKms(kms.Url, key.KeyId, host.Store);
        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => reader.Keys.InitializeAsync(CancellationToken.None));

        Assert.Contains("data key version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidCiphertextException", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, ((await host.Store.ReadAsync(CancellationToken.None)).Rows).Count);
    }

    [Fact]
    public async Task An_alias_keyId_wraps_and_unwraps()
    {
        var key = await kms.CreateKeyAsync();
        var alias = $"alias/columncrypto-{Guid.NewGuid():N}";
        await kms.CreateAliasAsync(alias, key.KeyId);
        using var host = KmsTestHost.ForKms(kms.Url, alias);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var stored = host.Encryptor.Encrypt(Email, "via alias");

        using var reader = KmsTestHost.ForKms(kms.Url, alias, host.Store);

        Assert.Equal("via alias", reader.Encryptor.Decrypt<string>(Email, stored));
        Assert.Equal(alias, Assert.Single((await host.Store.ReadAsync(CancellationToken.None)).Rows).WrappingKeyId);
    }

    [Fact]
    public async Task A_key_ARN_wraps_and_unwraps()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.Arn);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var stored = host.Encryptor.Encrypt(Email, "via ARN");

        using var reader = KmsTestHost.ForKms(kms.Url, key.Arn, host.Store);

        Assert.Equal("via ARN", reader.Encryptor.Decrypt<string>(Email, stored));
    }
}
