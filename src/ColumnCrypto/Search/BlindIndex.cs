using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Errors;
using ColumnCrypto.Search.Keys;
using ColumnCrypto.Values;

namespace ColumnCrypto.Search;

/// <summary>
/// Computes blind indexes: a keyed hash (HMAC-SHA-256, 128 bits) of a searchable column's normalized, encoded value
/// (the same encoding <see cref="ColumnEncryptor"/> encrypts), stored next to the randomized ciphertext so the
/// database can find equal values without ever seeing one. Each column hashes with its own key, derived from the
/// index root key, so equal values in two columns do not give equal indexes; data-key rollovers never change an
/// index. The EF Core plugin uses it for searchable properties; ADO.NET and Dapper code calls it directly. Thread-safe
/// singleton (registered by <c>AddColumnCrypto</c>).
/// </summary>
/// <example>
/// <code>
/// var email = new SearchableColumn(new EncryptedColumn("customers", "email"), BlindIndexNormalization.CaseInsensitive);
/// byte[]? index = blindIndex.ComputeForWrite(email, "Ada@Example.com");            // INSERT ... email_bidx = @index
/// byte[][] lookup = blindIndex.ComputeForLookup(email, "ada@example.com");         // WHERE email_bidx = ANY(@lookup)
/// </code>
/// </example>
public sealed class BlindIndex
{
    private const int StackLimit = 512;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IBlindIndexKeys _keys;
    private readonly ICipherBackend _backend;

    /// <summary>Hashes with <paramref name="backend"/>'s HMAC-SHA-256 (the same bytes from every backend).</summary>
    internal BlindIndex(IBlindIndexKeys keys, ICipherBackend backend)
    {
        _keys = keys;
        _backend = backend;
    }

    /// <summary>The index key version new indexes are written with.</summary>
    /// <exception cref="ColumnCryptoKeyException">No index key is available.</exception>
    public int WriteVersion => _keys.Current.WriteVersion;

    /// <summary>The index key versions lookups match, newest first (more than one while a rebuild after an index-key rotation runs).</summary>
    /// <exception cref="ColumnCryptoKeyException">No index key is available.</exception>
    public IReadOnlyList<int> LookupVersions => _keys.Current.LookupVersions;

    /// <summary>Whether <paramref name="version"/> is an active index key version (lookups match it).</summary>
    public bool IsActive(int version) => _keys.Current.Has(version);

    /// <summary>The index to store with <paramref name="value"/> (null for null), under the newest index key.</summary>
    /// <exception cref="NotSupportedException">The type cannot be encrypted, so not indexed either.</exception>
    /// <exception cref="ColumnCryptoKeyException">No index key is available.</exception>
    public byte[]? ComputeForWrite<T>(SearchableColumn column, T? value)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (value is null)
        {
            return null;
        }

        var keys = _keys.Current;
        return Compute(keys, keys.WriteVersion, column, value);
    }

    /// <summary>
    /// The indexes a lookup of <paramref name="value"/> must match, one per active index key version (newest first):
    /// in SQL, <c>WHERE email_bidx = ANY(@lookup)</c> on PostgreSQL or <c>IN (...)</c>. Empty for null: look null up
    /// with <c>email IS NULL</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The type cannot be encrypted, so not indexed either.</exception>
    /// <exception cref="ColumnCryptoKeyException">No index key is available.</exception>
    public byte[][] ComputeForLookup<T>(SearchableColumn column, T? value)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (value is null)
        {
            return [];
        }

        var keys = _keys.Current;
        var versions = keys.LookupVersions;
        var result = new byte[versions.Count][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Compute(keys, versions[i], column, value);
        }

        return result;
    }

    /// <summary>
    /// The index of <paramref name="value"/> under index key <paramref name="version"/> (null for null): one of the
    /// values <see cref="ComputeForLookup{T}(SearchableColumn, T)"/> returns, for lookups written with one parameter per
    /// active version (<c>WHERE email_bidx = @v1 OR email_bidx = @v2</c>, see <see cref="LookupVersions"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The type cannot be encrypted, so not indexed either.</exception>
    /// <exception cref="ColumnCryptoKeyException">The version is not active.</exception>
    public byte[]? ComputeForVersion<T>(SearchableColumn column, T? value, int version)
    {
        ArgumentNullException.ThrowIfNull(column);
        return value is null ? null : Compute(_keys.Current, version, column, value);
    }

    /// <summary>
    /// The index of a value given as its encoded bytes (as <see cref="ColumnEncryptor"/> decrypts them to bytes, or
    /// <see cref="EncryptedValueType.Encode"/> writes them), under index key <paramref name="version"/> (by default the
    /// newest). For tools that work without CLR types: the index rebuild and verification.
    /// </summary>
    /// <param name="column">The searchable column.</param>
    /// <param name="encoded">The value's encoded bytes.</param>
    /// <param name="version">The index key version; by default the newest.</param>
    /// <param name="type">
    /// The value's type, so that values equal in .NET but encoded differently (decimal <c>12.5</c> and <c>12.50</c>,
    /// <c>0.0</c> and <c>-0.0</c>) get one index, as they do through <see cref="ComputeForWrite{T}"/>. Required for
    /// decimal and floating-point columns.
    /// </param>
    /// <exception cref="FormatException">The column normalizes strings and the bytes are not UTF-8, or the bytes are not a value of <paramref name="type"/>.</exception>
    /// <exception cref="ColumnCryptoKeyException">The version is not active.</exception>
    public byte[] ComputeEncoded(SearchableColumn column, ReadOnlySpan<byte> encoded, int? version = null, EncryptedValueType? type = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        var keys = _keys.Current;
        var target = version ?? keys.WriteVersion;
        if (column.Normalization == BlindIndexNormalization.Exact)
        {
            var canonical = type is null ? null : BlindIndexCanonicalValue.Reencode(type, encoded);
            return Hash(keys, target, column, canonical ?? encoded);
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(encoded);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"The value of {column.Column} is not UTF-8 text, so it cannot be normalized ({column.Normalization}).", e);
        }

        return Compute(keys, target, column, text);
    }

    /// <summary>Reloads the index keys (another instance rotated the index key).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => _keys.RefreshAsync(cancellationToken);

    private byte[] Compute<T>(BlindIndexKeySet keys, int version, SearchableColumn column, T value)
    {
        if (typeof(T) == typeof(string) && column.Normalization != BlindIndexNormalization.Exact)
        {
            value = (T)(object)BlindIndexNormalizer.Apply((string)(object)value!, column.Normalization);
        }

        value = BlindIndexCanonicalValue.Apply(value);

        var codec = ValueCodec<T>.Instance ?? throw CryptoErrors.UnsupportedType(typeof(T));
        var length = codec.GetByteCount(value);
        byte[]? rented = null;
        var encoded = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            codec.Encode(value, encoded);
            return Hash(keys, version, column, encoded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private byte[] Hash(BlindIndexKeySet keys, int version, SearchableColumn column, ReadOnlySpan<byte> encoded)
    {
        var index = new byte[BlindIndexLayout.Length];
        BlindIndexLayout.WriteHeader(index, version, column.Normalization);
        keys.For(column, version, _backend).Compute(encoded, index.AsSpan(BlindIndexLayout.HeaderLength));
        return index;
    }
}
