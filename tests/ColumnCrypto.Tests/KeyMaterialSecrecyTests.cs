using System.Text;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace ColumnCrypto.Tests;

/// <summary>
/// Key material (master key and data keys) never shows in ToString, exception messages, logs or the key table, and
/// discarded key bytes are zeroed.
/// </summary>
public sealed class KeyMaterialSecrecyTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Key_material_never_appears_in_ToString_exception_messages_or_logs()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using var otherMasterKey = MasterKeyFile.Random();
        var texts = new List<string>();
        var logs = new List<FakeLogRecord>();
        var secrets = new List<byte[]> { masterKey.Bytes, otherMasterKey.Bytes };
        using (instance)
        using (masterKey)
        {
            // Normal life: encryptions, rollovers, a stale instance refreshing.
            var v1Value = instance.Encryptor.Encrypt(Email, "secret")!;
            await instance.Keys.RollOverAsync(None);
            instance.Time.Advance(TimeSpan.FromDays(365));
            await instance.Keys.RollOverIfDueAsync(None);
            secrets.AddRange(instance.Provider.Current!.Keys.Select(k => k.Material.ToArray()));
            Assert.Equal(3, secrets.Count - 2);

            texts.AddRange(instance.Provider.Current!.Keys.Select(k => k.ToString()));
            texts.AddRange(instance.Provider.Current!.Records.Select(r => r.ToString()));
            texts.AddRange(((await store.ReadAsync(None)).Rows).Select(r => r.ToString()));
            texts.AddRange(instance.Provider.Wrappers.All.Select(w => w.ToString() ?? string.Empty));
            texts.Add(instance.Provider.Wrappers.ToString() ?? string.Empty);
            using (var wrapper = masterKey.CreateWrapper())
            {
                texts.Add(wrapper.ToString());
            }

            // Every kind of decryption failure.
            var altered = (byte[])v1Value.Clone();
            altered[^1] ^= 1;
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, altered)).ToString());
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(new EncryptedColumn("t", "c"), v1Value)).ToString());
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, v1Value[..20])).ToString());
            var forged = (byte[])v1Value.Clone();
            forged[6] = 9;
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<string>(Email, forged)).ToString());
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.DecryptFromBase64<string>(Email, "!!")).ToString());
            texts.Add(Assert.Throws<ColumnDecryptionException>(() => instance.Encryptor.Decrypt<int>(Email, v1Value)).ToString());

            // Wrong master key, tampered rows, malformed key files.
            using (var wrong = CryptoInstance.Create(store, otherMasterKey, instance.Time))
            {
                texts.Add((await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => wrong.Keys.InitializeAsync(None))).ToString());
                logs.AddRange(wrong.Logs.GetSnapshot());
            }

            var tampered = InMemoryDataKeyStore.From(await store.ReadAsync(None));
            tampered.Tamper(rows => rows.ForEach(row => row.Commitment[0] ^= 1));

            using (var onTampered = CryptoInstance.Create(tampered, masterKey, instance.Time))
            {
                texts.Add((await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => onTampered.Keys.InitializeAsync(None))).ToString());
                logs.AddRange(onTampered.Logs.GetSnapshot());
            }

            var swapped = InMemoryDataKeyStore.From(await store.ReadAsync(None));
            swapped.Tamper(rows => (rows[0].WrappedKey, rows[1].WrappedKey) = (rows[1].WrappedKey, rows[0].WrappedKey));

            using (var onSwapped = CryptoInstance.Create(swapped, masterKey, instance.Time))
            {
                texts.Add((await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => onSwapped.Keys.InitializeAsync(None))).ToString());
                logs.AddRange(onSwapped.Logs.GetSnapshot());
            }

            // A key file holding a real-looking key of the wrong length must not be echoed.
            var almostKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(31);
            secrets.Add(almostKey);
            using (var shortKey = MasterKeyFile.WithText(Convert.ToBase64String(almostKey)))
            using (var onShortKey = CryptoInstance.Create(new InMemoryDataKeyStore(), shortKey))
            {
                texts.Add((await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => onShortKey.Keys.InitializeAsync(None))).ToString());
            }

            logs.AddRange(instance.Logs.GetSnapshot());
        }

        Assert.Contains(logs, l => l.Message.Contains("Created data key version", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Exception is not null);
        foreach (var record in logs)
        {
            texts.Add(record.Message);
            texts.Add(record.Exception?.ToString() ?? string.Empty);
            texts.AddRange(record.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? []);
        }

        AssertNoSecret(texts, secrets);
    }

    [Fact]
    public async Task Key_table_rows_never_hold_unwrapped_key_material()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            await instance.Keys.RollOverAsync(None);
            var dataKeys = instance.Provider.Current!.Keys.Select(k => k.Material.ToArray()).ToList();
            Assert.Equal(2, dataKeys.Count);

            foreach (var row in (await store.ReadAsync(None)).Rows)
            {
                foreach (var secret in dataKeys.Append(masterKey.Bytes))
                {
                    Assert.Equal(-1, row.WrappedKey.AsSpan().IndexOf(secret));
                    Assert.Equal(-1, row.Commitment.AsSpan().IndexOf(secret.AsSpan(0, 8)));
                    Assert.DoesNotContain(Convert.ToHexString(secret.AsSpan(0, 8)), row.WrappingKeyId, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }

    [Fact]
    public async Task Disposing_the_instance_zeroes_the_unwrapped_data_keys_and_the_master_key()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (masterKey)
        {
            await instance.Keys.RollOverAsync(None);
            var keys = instance.Provider.Current!.Keys.ToList();
            var wrapper = instance.Provider.Wrappers.Primary;
            var row = ((await store.ReadAsync(None)).Rows)[0];
            Assert.All(keys, k => Assert.True(k.Material.ContainsAnyExcept((byte)0)));
            (await wrapper.UnwrapAsync(row.WrappedKey, row.WrappingKeyId, new Wrapping.KeyWrapContext(1), None)).AsSpan().Clear();

            instance.Dispose();

            Assert.All(keys, k => Assert.False(k.Material.ContainsAnyExcept((byte)0), $"{k} was not zeroed"));

            // The master key wrapper was disposed (which zeroes the master key) and refuses further use.
            await Assert.ThrowsAsync<ObjectDisposedException>(
                () => wrapper.UnwrapAsync(row.WrappedKey, row.WrappingKeyId, new Wrapping.KeyWrapContext(1), None));
            await Assert.ThrowsAsync<ObjectDisposedException>(
                () => wrapper.WrapAsync(new byte[32], new Wrapping.KeyWrapContext(9), None));
        }
    }

    [Fact]
    public async Task Retired_keys_are_zeroed_when_they_leave_the_ring()
    {
        var (instance, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            await instance.Keys.RollOverAsync(None);
            var v1 = instance.Provider.Current!.Keys.Single(k => k.Version == 1);

            Assert.True(await instance.Provider.TryChangeRowAsync(new KeyRowChange(1, DataKeyStatus.Active) { Status = DataKeyStatus.Retired }, None));

            Assert.DoesNotContain(instance.Provider.Current!.Keys, k => k.Version == 1);
            Assert.False(v1.Material.ContainsAnyExcept((byte)0));
        }
    }

    private static void AssertNoSecret(List<string> texts, List<byte[]> secrets)
    {
        Assert.NotEmpty(texts);
        var forms = secrets.SelectMany(s => new[]
        {
            Convert.ToBase64String(s),
            Convert.ToBase64String(s).TrimEnd('='),
            Convert.ToHexString(s),
            Convert.ToHexStringLower(s),
            BitConverter.ToString(s),
            Encoding.Latin1.GetString(s),
        }).ToList();

        foreach (var text in texts)
        {
            foreach (var form in forms)
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"key material found in: {text}");
            }
        }
    }
}
