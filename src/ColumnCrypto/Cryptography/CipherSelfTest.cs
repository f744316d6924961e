namespace ColumnCrypto.Cryptography;

/// <summary>
/// The known-answer test a backend must pass before it seals or opens a value: AES-256 vectors of the GCM
/// specification (McGrew and Viega, test cases 14 to 16, also used by NIST's GCM validation) and one frozen
/// ColumnCrypto format-1 value (<c>tests/ColumnCrypto.Tests/TestVectors/format-v1.json</c>, customers.email under
/// public test key version 1). Each vector must encrypt to the expected bytes, decrypt back, and be rejected with one
/// bit of its tag flipped.
/// </summary>
internal static class CipherSelfTest
{
    private static readonly Vector[] Vectors =
    [
        new("GCM test case 14",
            Key: "0000000000000000000000000000000000000000000000000000000000000000",
            Nonce: "000000000000000000000000",
            AssociatedData: "",
            Plaintext: "00000000000000000000000000000000",
            CiphertextAndTag: "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"),
        new("GCM test case 15",
            Key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            Nonce: "cafebabefacedbaddecaf888",
            AssociatedData: "",
            Plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
            CiphertextAndTag: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
                + "b094dac5d93471bdec1a502270e3cc6c"),
        new("GCM test case 16",
            Key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            Nonce: "cafebabefacedbaddecaf888",
            AssociatedData: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            Plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            CiphertextAndTag: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b"),

        // 'ada@example.com' in customers.email under the public test data key v1: stored value
        // cce501 00000001 | nonce | ciphertext and tag; associated data = header + length-prefixed table and column.
        new("ColumnCrypto format-1 vector customers.email",
            Key: "314b8332dcc89c3454ed812c9c8b151adafc5f9e3884b6deced71bccee6f9060",
            Nonce: "43847b24bedd24d9c6053763",
            AssociatedData: "cce5010000000100000009637573746f6d65727300000005656d61696c",
            Plaintext: "616461406578616d706c652e636f6d",
            CiphertextAndTag: "f432abb4cc23debf20288e9ee0a497c63cc364b5a1b3b6b960d5ab4c78891f"),
    ];

    /// <summary>Null when <paramref name="backend"/> passes; otherwise what failed (no key material: the vectors are public).</summary>
    public static string? Run(ICipherBackend backend)
    {
        foreach (var vector in Vectors)
        {
            try
            {
                if (Check(backend, vector) is { } failure)
                {
                    return $"{vector.Name}: {failure}";
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A backend that throws on a valid vector is as unusable as one that computes wrong bytes.
                return $"{vector.Name}: {e.GetType().Name}: {e.Message}";
            }
        }

        return null;
    }

    private static string? Check(ICipherBackend backend, Vector vector)
    {
        var key = Convert.FromHexString(vector.Key);
        var nonce = Convert.FromHexString(vector.Nonce);
        var aad = Convert.FromHexString(vector.AssociatedData);
        var plaintext = Convert.FromHexString(vector.Plaintext);
        var expected = Convert.FromHexString(vector.CiphertextAndTag);
        using var cipher = backend.CreateKey(key);

        var sealedBytes = new byte[plaintext.Length + 16];
        cipher.Encrypt(nonce, plaintext, aad, sealedBytes);
        if (!sealedBytes.AsSpan().SequenceEqual(expected))
        {
            return "encryption gave other bytes than the vector";
        }

        var opened = new byte[plaintext.Length];
        if (!cipher.TryDecrypt(nonce, expected, aad, opened) || !opened.AsSpan().SequenceEqual(plaintext))
        {
            return "decryption did not give the vector's plaintext back";
        }

        expected[^1] ^= 0x01;
        return cipher.TryDecrypt(nonce, expected, aad, opened) ? "a value with an altered tag was accepted" : null;
    }

    private sealed record Vector(string Name, string Key, string Nonce, string AssociatedData, string Plaintext, string CiphertextAndTag);
}
