using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ColumnCrypto.Configuration;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Tests.TestVectors;

/// <summary>
/// The committed format-version-1 ciphertexts still decrypt through the normal path (key rows loaded from the key
/// table, unwrapped with the master key, commitment checked). If this fails, a change broke stored data: fix the
/// change, never the vectors.
/// </summary>
public sealed class FormatV1VectorTests
{
    private static readonly FormatV1VectorFile Vectors = FormatV1VectorFile.LoadCommitted();

    [Fact]
    public void Committed_vectors_cover_every_vector_type_and_both_key_versions()
    {
        Assert.Equal(1, Vectors.Format);
        Assert.Equal(2, Vectors.Keys.Count);
        Assert.Equal(VectorTypes.Names.Order(StringComparer.Ordinal), Vectors.Vectors.Select(v => v.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(Vectors.Vectors, v => v.KeyVersion == 1);
        Assert.Contains(Vectors.Vectors, v => v.KeyVersion == 2);
    }

    [Theory]
    [InlineData(CipherBackend.Libsodium)]
    [InlineData(CipherBackend.Platform)]
    public async Task Frozen_format_v1_ciphertexts_decrypt_to_their_plaintexts_under_each_cipher_backend(CipherBackend cipher)
    {
        using var fixture = await LoadAsync(cipher);
        Assert.Equal(cipher, fixture.Instance.Services.GetRequiredService<CipherBackendInfo>().Backend);
        foreach (var vector in Vectors.Vectors)
        {
            var stored = Convert.FromBase64String(vector.Ciphertext);
            Assert.Equal(vector.KeyVersion, ColumnEncryptor.GetKeyVersion(stored));
            Assert.Equal(vector.Plaintext, VectorTypes.Decrypt(fixture.Instance.Encryptor, vector, stored));
        }

        // The rows were accepted as they are: nothing was created or rewritten.
        Assert.Equal(0, fixture.Instance.Store.AddAttempts);
    }

    [Theory]
    [InlineData(CipherBackend.Libsodium)]
    [InlineData(CipherBackend.Platform)]
    public void Each_cipher_backend_seals_the_frozen_plaintexts_to_the_frozen_bytes_with_their_nonces(CipherBackend cipher)
    {
        var backend = Cryptography.CipherBackends.Of(cipher);
        foreach (var vector in Vectors.Vectors)
        {
            var stored = Convert.FromBase64String(vector.Ciphertext);
            var aad = stored[..7].Concat(new EncryptedColumn(vector.Table, vector.Column).AssociatedDataSuffix).ToArray();
            using var key = backend.CreateKey(FormatV1VectorGenerator.TestDataKey(vector.KeyVersion));
            var plaintext = new byte[stored.Length - 35];
            Assert.True(key.TryDecrypt(stored.AsSpan(7, 12), stored.AsSpan(19), aad, plaintext));

            var resealed = new byte[stored.Length - 19];
            key.Encrypt(stored.AsSpan(7, 12), plaintext, aad, resealed);
            Assert.Equal(stored[19..], resealed);
        }
    }

    [Fact]
    public async Task Frozen_format_v1_ciphertexts_decrypt_from_base64_text()
    {
        using var fixture = await LoadAsync();
        var email = Vectors.Vectors.First(v => v.Type == "string" && v.Plaintext.Length > 0);
        Assert.Equal(email.Plaintext, fixture.Instance.Encryptor.DecryptFromBase64<string>(new EncryptedColumn(email.Table, email.Column), email.Ciphertext));
    }

    [Fact]
    public void Frozen_vectors_have_the_documented_layout()
    {
        foreach (var vector in Vectors.Vectors)
        {
            var stored = Convert.FromBase64String(vector.Ciphertext);
            Assert.Equal(new byte[] { 0xCC, 0xE5, 0x01 }, stored[..3]);
            Assert.True(stored.Length >= 35);
        }

        Assert.Equal(35 + "ada@example.com".Length, Convert.FromBase64String(Vectors.Vectors.First(v => v.Plaintext == "ada@example.com").Ciphertext).Length);
    }

    [Fact]
    public async Task Frozen_vector_moved_to_another_column_fails()
    {
        using var fixture = await LoadAsync();
        var vector = Vectors.Vectors.First(v => v.Type == "string" && v.Plaintext.Length > 0);
        var error = Assert.Throws<ColumnDecryptionException>(() =>
            fixture.Instance.Encryptor.Decrypt<string>(new EncryptedColumn(vector.Table, vector.Column + "_copy"), Convert.FromBase64String(vector.Ciphertext)));
        Assert.Equal(vector.KeyVersion, error.KeyVersion);
    }

    [Fact]
    public void Frozen_vectors_match_an_independent_implementation_of_the_documented_layout()
    {
        // Re-implements format version 1 from its documentation, without the library, so a change to both the
        // library and the vectors' expectations cannot slip through unnoticed.
        foreach (var vector in Vectors.Vectors.Where(v => v.Type is "string" or "int"))
        {
            var stored = Convert.FromBase64String(vector.Ciphertext);
            var table = Encoding.UTF8.GetBytes(vector.Table);
            var column = Encoding.UTF8.GetBytes(vector.Column);
            var aad = new byte[7 + 4 + table.Length + 4 + column.Length];
            stored.AsSpan(0, 7).CopyTo(aad);
            BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(7), table.Length);
            table.CopyTo(aad, 11);
            BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(11 + table.Length), column.Length);
            column.CopyTo(aad, 15 + table.Length);

            Assert.Equal((uint)vector.KeyVersion, BinaryPrimitives.ReadUInt32BigEndian(stored.AsSpan(3)));
            var plaintext = new byte[stored.Length - 35];
            using (var aes = new AesGcm(FormatV1VectorGenerator.TestDataKey(vector.KeyVersion), 16))
            {
                aes.Decrypt(stored.AsSpan(7, 12), stored.AsSpan(19, plaintext.Length), stored.AsSpan(stored.Length - 16), plaintext, aad);
            }

            var expected = vector.Type == "string"
                ? Encoding.UTF8.GetBytes(vector.Plaintext)
                : BitConverter.GetBytes(int.Parse(vector.Plaintext, CultureInfo.InvariantCulture)); // little-endian
            Assert.Equal(expected, plaintext);
        }
    }

