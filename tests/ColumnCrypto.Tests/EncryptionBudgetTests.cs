using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;

namespace ColumnCrypto.Tests;

/// <summary>
/// The encryption-count bound (<c>schedule.maxEncryptionsPerKey</c>, default 2^31, half the 2^32 safe limit for random
/// 96-bit GCM nonces). What is enforced: each instance reserves encryptions in the key row in blocks of 65,536
/// (<see cref="EncryptionBudget.BlockSize"/>) before it uses them, so the row's count is an upper bound of the
/// encryptions all instances made. A process never encrypts more than it reserved (it waits for the next block, or fails
/// the write when the key table refuses), and a reservation is granted only up to the bound, so a key never encrypts
/// more than the bound across all instances; the reservation that reaches it starts a rollover.
/// </summary>
public sealed class EncryptionBudgetTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void Default_encryption_bound_is_2_to_the_31()
    {
        Assert.Equal(1L << 31, new ColumnCryptoOptions().Schedule.MaxEncryptionsPerKey);
        Assert.Equal(65_536, EncryptionBudget.BlockSize);
    }

    [Fact]
    public async Task Encryptions_past_the_bound_roll_over_to_a_new_key()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.MaxEncryptionsPerKey = 10);
        using (instance)
        using (masterKey)
        {
            var values = new List<byte[]>();
            for (var i = 0; i < 11; i++)
            {
                values.Add(instance.Encryptor.Encrypt(Email, $"value {i}")!);
            }

            Assert.Equal(1, ColumnEncryptor.GetKeyVersion(values[0]));
            await instance.Provider.PendingReservation;

            // The first block reserved (65,536 >= 10) already reached the bound: version 2 exists and encrypts.
            var rows = (await store.ReadAsync(None)).Rows;
            Assert.True(rows.Count >= 2, $"expected a rollover, found {rows.Count} key(s)");
            Assert.True(rows[0].EncryptionCount >= 10, $"v1 count {rows[0].EncryptionCount}");
            var next = instance.Encryptor.Encrypt(Email, "after the bound")!;
            Assert.True(ColumnEncryptor.GetKeyVersion(next) >= 2);

            // Everything written before and after still decrypts.
            for (var i = 0; i < values.Count; i++)
            {
                Assert.Equal($"value {i}", instance.Encryptor.Decrypt<string>(Email, values[i]));
            }

            Assert.Equal("after the bound", instance.Encryptor.Decrypt<string>(Email, next));
            await instance.Provider.PendingReservation;
        }
    }

    [Fact]
    public async Task A_new_key_under_a_small_bound_is_not_due_before_it_encrypted_anything()
    {
        // Its row is written with its creator's first block, which is half the bound when the bound is small.
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.MaxEncryptionsPerKey = 10);
        using (instance)
        using (masterKey)
        {
            Assert.Equal(5, Assert.Single((await store.ReadAsync(None)).Rows).EncryptionCount);
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
            Assert.Single((await store.ReadAsync(None)).Rows);
        }
    }

    [Fact]
    public async Task Encryptions_below_the_bound_do_not_roll_over()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.MaxEncryptionsPerKey = 3 * EncryptionBudget.BlockSize);
        using (instance)
        using (masterKey)
        {
            for (var i = 0; i < 1_000; i++)
            {
                instance.Encryptor.Encrypt(Email, i);
            }

            await instance.Provider.PendingReservation;

            var row = Assert.Single((await store.ReadAsync(None)).Rows);
            Assert.Equal(EncryptionBudget.BlockSize, row.EncryptionCount);
            Assert.Null(await instance.Keys.RollOverIfDueAsync(None));
            Assert.Equal(1, ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, 0)));
        }
    }

    [Fact]
    public async Task Encryption_counts_add_up_across_instances_and_together_they_never_pass_the_bound()
    {
        // Bound between one and two blocks: each instance reserves half of it at a time.
        var bound = EncryptionBudget.BlockSize + 1;
        var (a, store, masterKey) = await CryptoInstance.CreateInitializedAsync(o => o.Schedule.MaxEncryptionsPerKey = bound);
        using (a)
        using (masterKey)
        using (var b = CryptoInstance.Create(store, masterKey, a.Time, o => o.Schedule.MaxEncryptionsPerKey = bound))
        {
            await b.Keys.InitializeAsync(None);
            await b.Provider.PendingReservation;
            Assert.Equal(2 * (bound / 2), (await store.ReadAsync(None)).Rows[0].EncryptionCount);

            // Both write, interleaved, until each has moved on from v1: together they never pass the bound under v1.
            var underV1 = 0;
            var aOnV1 = true;
            var bOnV1 = true;
            for (var i = 0; aOnV1 || bOnV1; i++)
            {
                aOnV1 = aOnV1 && Count(a, i, ref underV1);
                bOnV1 = bOnV1 && Count(b, i, ref underV1);
                Assert.True(underV1 <= bound, $"{underV1} values under v1, above the bound {bound}");
            }

            Assert.True(underV1 > bound / 2, $"only {underV1} values under v1");
            Assert.True((await store.ReadAsync(None)).Rows[0].EncryptionCount >= underV1);
        }
    }

    private static bool Count(CryptoInstance instance, int value, ref int underV1)
    {
        var onV1 = ColumnEncryptor.GetKeyVersion(instance.Encryptor.Encrypt(Email, value)) == 1;
        underV1 += onV1 ? 1 : 0;
        return onV1;
    }

    [Fact]
    public async Task A_restarted_instance_rolls_over_a_key_whose_stored_count_reached_the_bound()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            await store.ReserveEncryptionsAsync(1, 1L << 31, None);
            using var restarted = CryptoInstance.Create(store, masterKey, instance.Time);
            await restarted.Keys.InitializeAsync(None);
            Assert.Equal(2, await restarted.Keys.GetCurrentVersionAsync(None));
        }
    }
}
