using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>
/// libsodium's AES-256-GCM and the platform's AesGcm are one cipher: for random keys, nonces, plaintexts and associated
/// data they write the same bytes, each opens what the other sealed, and both reject every single-bit change. This is
/// what lets the backend change under stored data (format version 1 is the same whichever wrote it).
/// </summary>
public sealed class CipherBackendDifferentialTests
{
    private const int Cases = 10_000;

    // Every bit of these cases is flipped in turn (nonce, ciphertext, tag, associated data): 200 cases of up to 48
    // bytes are about 100,000 altered values per backend.
    private const int FullyFlippedCases = 200;

    [Fact]
    public void Random_cases_seal_to_the_same_bytes_and_each_backend_opens_what_the_other_sealed()
    {
        var random = new Random(13);
        using var keys = new KeyPair();
        for (var i = 0; i < Cases; i++)
        {
            var testCase = RandomCase(random, keys, i);
            var bySodium = Seal(keys.Libsodium(testCase.KeyIndex), testCase);
            var byPlatform = Seal(keys.Platform(testCase.KeyIndex), testCase);
            Assert.True(bySodium.AsSpan().SequenceEqual(byPlatform), $"case {i}: the backends wrote different bytes ({testCase})");

            Assert.Equal(testCase.Plaintext, Open(keys.Platform(testCase.KeyIndex), testCase, bySodium));
            Assert.Equal(testCase.Plaintext, Open(keys.Libsodium(testCase.KeyIndex), testCase, byPlatform));
        }
    }

    [Fact]
    public void Every_single_bit_flip_of_nonce_ciphertext_tag_or_associated_data_is_rejected_by_both()
    {
        var random = new Random(1313);
        using var keys = new KeyPair();
        var rejected = 0;
        for (var i = 0; i < FullyFlippedCases; i++)
        {
            var testCase = RandomCase(random, keys, i, maxLength: 48);
            var sealedBytes = Seal(keys.Libsodium(testCase.KeyIndex), testCase);
            foreach (var cipher in new[] { keys.Libsodium(testCase.KeyIndex), keys.Platform(testCase.KeyIndex) })
            {
                foreach (var altered in SingleBitFlips(testCase, sealedBytes))
                {
                    var plaintext = new byte[altered.Sealed.Length - 16];
                    Assert.False(cipher.TryDecrypt(altered.Nonce, altered.Sealed, altered.AssociatedData, plaintext),
                        $"case {i}: {cipher} accepted {altered.What} ({testCase})");
                    rejected++;
                }
            }
        }

        Assert.True(rejected > 50_000, $"only {rejected} altered values were tried");
    }

    [Fact]
    public void A_random_single_bit_flip_of_each_of_the_10000_cases_is_rejected_by_both()
    {
        var random = new Random(131313);
        using var keys = new KeyPair();
        for (var i = 0; i < Cases; i++)
        {
            var testCase = RandomCase(random, keys, i);
            var sealedBytes = Seal(keys.Platform(testCase.KeyIndex), testCase);
            var flips = SingleBitFlips(testCase, sealedBytes).ToList();
            var altered = flips[random.Next(flips.Count)];
            var plaintext = new byte[altered.Sealed.Length - 16];
            Assert.False(keys.Libsodium(testCase.KeyIndex).TryDecrypt(altered.Nonce, altered.Sealed, altered.AssociatedData, plaintext), $"case {i}: libsodium accepted {altered.What}");
            Assert.False(keys.Platform(testCase.KeyIndex).TryDecrypt(altered.Nonce, altered.Sealed, altered.AssociatedData, plaintext), $"case {i}: the platform accepted {altered.What}");
        }
    }

    [Fact]
    public void Sealing_in_place_gives_the_same_bytes_as_sealing_into_another_buffer()
    {
        var random = new Random(7);
        using var keys = new KeyPair();
        foreach (var cipher in new[] { keys.Libsodium(0), keys.Platform(0) })
        {
            for (var i = 0; i < 100; i++)
            {
                var testCase = RandomCase(random, keys, i) with { KeyIndex = 0 };
                var inPlace = new byte[testCase.Plaintext.Length + 16];
                testCase.Plaintext.CopyTo(inPlace, 0);
                cipher.Encrypt(testCase.Nonce, inPlace.AsSpan(0, testCase.Plaintext.Length), testCase.AssociatedData, inPlace);
                Assert.Equal(Seal(cipher, testCase), inPlace);
            }
        }
    }