    [Fact]
    public void Frozen_key_rows_unwrap_and_commit_as_documented()
    {
        var masterKey = Convert.FromBase64String(Vectors.MasterKey);
        foreach (var row in Vectors.Keys)
        {
            var wrapped = Convert.FromBase64String(row.WrappedKey);
            var label = Encoding.ASCII.GetBytes("ColumnCrypto.WrappedDataKey.v1");
            var purpose = Encoding.UTF8.GetBytes("columncrypto-data-key");
            var aad = new byte[label.Length + 4 + purpose.Length];
            label.CopyTo(aad, 0);
            BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(label.Length), row.Version);
            purpose.CopyTo(aad, label.Length + 4);
            var dataKey = new byte[32];
            using (var aes = new AesGcm(masterKey, 16))
            {
                aes.Decrypt(wrapped.AsSpan(0, 12), wrapped.AsSpan(12, 32), wrapped.AsSpan(44), dataKey, aad);
            }

            Assert.Equal(FormatV1VectorGenerator.TestDataKey(row.Version), dataKey);

            var message = new byte["ColumnCrypto.KeyCommitment.v1".Length + 12];
            Encoding.ASCII.GetBytes("ColumnCrypto.KeyCommitment.v1").CopyTo(message, 0);
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(message.Length - 12), row.Version);
            BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(message.Length - 8), row.CreatedAt.ToUnixTimeMilliseconds());
            Assert.Equal(Convert.FromBase64String(row.Commitment), HMACSHA256.HashData(dataKey, message));
        }
    }

    [Fact]
    public void Test_master_key_fingerprint_is_frozen()
    {
        using var masterKey = MasterKeyFile.FromBytes(Convert.FromBase64String(Vectors.MasterKey));
        Assert.Equal(Vectors.MasterKeyId, masterKey.KeyId);
        Assert.All(Vectors.Keys, k => Assert.Equal(Vectors.MasterKeyId, k.WrappingKeyId));
    }

    [Fact]
    public async Task Newly_written_values_still_decrypt_alongside_the_frozen_ones()
    {
        using var fixture = await LoadAsync();
        var column = new EncryptedColumn("customers", "email");
        var stored = fixture.Instance.Encryptor.Encrypt(column, "new value");
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(stored));
        Assert.Equal("new value", fixture.Instance.Encryptor.Decrypt<string>(column, stored));
    }

    private static Task<LoadedVectors> LoadAsync(CipherBackend cipher = CipherBackend.Auto)
    {
        // The vectors' key rows were written before key tables had a ring head: they load as a table of that time.
        var store = InMemoryDataKeyStore.From(Vectors.Keys.Select(row => row.ToRecord()), null);
        var masterKey = MasterKeyFile.FromBytes(Convert.FromBase64String(Vectors.MasterKey));
        var instance = CryptoInstance.Create(store, masterKey, new FakeTimeProvider(Vectors.Clock), o => o.Cipher = cipher);
        return Task.FromResult(new LoadedVectors(instance, masterKey));
    }

    private sealed record LoadedVectors(CryptoInstance Instance, MasterKeyFile MasterKey) : IDisposable
    {
        public void Dispose()
        {
            Instance.Dispose();
            MasterKey.Dispose();
        }
    }
}
