using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Tests.Support;
using ColumnCrypto.Tests.TestVectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Tests;

/// <summary>
/// The key ring as a whole: a key table written before ring heads existed gets one at its first write-side start (and
/// cannot silently lose it afterwards), and the encryption bound holds when the key table refuses reservations.
/// </summary>
public sealed class KeyRingTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_key_table_from_before_ring_heads_is_sealed_at_the_first_start_and_its_keys_re_committed()
    {
        var (store, masterKey, time) = LegacyTable();
        using (masterKey)
        {
            // A read-only process (an operator's status, say) verifies the legacy table but writes nothing.
            using (var reader = CryptoInstance.Create(store, masterKey, time))
            {
                await reader.Keys.RefreshAsync(None);
                Assert.Null((await store.ReadAsync(None)).Head);
            }

            var legacy = (await store.ReadAsync(None)).Rows;
            using (var writer = CryptoInstance.Create(store, masterKey, time))
            {
                await writer.Keys.InitializeAsync(None);
                Assert.Contains(writer.Logs.GetSnapshot(), r => r.Id.Id == 1013 && r.Level == LogLevel.Warning);
            }

            var sealedTable = await store.ReadAsync(None);
            Assert.Equal(1, sealedTable.Head!.Generation);
            Assert.All(sealedTable.Rows.Zip(legacy), pair => Assert.NotEqual(pair.Second.Commitment, pair.First.Commitment));
            Assert.Contains("columncrypto-data-key 1 active ", sealedTable.Head.Manifest, StringComparison.Ordinal);

            // Deleting the head afterwards (with the newest row) cannot bring the legacy acceptance back.
            store.Tamper(rows => rows.RemoveAll(r => r.Version == 2), _ => null);
            using var restarted = CryptoInstance.Create(store, masterKey, time);
            var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => restarted.Keys.InitializeAsync(None));
            Assert.Contains("version 1 was written under a ring head, but the table has none any more: the ring head was deleted", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_key_table_from_before_ring_heads_with_a_missing_version_is_refused()
    {
        var (store, masterKey, time) = LegacyTable();
        using (masterKey)
        {
            store.Tamper(rows => rows.RemoveAll(r => r.Version == 1));
            using var instance = CryptoInstance.Create(store, masterKey, time);

            var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => instance.Keys.InitializeAsync(None));

            Assert.Contains("version 1 is missing below version 2 (ColumnCrypto never skips or deletes a version): deleted", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, instance.Store.AddAttempts);
        }
    }

    [Fact]
    public async Task A_key_table_from_before_ring_heads_whose_commitment_was_altered_is_refused_by_the_commitment_check()
    {
        var (store, masterKey, time) = LegacyTable();
        using (masterKey)
        {
            store.Tamper(rows => rows.Single(r => r.Version == 1).Commitment[0] ^= 1);
            using var instance = CryptoInstance.Create(store, masterKey, time);

            var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.InitializeAsync(None));

            Assert.Contains("Data key version 1 failed its commitment check", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, error.KeyVersion);
            Assert.Null((await store.ReadAsync(None)).Head);
        }
    }

    [Fact]
    public async Task When_reservations_are_refused_a_process_encrypts_what_it_reserved_and_then_fails_writes_without_rolling_over()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.MaxEncryptionsPerKey = 100_000);
        using (instance)
        using (masterKey)
        {
            instance.Store.RefuseReservations = new InvalidOperationException("trigger refuses the update");
            var encrypted = 0;
            ColumnCryptoKeyException? error = null;
            for (var i = 0; i < 400_000 && error is null; i++)
            {
                try
                {
                    instance.Encryptor.Encrypt(Email, i);
                    encrypted++;
                }
                catch (ColumnCryptoKeyException e)
                {
                    error = e;
                }
            }

            Assert.Equal(50_000, encrypted); // the block reserved with the key: half the bound, as the bound is below two blocks
            Assert.NotNull(error);
            Assert.Contains("reserving more failed: trigger refuses the update", error.Message, StringComparison.Ordinal);
            Assert.Contains("Writes fail until a reservation succeeds", error.Message, StringComparison.Ordinal);
            Assert.Single((await store.ReadAsync(None)).Rows);

            // Reads go on, and writes resume as soon as the key table accepts reservations again.
            instance.Store.RefuseReservations = null;
            instance.Time.Advance(EncryptionReservation.RetryAfterFailure);
            Assert.Equal(1, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, "again")));
        }
    }

    [Fact]
    public async Task A_bulk_write_reserves_ahead_in_one_reservation()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            await instance.Encryptor.ReserveAsync(300_000);

            Assert.Equal(1, instance.Store.Reservations);
            Assert.True(instance.Provider.Current!.Newest!.Budget.Remaining >= 300_000);
            Assert.True((await store.ReadAsync(None)).Rows[0].EncryptionCount >= 300_000);

            // Enough reserved: no reservation until the budget runs low again.
            await instance.Encryptor.ReserveAsync(1_000);
            Assert.Equal(1, instance.Store.Reservations);
        }
    }

    /// <summary>The committed format-1 vectors' key table: two keys written (and committed) before ring heads existed.</summary>
    private static (InMemoryDataKeyStore Store, MasterKeyFile MasterKey, FakeTimeProvider Time) LegacyTable()
    {
        var vectors = FormatV1VectorFile.LoadCommitted();
        var store = InMemoryDataKeyStore.From(vectors.Keys.Select(k => k.ToRecord()), null);
        return (store, MasterKeyFile.FromBytes(Convert.FromBase64String(vectors.MasterKey)), new FakeTimeProvider(vectors.Clock));
    }
}
