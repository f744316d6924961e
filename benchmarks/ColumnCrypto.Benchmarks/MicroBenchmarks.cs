using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ColumnCrypto.Configuration;
using NSec.Cryptography;

namespace ColumnCrypto.Benchmarks;

/// <summary>
/// Encrypt, decrypt and round trip of one value through <see cref="ColumnEncryptor"/>, as the EF converters call it:
/// a 40-byte string (a typical e-mail or name), 1 KiB and 64 KiB byte arrays, with the default cipher backend
/// (libsodium) and, for the 40-byte string, with <c>cipher: platform</c>. References: bare libsodium and platform
/// AES-256-GCM encrypt + decrypt of the same 40 bytes with the same 29 bytes of associated data (cached key objects),
/// one CSPRNG call (what a nonce would cost unbuffered), and the keyed hash candidates for blind indexes over a
/// 40-byte input: .NET <see cref="HMACSHA256"/>, NSec HMAC-SHA-256, NSec keyed BLAKE2b-256.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MicroBenchmarks
{
    private static readonly EncryptedColumn Column = new("customers", "email");

    private StandaloneEncryptor _instance = null!;
    private ColumnEncryptor _encryptor = null!;
    private StandaloneEncryptor _platformInstance = null!;
    private ColumnEncryptor _platformEncryptor = null!;
    private NSec.Cryptography.Key _sodiumKey = null!;
    private NSec.Cryptography.Key _hmacKey = null!;
    private NSec.Cryptography.Key _blake2bKey = null!;
    private byte[] _rawKey = null!;
    private byte[] _aad = null!;
    private byte[] _sealed40 = null!;
    private byte[] _opened40 = null!;
    private byte[] _mac = null!;
    private string _string40 = null!;
    private byte[] _bytes1K = null!;
    private byte[] _bytes64K = null!;
    private byte[] _storedString40 = null!;
    private byte[] _storedString40Platform = null!;
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
        _platformInstance = new StandaloneEncryptor(CipherBackend.Platform);
        _platformEncryptor = _platformInstance.Encryptor;

        _string40 = "ada.lovelace.1815@analytical-engine.test";
        if (System.Text.Encoding.UTF8.GetByteCount(_string40) != 40)
        {
            throw new InvalidOperationException("The string value must be 40 bytes.");
        }

        _bytes1K = RandomNumberGenerator.GetBytes(1024);
        _bytes64K = RandomNumberGenerator.GetBytes(64 * 1024);
        _storedString40 = _encryptor.Encrypt(Column, _string40)!;
        _storedString40Platform = _platformEncryptor.Encrypt(Column, _string40)!; // its own key table
        _storedBytes1K = _encryptor.Encrypt(Column, _bytes1K)!;
        _storedBytes64K = _encryptor.Encrypt(Column, _bytes64K)!;
        _rawKey = RandomNumberGenerator.GetBytes(32);
        _aes = new AesGcm(_rawKey, 16);
        _sodiumKey = NSec.Cryptography.Key.Import(AeadAlgorithm.Aes256Gcm, _rawKey, KeyBlobFormat.RawSymmetricKey);
        _hmacKey = NSec.Cryptography.Key.Import(MacAlgorithm.HmacSha256, _rawKey, KeyBlobFormat.RawSymmetricKey);
        _blake2bKey = NSec.Cryptography.Key.Import(MacAlgorithm.Blake2b_256, _rawKey, KeyBlobFormat.RawSymmetricKey);
        _nonce = new byte[12];
        _plain40 = RandomNumberGenerator.GetBytes(40);
        _cipher40 = new byte[40];
        _tag = new byte[16];

        // What ColumnCrypto authenticates for customers.email: the 7-byte header and the length-prefixed names.
        _aad = RandomNumberGenerator.GetBytes(7 + 4 + 9 + 4 + 5);
        _sealed40 = new byte[56];
        _opened40 = new byte[40];
        _mac = new byte[32];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _sodiumKey.Dispose();
        _hmacKey.Dispose();
        _blake2bKey.Dispose();
        _instance.Dispose();
        _platformInstance.Dispose();
    }

    [Benchmark, BenchmarkCategory("string 40 B")]
    public byte[]? EncryptString40() => _encryptor.Encrypt(Column, _string40);

    [Benchmark, BenchmarkCategory("string 40 B")]
    public string? DecryptString40() => _encryptor.Decrypt<string>(Column, _storedString40);

    [Benchmark, BenchmarkCategory("string 40 B")]
    public string? RoundTripString40() => _encryptor.Decrypt<string>(Column, _encryptor.Encrypt(Column, _string40));

    [Benchmark, BenchmarkCategory("string 40 B, cipher: platform")]
    public byte[]? EncryptString40Platform() => _platformEncryptor.Encrypt(Column, _string40);

    [Benchmark, BenchmarkCategory("string 40 B, cipher: platform")]
    public string? DecryptString40Platform() => _platformEncryptor.Decrypt<string>(Column, _storedString40Platform);

    [Benchmark, BenchmarkCategory("string 40 B, cipher: platform")]
    public string? RoundTripString40Platform() => _platformEncryptor.Decrypt<string>(Column, _platformEncryptor.Encrypt(Column, _string40));

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
    public void ReferencePlatformAesGcm40() => _aes.Encrypt(_nonce, _plain40, _cipher40, _tag, _aad);

    [Benchmark, BenchmarkCategory("reference")]
    public bool ReferencePlatformRoundTrip40()
    {
        _aes.Encrypt(_nonce, _plain40, _sealed40.AsSpan(0, 40), _sealed40.AsSpan(40), _aad);
        _aes.Decrypt(_nonce, _sealed40.AsSpan(0, 40), _sealed40.AsSpan(40), _opened40, _aad);
        return true;
    }

    [Benchmark, BenchmarkCategory("reference")]
    public void ReferenceLibsodiumAesGcm40() => AeadAlgorithm.Aes256Gcm.Encrypt(_sodiumKey, _nonce, _aad, _plain40, _sealed40);

    [Benchmark, BenchmarkCategory("reference")]
    public bool ReferenceLibsodiumRoundTrip40()
    {
        AeadAlgorithm.Aes256Gcm.Encrypt(_sodiumKey, _nonce, _aad, _plain40, _sealed40);
        return AeadAlgorithm.Aes256Gcm.Decrypt(_sodiumKey, _nonce, _aad, _sealed40, _opened40);
    }

    [Benchmark, BenchmarkCategory("reference")]
    public void ReferenceCsprng12() => RandomNumberGenerator.Fill(_nonce);

    // Blind-index candidates: a keyed hash of a 40-byte input (the key object or bytes cached, as an index would).
    [Benchmark, BenchmarkCategory("keyed hash 40 B")]
    public int KeyedHashDotNetHmacSha256() => HMACSHA256.HashData(_rawKey, _plain40, _mac);

    [Benchmark, BenchmarkCategory("keyed hash 40 B")]
    public void KeyedHashNSecHmacSha256() => MacAlgorithm.HmacSha256.Mac(_hmacKey, _plain40, _mac);

    [Benchmark, BenchmarkCategory("keyed hash 40 B")]
    public void KeyedHashNSecBlake2b256() => MacAlgorithm.Blake2b_256.Mac(_blake2bKey, _plain40, _mac);
}
