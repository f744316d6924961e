using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ColumnCrypto.Benchmarks;

/// <summary>
/// Encrypt, decrypt and round trip of one value through <see cref="ColumnEncryptor"/>, as the EF converters call it:
/// a 40-byte string (a typical e-mail or name), 1 KiB and 64 KiB byte arrays. References: one AES-GCM encryption of
/// 40 bytes by the platform's <see cref="AesGcm"/> (cached instance), the floor of every value's cost, and one CSPRNG
/// call (what a nonce would cost unbuffered).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MicroBenchmarks
{
    private static readonly EncryptedColumn Column = new("customers", "email");

    private StandaloneEncryptor _instance = null!;
    private ColumnEncryptor _encryptor = null!;
    private string _string40 = null!;
    private byte[] _bytes1K = null!;
    private byte[] _bytes64K = null!;
    private byte[] _storedString40 = null!;
    private byte[] _storedBytes1K = null!;
    private byte[] _storedBytes64K = null!;
    private AesGcm _aes = null!;
    private byte[] _nonce = null!;
    private byte[] _plain40 = null!;
    private byte[] _cipher40 = null!;
    private byte[] _tag = null!;

    [GlobalSetup]
    public void Setup()
    {
        _instance = new StandaloneEncryptor();
        _encryptor = _instance.Encryptor;

        _string40 = "ada.lovelace.1815@analytical-engine.test";
        if (System.Text.Encoding.UTF8.GetByteCount(_string40) != 40)
        {
            throw new InvalidOperationException("The string value must be 40 bytes.");
        }

        _bytes1K = RandomNumberGenerator.GetBytes(1024);
        _bytes64K = RandomNumberGenerator.GetBytes(64 * 1024);
        _storedString40 = _encryptor.Encrypt(Column, _string40)!;
        _storedBytes1K = _encryptor.Encrypt(Column, _bytes1K)!;
        _storedBytes64K = _encryptor.Encrypt(Column, _bytes64K)!;
        var key = RandomNumberGenerator.GetBytes(32);
        _aes = new AesGcm(key, 16);
        _nonce = new byte[12];
        _plain40 = RandomNumberGenerator.GetBytes(40);
        _cipher40 = new byte[40];
        _tag = new byte[16];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _instance.Dispose();
    }

    [Benchmark, BenchmarkCategory("string 40 B")]
    public byte[]? EncryptString40() => _encryptor.Encrypt(Column, _string40);

    [Benchmark, BenchmarkCategory("string 40 B")]
    public string? DecryptString40() => _encryptor.Decrypt<string>(Column, _storedString40);

    [Benchmark, BenchmarkCategory("string 40 B")]
    public string? RoundTripString40() => _encryptor.Decrypt<string>(Column, _encryptor.Encrypt(Column, _string40));

    [Benchmark, BenchmarkCategory("bytes 1 KiB")]
    public byte[]? EncryptBytes1K() => _encryptor.Encrypt(Column, _bytes1K);

    [Benchmark, BenchmarkCategory("bytes 1 KiB")]
    public byte[]? DecryptBytes1K() => _encryptor.Decrypt<byte[]>(Column, _storedBytes1K);

    [Benchmark, BenchmarkCategory("bytes 1 KiB")]
    public byte[]? RoundTripBytes1K() => _encryptor.Decrypt<byte[]>(Column, _encryptor.Encrypt(Column, _bytes1K));

    [Benchmark, BenchmarkCategory("bytes 64 KiB")]
    public byte[]? EncryptBytes64K() => _encryptor.Encrypt(Column, _bytes64K);

    [Benchmark, BenchmarkCategory("bytes 64 KiB")]
    public byte[]? DecryptBytes64K() => _encryptor.Decrypt<byte[]>(Column, _storedBytes64K);

    [Benchmark, BenchmarkCategory("bytes 64 KiB")]
    public byte[]? RoundTripBytes64K() => _encryptor.Decrypt<byte[]>(Column, _encryptor.Encrypt(Column, _bytes64K));

    // The references reuse one nonce: timing only, never a way to encrypt.
    [Benchmark, BenchmarkCategory("reference")]
    public void ReferencePlatformAesGcm40() => _aes.Encrypt(_nonce, _plain40, _cipher40, _tag);

    [Benchmark, BenchmarkCategory("reference")]
    public void ReferenceCsprng12() => RandomNumberGenerator.Fill(_nonce);
}
