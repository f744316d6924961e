using System.Text;
using ColumnCrypto.Tests.Support;

namespace ColumnCrypto.Tests;

/// <summary>The stored bytes: header, key version, 35 bytes of overhead, no plaintext, a fresh nonce each time.</summary>
public sealed class CiphertextLayoutTests(InitializedInstanceFixture fixture) : IClassFixture<InitializedInstanceFixture>
{
    private static readonly EncryptedColumn Column = new("customers", "email");

    private readonly ColumnEncryptor _encryptor = fixture.Encryptor;

    [Fact]
    public void Ciphertext_starts_with_magic_format_1_and_the_key_version()
    {
        var stored = _encryptor.Encrypt(Column, "ada@example.com")!;

        Assert.Equal(0xCC, stored[0]);
        Assert.Equal(0xE5, stored[1]);
        Assert.Equal(1, stored[2]);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, stored[3..7]);
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(stored));
        Assert.True(ColumnEncryptor.IsCiphertext(stored));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    public void Overhead_is_exactly_35_bytes(int plaintextLength)
    {
        var value = new string('a', plaintextLength);
        Assert.Equal(plaintextLength + 35, _encryptor.Encrypt(Column, value)!.Length);
        Assert.Equal(plaintextLength + 35, _encryptor.Encrypt(Column, Encoding.ASCII.GetBytes(value))!.Length);
    }

    [Fact]
    public void Fixed_size_types_have_35_bytes_overhead_over_their_encoding()
    {
        Assert.Equal(1 + 35, _encryptor.Encrypt(Column, true)!.Length);
        Assert.Equal(4 + 35, _encryptor.Encrypt(Column, 42)!.Length);
        Assert.Equal(8 + 35, _encryptor.Encrypt(Column, 42L)!.Length);
        Assert.Equal(16 + 35, _encryptor.Encrypt(Column, 42m)!.Length);
        Assert.Equal(16 + 35, _encryptor.Encrypt(Column, Guid.NewGuid())!.Length);
        Assert.Equal(10 + 35, _encryptor.Encrypt(Column, DateTimeOffset.UnixEpoch)!.Length);
        Assert.Equal(8 + 35, _encryptor.Encrypt(Column, Int32Backed.One)!.Length);
    }

    [Fact]
    public void Base64_text_is_the_base64_of_the_binary_form()
    {
        var text = _encryptor.EncryptToBase64(Column, "ada@example.com")!;
        var bytes = Convert.FromBase64String(text);
        Assert.Equal("ada@example.com".Length + 35, bytes.Length);
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(bytes));
    }

    [Fact]
    public void Ciphertext_does_not_contain_the_plaintext()
    {
        var plaintext = "ada.lovelace@analytical-engine.example";
        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        for (var i = 0; i < 100; i++)
        {
            var stored = _encryptor.Encrypt(Column, plaintext)!;
            Assert.Equal(-1, stored.AsSpan().IndexOf(plainBytes));

            // Not even an 8-byte window of it survives.
            for (var start = 0; start + 8 <= plainBytes.Length; start++)
            {
                Assert.Equal(-1, stored.AsSpan().IndexOf(plainBytes.AsSpan(start, 8)));
            }

            var text = _encryptor.EncryptToBase64(Column, plaintext)!;
            Assert.DoesNotContain("lovelace", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Two_encryptions_of_the_same_value_differ_in_nonce_and_ciphertext()
    {
        var values = Enumerable.Range(0, 1_000).Select(_ => _encryptor.Encrypt(Column, "same value")!).ToList();

        var nonces = values.Select(v => Convert.ToHexString(v, 7, 12)).ToHashSet();
        Assert.Equal(values.Count, nonces.Count);
        var bodies = values.Select(v => Convert.ToHexString(v, 19, v.Length - 19)).ToHashSet();
        Assert.Equal(values.Count, bodies.Count);
        Assert.All(values, v => Assert.Equal("same value", _encryptor.Decrypt<string>(Column, v)));
    }

    [Fact]
    public void Nonces_are_unique_across_threads()
    {
        var all = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                all.Add(Convert.ToHexString(_encryptor.Encrypt(Column, i)!, 7, 12));
            }
        });

        Assert.Equal(16_000, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void GetKeyVersion_is_null_for_values_that_are_not_ColumnCrypto_ciphertext()
    {
        Assert.Null(ColumnEncryptor.GetKeyVersion([]));
        Assert.Null(ColumnEncryptor.GetKeyVersion(Encoding.UTF8.GetBytes("plain text that is long enough to be a ciphertext")));
        var stored = _encryptor.Encrypt(Column, "x")!;
        Assert.Null(ColumnEncryptor.GetKeyVersion(stored.AsSpan(0, 34)));

        var wrongFormat = (byte[])stored.Clone();
        wrongFormat[2] = 2;
        Assert.Null(ColumnEncryptor.GetKeyVersion(wrongFormat));
        Assert.False(ColumnEncryptor.IsCiphertext(wrongFormat));

        var versionZero = (byte[])stored.Clone();
        versionZero[6] = 0;
        Assert.Null(ColumnEncryptor.GetKeyVersion(versionZero));
    }
}