    [Fact]
    public void Keyed_hashes_are_the_same_bytes_from_both_backends()
    {
        var random = new Random(10);
        for (var i = 0; i < 1_000; i++)
        {
            var key = new byte[32];
            random.NextBytes(key);
            var data = new byte[random.Next(0, 200)];
            random.NextBytes(data);
            var size = random.Next(KeyedHash.MinHashSize, KeyedHash.MaxHashSize + 1);
            using var bySodium = CipherBackends.Libsodium.CreateKeyedHash(key);
            using var byPlatform = CipherBackends.Platform.CreateKeyedHash(key);
            var a = new byte[size];
            var b = new byte[size];
            bySodium.Compute(data, a);
            byPlatform.Compute(data, b);
            Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(key, data)[..size], a);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void One_keyed_hash_gives_every_value_its_own_HMAC_again_and_again_and_from_many_threads()
    {
        // The libsodium keyed hash starts each hash from a copy of its keyed state: a hash must never consume it.
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var values = Enumerable.Range(0, 64).Select(i => System.Text.Encoding.UTF8.GetBytes($"user{i:D7}@example.test".PadRight(40 + (i % 30), '.'))).ToArray();
        var expected = values.Select(v => System.Security.Cryptography.HMACSHA256.HashData(key, v)).ToArray();
        foreach (var backend in new[] { CipherBackends.Libsodium, CipherBackends.Platform })
        {
            using var hash = backend.CreateKeyedHash(key);
            Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                var mac = new byte[KeyedHash.MaxHashSize];
                hash.Compute(values[i % values.Length], mac);
                Assert.Equal(expected[i % values.Length], mac);
            });
        }
    }

    private static TestCase RandomCase(Random random, KeyPair keys, int index, int maxLength = 300)
    {
        // Mostly short values, as columns hold, with the empty value and block boundaries well represented.
        var length = (index % 10) switch
        {
            0 => 0,
            1 => 16 * random.Next(1, 5),
            2 => random.Next(0, maxLength + 1),
            _ => random.Next(0, Math.Min(64, maxLength) + 1),
        };
        var plaintext = new byte[length];
        random.NextBytes(plaintext);
        var nonce = new byte[12];
        random.NextBytes(nonce);
        var associatedData = new byte[random.Next(0, 48)];
        random.NextBytes(associatedData);
        return new TestCase(random.Next(keys.Count), nonce, plaintext, associatedData);
    }

    private static byte[] Seal(ICipherKey cipher, TestCase testCase)
    {
        var result = new byte[testCase.Plaintext.Length + 16];
        cipher.Encrypt(testCase.Nonce, testCase.Plaintext, testCase.AssociatedData, result);
        return result;
    }

    private static byte[] Open(ICipherKey cipher, TestCase testCase, byte[] sealedBytes)
    {
        var plaintext = new byte[sealedBytes.Length - 16];
        Assert.True(cipher.TryDecrypt(testCase.Nonce, sealedBytes, testCase.AssociatedData, plaintext), $"{cipher} rejected a valid value ({testCase})");
        return plaintext;
    }

    private static IEnumerable<Altered> SingleBitFlips(TestCase testCase, byte[] sealedBytes)
    {
        for (var bit = 0; bit < testCase.Nonce.Length * 8; bit++)
        {
            yield return new Altered($"nonce bit {bit}", Flip(testCase.Nonce, bit), sealedBytes, testCase.AssociatedData);
        }

        for (var bit = 0; bit < sealedBytes.Length * 8; bit++)
        {
            var where = bit < testCase.Plaintext.Length * 8 ? "ciphertext" : "tag";
            yield return new Altered($"{where} bit {bit}", testCase.Nonce, Flip(sealedBytes, bit), testCase.AssociatedData);
        }

        for (var bit = 0; bit < testCase.AssociatedData.Length * 8; bit++)
        {
            yield return new Altered($"associated data bit {bit}", testCase.Nonce, sealedBytes, Flip(testCase.AssociatedData, bit));
        }
    }

    private static byte[] Flip(byte[] bytes, int bit)
    {
        var copy = (byte[])bytes.Clone();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private sealed record TestCase(int KeyIndex, byte[] Nonce, byte[] Plaintext, byte[] AssociatedData)
    {
        public override string ToString() =>
            $"key {KeyIndex}, nonce {Convert.ToHexString(Nonce)}, plaintext {Plaintext.Length} bytes, associated data {AssociatedData.Length} bytes";
    }

    private sealed record Altered(string What, byte[] Nonce, byte[] Sealed, byte[] AssociatedData);

    /// <summary>A few random keys, each prepared once by both backends (as a data key is, once per key).</summary>
    private sealed class KeyPair : IDisposable
    {
        private readonly List<(ICipherKey Libsodium, ICipherKey Platform)> _keys = [];

        public KeyPair()
        {
            var random = new Random(42);
            for (var i = 0; i < 8; i++)
            {
                var key = new byte[32];
                random.NextBytes(key);
                _keys.Add((CipherBackends.Libsodium.CreateKey(key), CipherBackends.Platform.CreateKey(key)));
            }
        }

        public int Count => _keys.Count;

        public ICipherKey Libsodium(int index) => _keys[index].Libsodium;

        public ICipherKey Platform(int index) => _keys[index].Platform;

        public void Dispose()
        {
            foreach (var (libsodium, platform) in _keys)
            {
                libsodium.Dispose();
                platform.Dispose();
            }
        }
    }
}
