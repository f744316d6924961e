using System.Buffers.Binary;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ColumnCrypto.Tests;

/// <summary>
/// A value under a key version this instance has not loaded yet (another instance just rolled over) costs one refresh
/// of the key table; a version that no rollover can explain fails at once, without reading the table, and a version
/// looked up and not found is not looked up again for 30 seconds (a forged header costs one read per interval).
/// </summary>
public sealed class UnknownKeyVersionTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Value_written_after_another_instance_rolled_over_is_read_after_one_refresh()
    {
        var (a, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (a)
        using (masterKey)
        using (var b = CryptoInstance.Create(store, masterKey, a.Time))
        {
            await b.Keys.InitializeAsync(None);
            await a.Keys.RollOverAsync(None);
            var fromA = a.Encryptor.Encrypt(Email, "written by A under v2");
            Assert.Equal(2, ColumnEncryptor.GetKeyVersion(fromA));

            using var loads = new MetricCollector<long>(b.Metrics.Meter, "columncrypto.keyring.loads");
            var readsBefore = b.Store.Reads;

            Assert.Equal("written by A under v2", b.Encryptor.Decrypt<string>(Email, fromA));
            Assert.Equal(1, b.Store.Reads - readsBefore);
            Assert.Equal(1, loads.GetMeasurementSnapshot().Sum(m => m.Value));

            // Cached from now on, and B's new values use v2 as well.
            Assert.Equal("written by A under v2", b.Encryptor.Decrypt<string>(Email, fromA));
            Assert.Equal(2, ColumnEncryptor.GetKeyVersion(b.Encryptor.Encrypt(Email, "by B")));
            Assert.Equal(1, b.Store.Reads - readsBefore);
        }
    }

    [Fact]
    public async Task Version_far_above_the_newest_fails_at_once_without_reading_the_key_table()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var stored = instance.Encryptor.Encrypt(Email, "x")!;
            using var loads = new MetricCollector<long>(instance.Metrics.Meter, "columncrypto.keyring.loads");
            var readsBefore = instance.Store.Reads;

            foreach (var version in new[] { 1 + 17, 1_000, int.MaxValue })
            {
                var forged = WithVersion(stored, version);
                var error = Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, forged));
                Assert.Equal(version, error.KeyVersion);
                Assert.Contains($"key version {version}", error.Message, StringComparison.Ordinal);
                Assert.Contains("customers.email", error.Message, StringComparison.Ordinal);
            }

            Assert.Equal(0, instance.Store.Reads - readsBefore);
            Assert.Empty(loads.GetMeasurementSnapshot());
        }
    }

    [Fact]
    public async Task Version_just_above_the_newest_that_does_not_exist_fails_after_one_refresh_naming_table_column_and_version()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var forged = WithVersion(instance.Encryptor.Encrypt(Email, "x")!, 2);
            var readsBefore = instance.Store.Reads;

            var error = Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, forged));

            Assert.Equal(1, instance.Store.Reads - readsBefore);
            Assert.Equal("customers", error.Table);
            Assert.Equal("email", error.Column);
            Assert.Equal(2, error.KeyVersion);
            Assert.Contains("customers.email", error.Message, StringComparison.Ordinal);
            Assert.Contains("key version 2", error.Message, StringComparison.Ordinal);
            Assert.Contains("newest known version: 1", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Retired_key_version_fails_without_reading_the_key_table()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var underV1 = instance.Encryptor.Encrypt(Email, "x")!;
            await instance.Keys.RollOverAsync(None);
            Assert.True(await instance.Provider.TryChangeRowAsync(new KeyRowChange(1, DataKeyStatus.Active) { Status = DataKeyStatus.Retired }, None));
            var readsBefore = instance.Store.Reads;

            var error = Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, underV1));

            Assert.Equal(1, error.KeyVersion);
            Assert.Equal(0, instance.Store.Reads - readsBefore);
        }
    }

    [Fact]
    public async Task Stale_instance_refreshes_once_for_a_burst_of_new_version_values()
    {
        var (a, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (a)
        using (masterKey)
        using (var b = CryptoInstance.Create(store, masterKey, a.Time))
        {
            await b.Keys.InitializeAsync(None);
            await a.Keys.RollOverAsync(None);
            var values = Enumerable.Range(0, 200).Select(i => a.Encryptor.Encrypt(Email, i)!).ToList();
            var readsBefore = b.Store.Reads;

            Parallel.ForEach(values, v => Assert.InRange(b.Encryptor.Decrypt<int>(Email, v), 0, 199));

            Assert.Equal(1, b.Store.Reads - readsBefore);
        }
    }

    [Fact]
    public async Task Forged_versions_cost_at_most_one_key_table_read_each_per_interval_and_only_within_the_window()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            var stored = instance.Encryptor.Encrypt(Email, "x")!;
            using var loads = new MetricCollector<long>(instance.Metrics.Meter, "columncrypto.keyring.loads");

            for (var round = 0; round < 20; round++)
            {
                foreach (var version in Enumerable.Range(2, DataKeyRingCache.RefreshWindow + 5))
                {
                    Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, WithVersion(stored, version)));
                }
            }

            // Versions 2..17 (newest + 1 .. newest + 16) once each; 18 and above never.
            Assert.Equal(DataKeyRingCache.RefreshWindow, loads.GetMeasurementSnapshot().Sum(m => m.Value));
            instance.Time.Advance(DataKeyRingCache.UnknownVersionRetryInterval);
            Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, WithVersion(stored, 2)));
            Assert.Equal(DataKeyRingCache.RefreshWindow + 1, loads.GetMeasurementSnapshot().Sum(m => m.Value));
        }
    }

    private static byte[] WithVersion(byte[] stored, int version)
    {
        var copy = (byte[])stored.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(3), (uint)version);
        return copy;
    }
}
