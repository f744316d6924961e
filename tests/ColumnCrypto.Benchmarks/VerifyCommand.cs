using System.Security.Cryptography;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Benchmarks;

/// <summary>
/// <c>verify</c>: differential check of the AES-NI AES-GCM (<see cref="HardwareAesGcm"/>) against the platform
/// <see cref="AesGcm"/> on random keys, nonces, lengths and associated data: same ciphertext and tag, in place too,
/// decrypts back, and any flipped bit is rejected. bench.sh runs it before timing anything.
/// </summary>
public static class VerifyCommand
{
    public static int Run(int cases)
    {
        if (!HardwareAesGcm.IsAvailable)
        {
            Console.WriteLine("verify: the AES-NI path is not in use on this machine (every value uses AesGcm); nothing to compare.");
            return 0;
        }

        var random = new Random(20_26);
        var failures = 0;
        for (var i = 0; i < cases; i++)
        {
            var length = i < 2 * HardwareAesGcm.MaxLength ? i % (HardwareAesGcm.MaxLength + 1) : random.Next(HardwareAesGcm.MaxLength + 1);
            var key = RandomNumberGenerator.GetBytes(HardwareAesGcm.KeySize);
            var nonce = RandomNumberGenerator.GetBytes(HardwareAesGcm.NonceSize);
            var plaintext = RandomNumberGenerator.GetBytes(length);
            var associatedData = RandomNumberGenerator.GetBytes(random.Next(0, 300));
            using var platform = new AesGcm(key, HardwareAesGcm.TagSize);
            using var hardware = new HardwareAesGcm(key);

            var expected = new byte[length];
            var expectedTag = new byte[HardwareAesGcm.TagSize];
            platform.Encrypt(nonce, plaintext, expected, expectedTag, associatedData);
            var inPlace = (byte[])plaintext.Clone();
            var tag = new byte[HardwareAesGcm.TagSize];
            hardware.Encrypt(nonce, inPlace, inPlace, tag, associatedData);
            var decrypted = new byte[length];
            hardware.Decrypt(nonce, expected, expectedTag, decrypted, associatedData);
            var ok = inPlace.AsSpan().SequenceEqual(expected) && tag.AsSpan().SequenceEqual(expectedTag) && decrypted.AsSpan().SequenceEqual(plaintext);

            // One flipped bit anywhere (ciphertext, tag or associated data) must be rejected.
            var target = random.Next(3) switch { 0 when length > 0 => expected, 1 when associatedData.Length > 0 => associatedData, _ => expectedTag };
            target[random.Next(target.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                hardware.Decrypt(nonce, expected, expectedTag, decrypted, associatedData);
                ok = false;
            }
            catch (AuthenticationTagMismatchException)
            {
                ok &= decrypted.AsSpan().IndexOfAnyExcept((byte)0) < 0;
            }

            if (!ok && ++failures <= 5)
            {
                Console.Error.WriteLine($"verify: mismatch with AesGcm at plaintext length {length}, associated data length {associatedData.Length}");
            }
        }

        Console.WriteLine($"verify: AES-NI AES-GCM vs AesGcm: {cases} random cases, {failures} mismatches");
        return failures == 0 ? 0 : 1;
    }
}
