using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Tests.Search;

/// <summary>
/// Blind-index keys as the key ring holds them (no database: the in-memory key table): created on first use, stored
/// only wrapped, shared by every instance of the key table, rotated and retired by an operator, and authenticated with
/// the data keys by the ring head, so a deleted, added, re-statused or replaced index-key row fails closed.
/// </summary>
public sealed class BlindIndexKeyRingTests
{
    private static readonly SearchableColumn Email = new(new EncryptedColumn("customers", "email"));
    private static readonly CancellationToken None = CancellationToken.None;

    private static BlindIndex Index(CryptoInstance instance) => instance.Services.GetRequiredService<BlindIndex>();

    private static BlindIndexKeyLifecycle Lifecycle(CryptoInstance instance) => instance.Services.GetRequiredService<BlindIndexKeyLifecycle>();

    [Fact]
    public async Task The_first_searchable_write_creates_index_key_1_stored_only_wrapped_and_recorded_in_the_ring_head()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        {
            Assert.Empty((await store.ReadAsync(None)).BlindIndexKeys);

            var index = Index(instance).ComputeForWrite(Email, "ada@example.com");

            var table = await store.ReadAsync(None);
            var row = Assert.Single(table.BlindIndexKeys);
            Assert.Equal((1, DataKeyStatus.Active, "local"), (row.Version, row.Status, row.WrappingProvider));
            Assert.True(row.WrappedKey.Length > 32, "the row holds the wrapped key, never the key");
            Assert.Contains("columncrypto-blind-index-key 1 active ", table.Head!.Manifest, StringComparison.Ordinal);
            Assert.Equal(1, Index(instance).WriteVersion);

            // Another instance of the same key table (a restart, a second server) finds the same key: same index.
            using var other = CryptoInstance.Create(store, masterKey);
            Assert.Equal(index, Index(other).ComputeForWrite(Email, "ada@example.com"));
            Assert.Single((await store.ReadAsync(None)).BlindIndexKeys);
        }
    }

    [Fact]
    public async Task Data_key_rollovers_keep_the_index_key_and_the_index()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        {
            var before = Index(instance).ComputeForWrite(Email, "ada@example.com");
            for (var i = 0; i < 3; i++)
            {
                await instance.Keys.RollOverAsync(None);
            }

            Assert.Equal(before, Index(instance).ComputeForWrite(Email, "ada@example.com"));
        }
    }

    [Fact]
    public async Task A_rotation_writes_under_the_new_version_while_lookups_match_both_and_the_newest_cannot_be_retired()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        {
            var v1 = Index(instance).ComputeForWrite(Email, "ada@example.com");

            Assert.Equal(2, await Lifecycle(instance).RotateAsync(None));

            var v2 = Index(instance).ComputeForWrite(Email, "ada@example.com");
            Assert.NotEqual(v1, v2);
            Assert.Equal([v2!, v1!], Index(instance).ComputeForLookup(Email, "ada@example.com"));
            Assert.Contains("columncrypto-blind-index-key 2 active ", (await store.ReadAsync(None)).Head!.Manifest, StringComparison.Ordinal);

            // Another instance picks the new version up with its next key refresh.
            using var other = CryptoInstance.Create(store, masterKey);
            Assert.Equal(v2, Index(other).ComputeForWrite(Email, "ada@example.com"));

            // Lookups match at most two versions (one SQL parameter each): a third needs the second-newest retired first.
            var third = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => Lifecycle(instance).RotateAsync(None));
            Assert.Contains("retire the older version", third.Message, StringComparison.Ordinal);
            Assert.Equal(2, (await store.ReadAsync(None)).BlindIndexKeys.Count);

            var newest = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => Lifecycle(instance).RetireAsync(2, None));
            Assert.Contains("newest active version", newest.Message, StringComparison.Ordinal);

            // Without a database nothing can prove that no stored index uses version 1.
            var unproved = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => Lifecycle(instance).RetireAsync(1, None));
            Assert.Contains("IBlindIndexUsage", unproved.Message, StringComparison.Ordinal);
            Assert.All((await store.ReadAsync(None)).BlindIndexKeys, r => Assert.Equal(DataKeyStatus.Active, r.Status));
        }
    }

    public static TheoryData<string, string> Tampering => new()
    {
        { "deleted", "blind-index key version 1 is missing (the ring head records it as active): deleted" },
        { "emptied", "blind-index key version 2 is missing (the ring head records it as active): deleted" },
        { "re-statused", "blind-index key version 1 is retired, but the ring head records it as active: re-statused" },
        { "added", "blind-index key version 3 is not in the ring head: added" },
        { "replaced", "blind-index key version 1 is not the key the ring head records (its commitment differs): replaced" },
        { "duplicated", "blind-index key version 1 appears 2 times" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task An_index_key_table_changed_outside_ColumnCrypto_fails_closed_naming_what_changed(string attack, string expected)
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        {
            Index(instance).ComputeForWrite(Email, "ada@example.com");
            await Lifecycle(instance).RotateAsync(None);

            store.Tamper(_ => { }, blindIndexKeys: rows =>
            {
                switch (attack)
                {
                    case "deleted": rows.RemoveAll(r => r.Version == 1); break;
                    case "emptied": rows.Clear(); break;
                    case "re-statused": rows.Single(r => r.Version == 1).Status = DataKeyStatus.Retired; break;
                    case "added": var extra = rows[1].Copy(); extra.Version = 3; rows.Add(extra); break;
                    case "replaced": rows.Single(r => r.Version == 1).Commitment = rows.Single(r => r.Version == 2).Commitment; break;
                    case "duplicated": rows.Add(rows.Single(r => r.Version == 1).Copy()); break;
                }
            });

            using var restarted = CryptoInstance.Create(store, masterKey);
            var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => restarted.Keys.InitializeAsync(None));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.ThrowsAny<ColumnCryptoKeyException>(() => Index(restarted).ComputeForWrite(Email, "ada@example.com"));
        }
    }

    [Fact]
    public async Task A_data_key_wrapping_moved_into_an_index_key_row_does_not_unwrap_as_an_index_key()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        {
            Index(instance).ComputeForWrite(Email, "ada@example.com");
            var dataKey = (await store.ReadAsync(None)).Rows.Single(r => r.Version == 1);
            store.Tamper(_ => { }, blindIndexKeys: rows => rows.Single().WrappedKey = [.. dataKey.WrappedKey]);

            using var restarted = CryptoInstance.Create(store, masterKey);
            var error = Assert.ThrowsAny<ColumnCryptoKeyException>(() => Index(restarted).ComputeForWrite(Email, "ada@example.com"));
            Assert.Contains("blind-index key version 1", error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task With_automatic_key_creation_off_a_missing_index_key_names_the_command_that_creates_it()
    {
        var store = new InMemoryDataKeyStore();
        using var masterKey = MasterKeyFile.Random();
        using var instance = CryptoInstance.Create(store, masterKey, configure: o => o.Schedule.AutoGenerateKeys = false);
        await instance.Services.GetRequiredService<DataKeyLifecycle>().RotateAsync(None);
        {
            var error = Assert.Throws<ColumnCryptoKeyException>(() => Index(instance).ComputeForWrite(Email, "ada@example.com"));
            Assert.Contains("columncrypto index rotate-key", error.Message, StringComparison.Ordinal);
            Assert.Empty((await store.ReadAsync(None)).BlindIndexKeys);

            await Lifecycle(instance).RotateAsync(None);
            Assert.NotNull(Index(instance).ComputeForWrite(Email, "ada@example.com"));
        }
    }

    [Fact]
    public async Task A_rewrap_moves_the_index_keys_to_the_new_master_key_with_the_data_keys()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        using (instance)
        using (var newMaster = MasterKeyFile.Random())
        {
            var index = Index(instance).ComputeForWrite(Email, "ada@example.com");
            var lifecycle = instance.Services.GetRequiredService<DataKeyLifecycle>();

            var before = Assert.Single((await store.ReadAsync(None)).BlindIndexKeys).WrappingKeyId;

            var result = await lifecycle.RewrapAsync(RewrapTargets.LocalMasterKey(newMaster.Bytes), None);

            Assert.Equal([1], result.BlindIndexKeysRewrapped);
            var table = await store.ReadAsync(None);
            var row = Assert.Single(table.BlindIndexKeys);
            Assert.NotEqual(before, row.WrappingKeyId);
            Assert.Equal(table.Rows.Single(r => r.Version == 1).WrappingKeyId, row.WrappingKeyId);
            using var onNewKey = CryptoInstance.Create(store, newMaster);
            Assert.Equal(index, Index(onNewKey).ComputeForWrite(Email, "ada@example.com"));
        }
    }
}
