using ColumnCrypto.Configuration;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Tests.TestVectors;

namespace ColumnCrypto.Tests.Cryptography;

/// <summary>
/// The known-answer self-test each backend runs before its first use: both real backends pass, and a backend that gets
/// a single bit wrong, accepts an altered value or throws fails it.
/// </summary>
public sealed class CipherSelfTestTests
{
    [Theory]
    [InlineData(CipherBackend.Libsodium)]
    [InlineData(CipherBackend.Platform)]
    public void The_real_backends_pass(CipherBackend backend) => Assert.Null(CipherSelfTest.Run(CipherBackends.Of(backend)));

    [Fact]
    public void A_backend_whose_ciphertext_differs_by_one_bit_fails()
    {
        var failure = CipherSelfTest.Run(new FaultyCipherBackend(CipherBackends.Libsodium, FaultyCipherBackend.Fault.FlipsOutputBit));

        Assert.Equal("GCM test case 14: encryption gave other bytes than the vector", failure);
    }

    [Fact]
    public void A_backend_that_accepts_an_altered_tag_fails()
    {
        var failure = CipherSelfTest.Run(new FaultyCipherBackend(CipherBackends.Platform, FaultyCipherBackend.Fault.AcceptsEverything));

        Assert.Equal("GCM test case 14: a value with an altered tag was accepted", failure);
    }

    [Fact]
    public void A_backend_that_throws_fails_with_the_exception_named()
    {
        var failure = CipherSelfTest.Run(new FaultyCipherBackend(CipherBackends.Platform, FaultyCipherBackend.Fault.Throws));

        Assert.Equal("GCM test case 14: DllNotFoundException: libcrypto is gone", failure);
    }

    [Fact]
    public void The_self_test_s_ColumnCrypto_value_is_the_committed_format_1_vector()
    {
        // The self-test embeds customers.email under test key v1; it must stay the committed vector, byte for byte.
        var vector = FormatV1VectorFile.LoadCommitted().Vectors.Single(v => v is { Table: "customers", Column: "email", KeyVersion: 1 });
        var stored = Convert.FromBase64String(vector.Ciphertext);
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "ColumnCrypto", "Cryptography", "CipherSelfTest.cs"));

        Assert.Contains($"Key: \"{Convert.ToHexStringLower(FormatV1VectorGenerator.TestDataKey(1))}\"", source, StringComparison.Ordinal);
        Assert.Contains($"Nonce: \"{Convert.ToHexStringLower(stored.AsSpan(7, 12))}\"", source, StringComparison.Ordinal);
        Assert.Contains($"Plaintext: \"{Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(vector.Plaintext))}\"", source, StringComparison.Ordinal);
        Assert.Contains($"CiphertextAndTag: \"{Convert.ToHexStringLower(stored.AsSpan(19))}\"", source, StringComparison.Ordinal);
        var aad = stored.AsSpan(0, 7).ToArray().Concat(new EncryptedColumn(vector.Table, vector.Column).AssociatedDataSuffix).ToArray();
        Assert.Contains($"AssociatedData: \"{Convert.ToHexStringLower(aad)}\"", source, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ColumnCrypto.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ColumnCrypto.sln) was not found above the test output.");
    }
}
