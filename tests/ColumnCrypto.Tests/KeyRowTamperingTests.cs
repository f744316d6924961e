using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;

namespace ColumnCrypto.Tests;

/// <summary>
/// A key row whose wrapped key was swapped, replaced or altered, or whose commitment or creation time was changed,
/// is refused with <see cref="ColumnCryptoKeyException"/> (a <see cref="ColumnCryptoKeyRingException"/> when the ring
/// head already shows the row is not the one it records), and no new key is created on top of it (fail closed).
/// </summary>
public sealed class KeyRowTamperingTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Swapped_wrapped_keys_between_v1_and_v2_rows_are_refused_and_no_key_is_created()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            await writer.Keys.RollOverAsync(None);
            var rows = (await store.ReadAsync(None)).Rows;
            Assert.True(await store.TryUpdateWrappingAsync(1, masterKey.KeyId, "local", masterKey.KeyId, rows[1].WrappedKey, None));
            Assert.True(await store.TryUpdateWrappingAsync(2, masterKey.KeyId, "local", masterKey.KeyId, rows[0].WrappedKey, None));

            await AssertRefusedAsync(store, masterKey, writer, expectedRows: 2);
        }
    }

    [Fact]
    public async Task Wrapped_key_copied_from_another_row_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            await writer.Keys.RollOverAsync(None);
            var rows = (await store.ReadAsync(None)).Rows;

            // v2 now claims v1's key: values written under v2 would be readable with v1's key, or vice versa.
            Assert.True(await store.TryUpdateWrappingAsync(2, masterKey.KeyId, "local", masterKey.KeyId, rows[0].WrappedKey, None));

            var error = await AssertRefusedAsync(store, masterKey, writer, expectedRows: 2);
            Assert.Equal(2, error.KeyVersion);
        }
    }

    [Fact]
    public async Task Whole_row_substituted_with_a_commitment_from_another_row_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            await writer.Keys.RollOverAsync(None);
            var table = await store.ReadAsync(None);
            var rows = table.Rows;

            // Row 2 replaced by row 1's wrapped key and commitment, re-wrapped for version 2 by someone holding the
            // master key: the unwrap succeeds, only the commitment (bound to the version) can catch it.
            using var wrapper = masterKey.CreateWrapper();
            var v1Key = await wrapper.UnwrapAsync(rows[0].WrappedKey, masterKey.KeyId, new Wrapping.KeyWrapContext(1), None);
            var rewrapped = await wrapper.WrapAsync(v1Key, new Wrapping.KeyWrapContext(2), None);
            var tampered = Copy(table, r => r.Version == 2, r =>
            {
                r.WrappedKey = rewrapped;
                r.Commitment = rows[0].Commitment;
            });

            // The ring head records version 2's commitment: the substituted row is reported as replaced.
            var error = await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 2);
            Assert.Contains("version 2 is not the key the ring head records (its commitment differs): replaced", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Corrupted_commitment_is_refused_and_no_key_is_created()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.Commitment[0] ^= 1);

            var error = await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);

            Assert.Contains("version 1 is not the key the ring head records (its commitment differs): replaced", error.Message, StringComparison.Ordinal);
            Assert.Contains("No data key is created", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Empty_commitment_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.Commitment = []);
            await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);
        }
    }

    [Fact]
    public async Task Changed_creation_time_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            // Moving CreatedAt forward would postpone the rollover: the commitment covers it.
            var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.CreatedAt = r.CreatedAt.AddDays(300));
            var error = await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);
            Assert.Contains("commitment", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(59)]
    public async Task Altered_wrapped_key_is_refused(int index)
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.WrappedKey[index] ^= 0x80);
            var error = await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);
            Assert.Contains("Cannot unwrap data key version 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("No new data key is created", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Truncated_wrapped_key_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            foreach (var length in new[] { 0, 1, 28, 44, 59 })
            {
                var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.WrappedKey = r.WrappedKey[..length]);
                await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);
            }
        }
    }

    [Fact]
    public async Task Row_relabelled_as_another_version_is_refused()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            await writer.Keys.RollOverAsync(None);
            var relabelled = InMemoryDataKeyStore.From(await store.ReadAsync(None));
            relabelled.Tamper(rows => (rows[0].Version, rows[1].Version) = (2, 1));

            await AssertRefusedAsync(relabelled, masterKey, writer, expectedRows: 2);
        }
    }

    [Fact]
    public async Task Unknown_wrapping_provider_is_refused_with_the_configured_key_named()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            var tampered = Copy(await store.ReadAsync(None), r => r.Version == 1, r => r.WrappingProvider = "awsKms");
            var error = await AssertRefusedAsync(tampered, masterKey, writer, expectedRows: 1);
            Assert.Contains("awsKms", error.Message, StringComparison.Ordinal);
            Assert.Contains(masterKey.KeyId, error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A fresh instance on <paramref name="store"/> refuses the keys at start-up, on first use and on every rollover
    /// path, even when a rollover is due; the table keeps <paramref name="expectedRows"/> rows.
    /// </summary>
    private static async Task<ColumnCryptoKeyException> AssertRefusedAsync(InMemoryDataKeyStore store, MasterKeyFile masterKey, CryptoInstance writer, int expectedRows)
    {
        writer.Time.Advance(TimeSpan.FromDays(400));
        using var instance = CryptoInstance.Create(store, masterKey, writer.Time);

        var error = await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => instance.Keys.InitializeAsync(None));
        Assert.ThrowsAny<ColumnCryptoKeyException>(() => instance.Encryptor.Encrypt(Email, "x"));
        await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => instance.Keys.RollOverIfDueAsync(None));
        await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => instance.Keys.RollOverAsync(None));

        Assert.Equal(expectedRows, ((await store.ReadAsync(None)).Rows).Count);
        Assert.Equal(0, instance.Store.AddAttempts);
        return error;
    }

    /// <summary>A copy of the key table (its rows and ring head), with <paramref name="change"/> applied to the matching rows.</summary>
    private static InMemoryDataKeyStore Copy(DataKeyTableSnapshot table, Func<DataKeyRecord, bool> match, Action<DataKeyRecord> change)
    {
        var store = InMemoryDataKeyStore.From(table);
        store.Tamper(rows => rows.Where(match).ToList().ForEach(change));
        return store;
    }
}
