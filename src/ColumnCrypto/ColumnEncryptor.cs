using System.Buffers;
using System.Security.Cryptography;
using ColumnCrypto.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys;
using ColumnCrypto.Values;

namespace ColumnCrypto;

/// <summary>
/// Encrypts and decrypts single column values: what the EF Core value converters call, and what ADO.NET or Dapper code
/// can call directly. New values are encrypted under the newest data key; a value is decrypted with the key version in
/// its header. Thread-safe; resolve it once (it is a singleton in DI).
/// </summary>
/// <example>
/// <code>
/// var email = new EncryptedColumn("customers", "email");
/// byte[]? stored = encryptor.Encrypt(email, "ada@example.com");
/// string? clear = encryptor.Decrypt&lt;string&gt;(email, stored);
/// </code>
/// </example>
public sealed class ColumnEncryptor
{
    // Values up to this size are decrypted into stack memory; larger ones into a pooled buffer.
    private const int StackPlaintextLimit = 512;

    private readonly DataKeyRingProvider _keys;
    private readonly ColumnCryptoMetrics _metrics;

    internal ColumnEncryptor(DataKeyRingProvider keys, ColumnCryptoMetrics metrics)
    {
        _keys = keys;
        _metrics = metrics;
    }

    internal DataKeyRingProvider Keys => _keys;

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) can be encrypted.</summary>
    public static bool IsSupportedType(Type type) => ValueCodecs.IsSupported(type);

    /// <summary>The key version in a stored value's header, or null when it is not a ColumnCrypto value.</summary>
    public static int? GetKeyVersion(ReadOnlySpan<byte> storedValue) =>
        storedValue.Length >= CiphertextFormat.Overhead && CiphertextFormat.ReadKeyVersion(storedValue) is > 0 and var v ? v : null;

    /// <summary>Whether a stored value carries a ColumnCrypto header (it may still fail to decrypt if altered).</summary>
    public static bool IsCiphertext(ReadOnlySpan<byte> storedValue) => GetKeyVersion(storedValue) is not null;

    /// <summary>Encrypts <paramref name="value"/> for <paramref name="column"/> under the newest data key. Null stays null.</summary>
    /// <exception cref="NotSupportedException">The type cannot be encrypted.</exception>
    public byte[]? Encrypt<T>(EncryptedColumn column, T? value)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (value is null)
        {
            return null;
        }

        var codec = ValueCodec<T>.Instance ?? throw CryptoErrors.UnsupportedType(typeof(T));
        var key = _keys.GetEncryptionKey();
        var length = codec.GetByteCount(value);
        var result = new byte[CiphertextFormat.Overhead + length];

        // Encode straight into the output and encrypt in place: no intermediate plaintext copy to allocate or wipe.
        codec.Encode(value, result.AsSpan(CiphertextFormat.PayloadOffset, length));
        Seal(key, column, result, length);
        _metrics.ValuesEncrypted.Add(1);
        return result;
    }

    /// <summary>Encrypts to base64 text, for columns that must stay text. Null stays null.</summary>
    public string? EncryptToBase64<T>(EncryptedColumn column, T? value) =>
        Encrypt(column, value) is { } bytes ? Convert.ToBase64String(bytes) : null;

    /// <summary>
    /// Decrypts a stored value of <paramref name="column"/>. Null stays null; a null read as a non-nullable value type
    /// (<c>int</c> rather than <c>int?</c>) is an error rather than a silent 0.
    /// </summary>
    /// <exception cref="ColumnDecryptionException">The value is not a ColumnCrypto value of this column, was altered, names an unknown key version, or is null and <typeparamref name="T"/> cannot hold null.</exception>
    public T? Decrypt<T>(EncryptedColumn column, byte[]? storedValue) =>
        storedValue is null ? NullAs<T>(column) : Decrypt<T>(column, storedValue.AsSpan());

    /// <summary>Decrypts a stored value of <paramref name="column"/>.</summary>
    /// <exception cref="ColumnDecryptionException">The value is not a ColumnCrypto value of this column, was altered, or names an unknown key version.</exception>
    public T Decrypt<T>(EncryptedColumn column, ReadOnlySpan<byte> storedValue)
    {
        ArgumentNullException.ThrowIfNull(column);
        var codec = ValueCodec<T>.Instance ?? throw CryptoErrors.UnsupportedType(typeof(T));
        try
        {
            return DecryptCore(codec, column, storedValue);
        }
        catch (ColumnDecryptionException)
        {
            _metrics.DecryptionFailures.Add(1);
            throw;
        }
    }

    /// <summary>
    /// Decrypts base64 text written by <see cref="EncryptToBase64{T}"/>. Null stays null; a null read as a non-nullable
    /// value type is an error, as in <see cref="Decrypt{T}(EncryptedColumn, byte[])"/>.
    /// </summary>
    /// <exception cref="ColumnDecryptionException">The text is not base64 of a ColumnCrypto value of this column, was altered, names an unknown key version, or is null and <typeparamref name="T"/> cannot hold null.</exception>
    public T? DecryptFromBase64<T>(EncryptedColumn column, string? storedValue)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (storedValue is null)
        {
            return NullAs<T>(column);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(storedValue);
        }
        catch (FormatException e)
        {
            _metrics.DecryptionFailures.Add(1);
            throw CryptoErrors.NotBase64(column, e);
        }

        return Decrypt<T>(column, bytes.AsSpan());
    }

    /// <summary>Null for types that can hold it; for a non-nullable value type, an error naming the column and the fix.</summary>
    private static T? NullAs<T>(EncryptedColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return default(T) is null ? default : throw CryptoErrors.NullForValueType(column, typeof(T));
    }

    private T DecryptCore<T>(ValueCodec<T> codec, EncryptedColumn column, ReadOnlySpan<byte> stored)
    {
        if (stored.Length < CiphertextFormat.Overhead)
        {
            throw CiphertextFormat.HasMagic(stored) || stored.Length < 2
                ? CryptoErrors.Truncated(column, stored.Length)
                : CryptoErrors.NotCiphertext(column);
        }

        var version = CiphertextFormat.ReadKeyVersion(stored);
        if (version < 0)
        {
            throw CryptoErrors.NotCiphertext(column);
        }

        var key = _keys.GetDecryptionKey(version)
            ?? throw CryptoErrors.UnknownKeyVersion(column, version, _keys.Current?.Newest?.Version);

        var length = stored.Length - CiphertextFormat.Overhead;
        byte[]? rented = null;
        // Exactly the value's size on the stack: the runtime zero-fills stackalloc memory, and filling 512 bytes for
        // a 40-byte value is wasted work (about 10 ns of a 250 ns decrypt).
        var plaintext = length <= StackPlaintextLimit
            ? stackalloc byte[length]
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            Span<byte> aad = stackalloc byte[AssociatedDataLength(column)];
            WriteAssociatedData(stored[..CiphertextFormat.HeaderSize], column, aad);
            try
            {
                key.Decrypt(
                    stored.Slice(CiphertextFormat.NonceOffset, CiphertextFormat.NonceSize),
                    stored.Slice(CiphertextFormat.PayloadOffset, length),
                    stored[^CiphertextFormat.TagSize..],
                    plaintext,
                    aad);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw CryptoErrors.AuthenticationFailed(column, version, e);
            }

            T value;
            try
            {
                value = codec.Decode(plaintext);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw CryptoErrors.WrongType(column, version, typeof(T), e);
            }

            _metrics.ValuesDecrypted.Add(1);
            return value;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // ---- re-encryption (used by the EF package's re-encryption engine, which works without the CLR types) -----------

    /// <summary>
    /// Authenticates and decrypts <paramref name="stored"/> to its plaintext bytes and seals them under the newest key:
    /// exactly one header layer, whatever the value's type. The new ciphertext is decrypted again and compared before it
    /// is returned, so a value is never replaced by one that would not read back.
    /// </summary>
    /// <exception cref="ColumnDecryptionException">The stored value does not decrypt (altered, unknown or retired key version).</exception>
    internal byte[] Reencrypt(EncryptedColumn column, ReadOnlySpan<byte> stored)
    {
        ArgumentNullException.ThrowIfNull(column);
        var plaintext = Decrypt<byte[]>(column, stored);
        try
        {
            return EncryptEncoded(column, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Seals already-encoded plaintext bytes (a codec's output) under the newest key, and verifies that the result
    /// decrypts to the same bytes. For migrating legacy plaintext and for <see cref="Reencrypt"/>.
    /// </summary>
    internal byte[] EncryptEncoded(EncryptedColumn column, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(column);
        var key = _keys.GetEncryptionKey();
        var result = new byte[CiphertextFormat.Overhead + plaintext.Length];
        plaintext.CopyTo(result.AsSpan(CiphertextFormat.PayloadOffset));
        Seal(key, column, result, plaintext.Length);
        _metrics.ValuesEncrypted.Add(1);

        var check = Decrypt<byte[]>(column, result.AsSpan());
        var same = CryptographicOperations.FixedTimeEquals(check, plaintext);
        CryptographicOperations.ZeroMemory(check);
        return same
            ? result
            : throw new CryptographicException($"The value of {column} re-encrypted under key version {key.Version} did not decrypt to the same plaintext; nothing was written.");
    }

    /// <summary>Writes header and nonce and encrypts the payload (already encoded at its place) in place.</summary>
    private static void Seal(DataKey key, EncryptedColumn column, byte[] result, int length)
    {
        var span = result.AsSpan();
        CiphertextFormat.WriteHeader(span, key.Version);
        var nonce = span.Slice(CiphertextFormat.NonceOffset, CiphertextFormat.NonceSize);
        NonceGenerator.Fill(nonce);
        Span<byte> aad = stackalloc byte[AssociatedDataLength(column)];
        WriteAssociatedData(span[..CiphertextFormat.HeaderSize], column, aad);
        var payload = span.Slice(CiphertextFormat.PayloadOffset, length);
        key.Encrypt(nonce, payload, payload, span[^CiphertextFormat.TagSize..], aad);
    }

    private static int AssociatedDataLength(EncryptedColumn column)
    {
        var length = CiphertextFormat.HeaderSize + column.AssociatedDataSuffix.Length;

        // Table and column names are short; this bound only keeps stackalloc safe against absurd names.
        return length <= 1024 ? length : throw new ArgumentException($"The table and column names of {column} are too long (over 1 KiB).", nameof(column));
    }

    private static void WriteAssociatedData(ReadOnlySpan<byte> header, EncryptedColumn column, Span<byte> aad)
    {
        header.CopyTo(aad);
        column.AssociatedDataSuffix.CopyTo(aad[CiphertextFormat.HeaderSize..]);
    }
}
