using System.Reflection;
using ColumnCrypto.Cryptography;
using NSec.Cryptography;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>
/// Keys prepared by a backend are as strict as data keys: created once, never exportable, never shown, and zeroed or
/// freed when disposed.
/// </summary>
public sealed class CipherKeySecrecyTests
{
    private static readonly byte[] KeyBytes = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Libsodium_keys_cannot_be_exported_and_do_not_show_their_bytes()
    {
        using var cipher = CipherBackends.Libsodium.CreateKey(KeyBytes);
        using var hash = CipherBackends.Libsodium.CreateKeyedHash(KeyBytes);

        foreach (var owner in new object[] { cipher, hash })
        {
            var key = NSecKey(owner);
            Assert.Equal(KeyExportPolicies.None, key.ExportPolicy);
            Assert.Throws<InvalidOperationException>(() => key.Export(KeyBlobFormat.RawSymmetricKey));
            AssertShowsNoKey(owner.ToString());
            AssertShowsNoKey(key.ToString());
        }
    }

    [Fact]
    public void Disposed_libsodium_keys_are_freed_and_refuse_work()
    {
        var cipher = CipherBackends.Libsodium.CreateKey(KeyBytes);
        var hash = CipherBackends.Libsodium.CreateKeyedHash(KeyBytes);
        cipher.Dispose();
        hash.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cipher.Encrypt(new byte[12], [1, 2, 3], [], new byte[19]));
        Assert.Throws<ObjectDisposedException>(() => hash.Compute([1, 2, 3], new byte[32]));
    }

    [Fact]
    public void Disposed_platform_keys_are_zeroed()
    {
        var cipher = CipherBackends.Platform.CreateKey(KeyBytes);
        var hash = CipherBackends.Platform.CreateKeyedHash(KeyBytes);
        cipher.Encrypt(new byte[12], [1, 2, 3], [], new byte[19]);
        AssertShowsNoKey(cipher.ToString());
        AssertShowsNoKey(hash.ToString());

        cipher.Dispose();
        hash.Dispose();

        Assert.All(new object[] { cipher, hash }, owner => Assert.All(Field<byte[]>(owner, "_key"), b => Assert.Equal(0, b)));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(64)]
    public void A_keyed_hash_key_is_exactly_256_bits(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => CipherBackends.Libsodium.CreateKeyedHash(new byte[size]));

        Assert.StartsWith($"A keyed-hash key is 32 bytes, not {size}.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(33)]
    public void A_keyed_hash_is_16_to_32_bytes(int size)
    {
        using var hash = CipherBackends.Platform.CreateKeyedHash(KeyBytes);

        var error = Assert.Throws<ArgumentException>(() => hash.Compute([1], new byte[size]));

        Assert.StartsWith($"A keyed hash is 16 to 32 bytes, not {size}.", error.Message, StringComparison.Ordinal);
    }

    private static Key NSecKey(object owner) => Field<Key>(owner, "_key");

    private static T Field<T>(object owner, string name) =>
        (T)(owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(owner)
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no field {name}."));

    private static void AssertShowsNoKey(string? text)
    {
        Assert.NotNull(text);
        Assert.DoesNotContain(Convert.ToHexString(KeyBytes), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(KeyBytes), text, StringComparison.Ordinal);
    }
}
