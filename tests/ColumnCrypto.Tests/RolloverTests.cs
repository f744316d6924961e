using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Tests;

/// <summary>
/// The documented schedule: the newest key encrypts, old keys still decrypt, and a new key is created when the newest
/// is older than <c>schedule.dataKeyRollOverLength</c> days (default 365).
/// </summary>
public sealed class RolloverTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void Default_rollover_schedule_is_365_days()
    {
        Assert.Equal(365, ScheduleOptions.DefaultDataKeyRollOverLength);
        Assert.Equal(365, new ColumnCryptoOptions().Schedule.DataKeyRollOverLength);

        using var masterKey = MasterKeyFile.Random();
        using var instance = CryptoInstance.Create(new InMemoryDataKeyStore(), masterKey);
        Assert.Equal(365, instance.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule.DataKeyRollOverLength);
        Assert.Equal(TimeSpan.FromDays(365), instance.Services.GetRequiredService<RolloverPolicy>().RollOverLength);
    }

    [Fact]
    public async Task Initialize_creates_version_1_on_an_empty_key_table_with_rollover_due_in_365_days()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var row = Assert.Single((await store.ReadAsync(None)).Rows);
            Assert.Equal(1, row.Version);
            Assert.Equal(CryptoInstance.Epoch, row.CreatedAt);
            Assert.Equal(CryptoInstance.Epoch.AddDays(365), row.RollOverAt);
            Assert.Equal(DataKeyStatus.Active, row.Status);
            Assert.Equal("local", row.WrappingProvider);
            Assert.Equal(masterKey.KeyId, row.WrappingKeyId);
            Assert.Equal(32 + 28, row.WrappedKey.Length);
            Assert.Equal(32, row.Commitment.Length);
            Assert.Equal(1, await instance.Keys.GetCurrentVersionAsync(None));
        }
    }

    [Fact]
    public async Task Initialize_twice_does_not_create_a_second_key()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            await instance.Keys.InitializeAsync(None);
            using var second = CryptoInstance.Create(store, masterKey, instance.Time);
            await second.Keys.InitializeAsync(None);
            Assert.Single((await store.ReadAsync(None)).Rows);
        }
    }

    [Fact]
    public async Task No_rollover_at_364_days_nor_one_millisecond_before_365()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            instance.Time.Advance(TimeSpan.FromDays(364));
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
            instance.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMilliseconds(1));
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));

            Assert.Single((await store.ReadAsync(None)).Rows);
            Assert.Equal(1, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, "x")));
        }
    }

    [Fact]
    public async Task Rollover_creates_new_key_when_newest_is_older_than_schedule()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var oldValue = instance.Encryptor.Encrypt(Email, "written under v1");
            var oldText = instance.Encryptor.EncryptToBase64(Email, 1234m);

            instance.Time.Advance(TimeSpan.FromDays(365));
            Assert.Equal(2, await instance.Keys.RollOverIfDueAsync(None));

            var rows = (await store.ReadAsync(None)).Rows;
            Assert.Equal([1, 2], rows.Select(r => r.Version));
            Assert.Equal(CryptoInstance.Epoch.AddDays(365), rows[1].CreatedAt);
            Assert.Equal(CryptoInstance.Epoch.AddDays(730), rows[1].RollOverAt);
            Assert.All(rows, r => Assert.Equal(DataKeyStatus.Active, r.Status));

            // New values use v2; v1 values still decrypt.
            var newValue = instance.Encryptor.Encrypt(Email, "written under v2");
            Assert.Equal(2, ColumnEncryptor.GetKeyVersion(newValue));
            Assert.Equal("written under v2", instance.Encryptor.Decrypt<string>(Email, newValue));
            Assert.Equal(1, ColumnEncryptor.GetKeyVersion(oldValue));
            Assert.Equal("written under v1", instance.Encryptor.Decrypt<string>(Email, oldValue));
            Assert.Equal(1234m, instance.Encryptor.DecryptFromBase64<decimal>(Email, oldText));
            Assert.Equal(2, await instance.Keys.GetCurrentVersionAsync(None));
        }
    }

    [Fact]
    public async Task Rollover_is_not_repeated_until_the_new_key_is_itself_due()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            instance.Time.Advance(TimeSpan.FromDays(400));
            Assert.Equal(2, await instance.Keys.RollOverIfDueAsync(None));
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));

            instance.Time.Advance(TimeSpan.FromDays(364));
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
            instance.Time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(3, await instance.Keys.RollOverIfDueAsync(None));
            Assert.Equal(3, ((await store.ReadAsync(None)).Rows).Count);
        }
    }

    [Fact]
    public async Task Custom_rollover_length_is_honoured()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.DataKeyRollOverLength = 30);
        using (instance)
        using (masterKey)
        {
            Assert.Equal(CryptoInstance.Epoch.AddDays(30), Assert.Single((await store.ReadAsync(None)).Rows).RollOverAt);

            instance.Time.Advance(TimeSpan.FromDays(29));
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
            instance.Time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(2, await instance.Keys.RollOverIfDueAsync(None));
            Assert.Equal(2, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, "x")));
        }
    }

    [Fact]
    public async Task Shortened_schedule_applies_to_existing_keys()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            instance.Time.Advance(TimeSpan.FromDays(100));

            // Another deployment of the app with schedule.dataKeyRollOverLength: 90.
            using var shorter = CryptoInstance.Create(store, masterKey, instance.Time, o => o.Schedule.DataKeyRollOverLength = 90);
            Assert.Equal(2, await shorter.Keys.RollOverIfDueAsync(None));
        }
    }

    [Fact]
    public async Task RollOverAsync_forces_a_new_key_whatever_the_schedule()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var old = instance.Encryptor.Encrypt(Email, 7);
            Assert.Equal(2, await instance.Keys.RollOverAsync(None));
            Assert.Equal(3, await instance.Keys.RollOverAsync(None));

            Assert.Equal(3, ((await store.ReadAsync(None)).Rows).Count);
            Assert.Equal(3, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, 8)));
            Assert.Equal(7, instance.Encryptor.Decrypt<int>(Email, old));
        }
    }

    [Fact]
    public async Task Initialize_rolls_over_at_start_up_when_the_newest_key_is_due()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            instance.Time.Advance(TimeSpan.FromDays(366));
            using var restarted = CryptoInstance.Create(store, masterKey, instance.Time);
            await restarted.Keys.InitializeAsync(None);

            Assert.Equal(2, ((await store.ReadAsync(None)).Rows).Count);
            Assert.Equal(2, await restarted.Keys.GetCurrentVersionAsync(None));
        }
    }

    [Fact]
    public async Task First_use_without_explicit_initialize_creates_version_1()
    {
        var store = new InMemoryDataKeyStore();
        using var masterKey = MasterKeyFile.Random();
        using var instance = CryptoInstance.Create(store, masterKey);

        var stored = instance.Encryptor.Encrypt(Email, "lazy");

        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(stored));
        Assert.Single((await store.ReadAsync(None)).Rows);
        Assert.Equal("lazy", instance.Encryptor.Decrypt<string>(Email, stored));
    }

    [Fact]
    public async Task Values_stay_readable_across_many_rollovers_and_a_restart()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        {
            var written = new List<(int Version, byte[] Stored)>();
            for (var i = 1; i <= 5; i++)
            {
                written.Add((i, instance.Encryptor.Encrypt(Email, $"value {i}")!));
                instance.Time.Advance(TimeSpan.FromDays(365));
                Assert.Equal(i + 1, await instance.Keys.RollOverIfDueAsync(None));
            }

            var time = instance.Time;
            instance.Dispose();
            using var restarted = CryptoInstance.Create(store, masterKey, time);
            foreach (var (version, stored) in written)
            {
                Assert.Equal(version, ColumnEncryptor.GetKeyVersion(stored));
                Assert.Equal($"value {version}", restarted.Encryptor.Decrypt<string>(Email, stored));
            }
        }
    }
}
