using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ColumnCrypto.EntityFrameworkCore.Search;
using ColumnCrypto.EntityFrameworkCore.Storage;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.EntityFrameworkCore;
using NSec.Cryptography;

namespace ColumnCrypto.Benchmarks;

/// <summary>
/// What a searchable column adds to a write, per value: the blind index of a 40-character string as SaveChanges
/// computes it (the searchable property the EF converter holds, <c>ForWrite(value)</c>, which is
/// <see cref="BlindIndex.ComputeForWrite{T}"/> after a cast), beside the encryption every encrypted value pays and
/// the bare keyed hash underneath (libsodium HMAC-SHA-256 through NSec, key object cached).
/// </summary>
[MemoryDiagnoser]
public class SearchMicroBenchmarks
{
    private StandaloneEncryptor _instance = null!;
    private InMemoryBlindIndexKeys _keys = null!;
    private SearchBenchContext _context = null!;
    private SearchableProperty _searchable = null!;
    private BlindIndex _blindIndex = null!;
    private SearchableColumn _column = null!;
    private EncryptedColumn _encryptedColumn = null!;
    private NSec.Cryptography.Key _hmacKey = null!;
    private byte[] _utf8 = null!;
    private byte[] _mac = null!;
    private string _email = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = new InMemoryBlindIndexKeys();
        _keys.Add(1, RandomNumberGenerator.GetBytes(32));
        _instance = new StandaloneEncryptor(blindIndexKeys: _keys);

        // The model as the application builds it (no connection is opened): the converter of a searchable property
        // holds what SaveChanges calls for its index.
        _context = new SearchBenchContext(new DbContextOptionsBuilder<SearchBenchContext>()
            .UseNpgsql("Host=unused").UseColumnEncryption(_instance.Services).Options);
        var property = _context.Model.FindEntityType(typeof(SearchableRow))!.FindProperty(nameof(SearchableRow.Email))!;
        var converter = (IEncryptedValueConverter)property.GetValueConverter()!;
        _searchable = converter.Searchable!;
        _encryptedColumn = converter.Column;
        _column = _searchable.Column;
        _blindIndex = _searchable.Index;

        _email = SearchBenchmark.Email(12_345);
        _utf8 = System.Text.Encoding.UTF8.GetBytes(_email);
        _hmacKey = NSec.Cryptography.Key.Import(MacAlgorithm.HmacSha256, RandomNumberGenerator.GetBytes(32), KeyBlobFormat.RawSymmetricKey);
        _mac = new byte[32];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmacKey.Dispose();
        _context.Dispose();
        _instance.Dispose();
        _keys.Dispose();
    }

    /// <summary>What SaveChanges computes for each searchable value it writes (BlindIndexWritingBatchPreparer).</summary>
    [Benchmark]
    public byte[]? SaveChangesIndexForWrite40() => _searchable.ForWrite(_email);

    /// <summary>The public call ADO.NET and Dapper code makes for the same index.</summary>
    [Benchmark]
    public byte[]? BlindIndexComputeForWrite40() => _blindIndex.ComputeForWrite(_column, _email);

    /// <summary>The encryption every encrypted value pays, searchable or not (for scale).</summary>
    [Benchmark]
    public byte[]? EncryptString40() => _instance.Encryptor.Encrypt(_encryptedColumn, _email);

    /// <summary>The floor: one libsodium HMAC-SHA-256 of the 40 encoded bytes.</summary>
    [Benchmark]
    public void ReferenceLibsodiumHmacSha256() => MacAlgorithm.HmacSha256.Mac(_hmacKey, _utf8, _mac);
}
