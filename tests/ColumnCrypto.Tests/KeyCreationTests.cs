using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Tests;

/// <summary>
/// Who creates data keys: the write side only (start-up, the schedule, an operator, the first encryption), never a
/// read; and with <c>schedule.autoGenerateKeys: false</c>, only an operator.
/// </summary>
public sealed class KeyCreationTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Reading_a_value_before_any_key_is_loaded_never_creates_a_key()
    {
        using var masterKey = MasterKeyFile.Random();
        var writerStore = new InMemoryDataKeyStore();
        byte[] stored;
        using (var writer = CryptoInstance.Create(writerStore, masterKey))
        {
            stored = writer.Encryptor.Encrypt(Email, "ada@example.com")!;
        }

        // A cold instance over an empty key table (the key table was lost): the read fails and writes nothing.
        var empty = new InMemoryDataKeyStore();
        using var reader = CryptoInstance.Create(empty, masterKey);
        var error = Assert.Throws<ColumnDecryptionException>(() => reader.Encryptor.Decrypt<string>(Email, stored));

        Assert.Contains("key version 1 is not in the data key table", error.Message, StringComparison.Ordinal);
        Assert.Empty((await empty.ReadAsync(None)).Rows);
        Assert.Equal(0, reader.Store.AddAttempts);
    }

    [Fact]
    public async Task The_first_encryption_creates_version_1_when_nothing_was_initialized()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey);

        var stored = instance.Encryptor.Encrypt(Email, "ada@example.com")!;

        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(stored));
        Assert.Single((await store.ReadAsync(None)).Rows);
    }

    [Fact]
    public async Task Without_automatic_key_creation_start_up_on_an_empty_key_table_fails_and_creates_nothing()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey, configure: o => o.Schedule.AutoGenerateKeys = false);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.InitializeAsync(None));
        Assert.Contains("automatic key creation is off (schedule.autoGenerateKeys: false)", error.Message, StringComparison.Ordinal);
        Assert.Contains("columncrypto rotate", error.Message, StringComparison.Ordinal);
        Assert.Throws<ColumnCryptoKeyException>(() => instance.Encryptor.Encrypt(Email, "ada@example.com"));
        Assert.Empty((await store.ReadAsync(None)).Rows);
    }

    [Fact]
    public async Task Without_automatic_key_creation_a_due_rollover_is_only_reported_and_an_operator_rotates()
    {
        using var masterKey = MasterKeyFile.Random();
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey, configure: o =>
        {
            o.Schedule.AutoGenerateKeys = false;
            o.Schedule.DataKeyRollOverLength = 30;
        });
        var lifecycle = instance.Services.GetRequiredService<DataKeyLifecycle>();
        Assert.Equal(1, await lifecycle.RotateAsync(None));

        instance.Time.Advance(TimeSpan.FromDays(31));
        Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
        Assert.Single((await store.ReadAsync(None)).Rows);
        Assert.Contains(instance.Logs.GetSnapshot(), r => r.Id.Id == 1009 && r.Message.Contains("automatic key creation is off", StringComparison.Ordinal));

        Assert.Equal(2, await lifecycle.RotateAsync(None));
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, "new")!));
    }
}
