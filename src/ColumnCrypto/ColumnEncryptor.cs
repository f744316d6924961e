using System.Buffers;
using System.Security.Cryptography;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Envelope;
using ColumnCrypto.Errors;
using ColumnCrypto.Keys.Ring;
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

    private readonly DataKeyRingCache _keys;
    private readonly ColumnCryptoMetrics _metrics;

    internal ColumnEncryptor(DataKeyRingCache keys, ColumnCryptoMetrics metrics)
    {
        _keys = keys;
        _metrics = metrics;
    }

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) can be encrypted.</summary>
    public static bool IsSupportedType(Type type) => EncryptedValueType.IsSupported(type);

    /// <summary>The key version in a stored value's header, or null when it is not a ColumnCrypto value.</summary>
    public static int? GetKeyVersion(ReadOnlySpan<byte> storedValue) => StoredValue.GetKeyVersion(storedValue);

    /// <summary>Whether a stored value carries a ColumnCrypto header (it may still fail to decrypt if altered).</summary>
    public static bool IsCiphertext(ReadOnlySpan<byte> storedValue) => GetKeyVersion(storedValue) is not null;

    /// <summary>
    /// Reserves, in the key table, encryptions for <paramref name="count"/> more values under the newest key, unless this
    /// process has that many reserved already. A process never encrypts more than it reserved: when its reservation is
    /// used up, the next encryption waits for the key table. Call this before a bulk write inside a transaction that
    /// holds the database's write lock (SQLite), where that wait could only end when the transaction does. EF Core's
    /// <c>SaveChanges</c> calls it for you, before it starts its transaction.
    /// </summary>
    /// <param name="count">How many values are about to be encrypted.</param>
    /// <param name="cancellationToken">Stops waiting for the key table.</param>
    /// <exception cref="ColumnCryptoKeyException">The key table refused the reservation, or the key's count was lowered outside ColumnCrypto.</exception>
    public Task ReserveAsync(long count, CancellationToken cancellationToken = default) => _keys.EnsureReservedAsync(count, cancellationToken);

    /// <summary>Synchronous <see cref="ReserveAsync"/>, for synchronous <c>SaveChanges</c>.</summary>
    /// <param name="count">How many values are about to be encrypted.</param>
    public void Reserve(long count)
    {
        if (count > 0)
        {
            Task.Run(() => _keys.EnsureReservedAsync(count, CancellationToken.None)).GetAwaiter().GetResult();
        }
    }

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
        var result = new byte[EnvelopeCipher.SealedLength(codec.GetByteCount(value))];

        // Encode straight into the output and encrypt in place: no intermediate plaintext copy to allocate or wipe.
        codec.Encode(value, EnvelopeCipher.Payload(result));
        EnvelopeCipher.Seal(key, column, result);
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

    /// <summary>
    /// Moves a stored value onto the newest data key: authenticates and decrypts it to its plaintext bytes and seals
    /// them again, exactly one header layer whatever the value's type. The new value is decrypted again and compared
    /// before it is returned, so a value is never replaced by one that would not read back.
    /// </summary>
    /// <exception cref="ColumnDecryptionException">The stored value does not decrypt (altered, unknown or retired key version).</exception>
    public byte[] Reencrypt(EncryptedColumn column, ReadOnlySpan<byte> storedValue)
    {
        ArgumentNullException.ThrowIfNull(column);

        // The plaintext never leaves stack (or pooled, zeroed) memory: no array per value to allocate and wipe. A value
        // too short to hold a plaintext gets an empty buffer, and Open says why it cannot be decrypted.
        var length = Math.Max(EnvelopeCipher.PlaintextLength(storedValue), 0);
        byte[]? rented = null;
        var plaintext = length <= StackPlaintextLimit ? stackalloc byte[length] : Rent(length, out rented);
        try
        {
            Open(column, storedValue, plaintext);
            return EncryptEncoded(column, plaintext);
        }
        finally
        {
            Release(plaintext, rented);
        }
    }

    /// <summary>
    /// Seals plaintext bytes that are already encoded as their <see cref="EncryptedValueType"/> encodes them, under
    /// the newest key, and proves that the result decrypts to the same bytes. For tools that move values without
    /// their CLR types (plaintext migration, re-encryption).
    /// </summary>
    /// <exception cref="CryptographicException">The new value did not decrypt to the same bytes (nothing should be written).</exception>
    public byte[] EncryptEncoded(EncryptedColumn column, ReadOnlySpan<byte> encoded)
    {
        ArgumentNullException.ThrowIfNull(column);
        var key = _keys.GetEncryptionKey();
        var result = new byte[EnvelopeCipher.SealedLength(encoded.Length)];
        encoded.CopyTo(EnvelopeCipher.Payload(result));
        EnvelopeCipher.Seal(key, column, result);
        _metrics.ValuesEncrypted.Add(1);

        byte[]? rented = null;
        var check = encoded.Length <= StackPlaintextLimit ? stackalloc byte[encoded.Length] : Rent(encoded.Length, out rented);
        try
        {
            EnvelopeCipher.Open(key, column, result, check);
            return CryptographicOperations.FixedTimeEquals(check, encoded)
                ? result
                : throw new CryptographicException($"The value of {column} re-encrypted under key version {key.Version} did not decrypt to the same plaintext; nothing was written.");
        }
        finally
        {
            Release(check, rented);
        }
    }

    /// <summary>Null for types that can hold it; for a non-nullable value type, an error naming the column and the fix.</summary>
    private static T? NullAs<T>(EncryptedColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return default(T) is null ? default : throw CryptoErrors.NullForValueType(column, typeof(T));
    }

    private T DecryptCore<T>(ValueCodec<T> codec, EncryptedColumn column, ReadOnlySpan<byte> stored)
    {
        var version = EnvelopeCipher.ReadKeyVersion(column, stored);
        var length = EnvelopeCipher.PlaintextLength(stored);
        byte[]? rented = null;
        // Exactly the value's size on the stack: the runtime zero-fills stackalloc memory, and filling 512 bytes for
        // a 40-byte value is wasted work (about 10 ns of a 250 ns decrypt).
        var plaintext = length <= StackPlaintextLimit ? stackalloc byte[length] : Rent(length, out rented);
        try
        {
            OpenCore(column, version, stored, plaintext);
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
            Release(plaintext, rented);
        }
    }

    /// <summary>Authenticates and decrypts a stored value into <paramref name="plaintext"/> (its plaintext length), counting a failure.</summary>
    private void Open(EncryptedColumn column, ReadOnlySpan<byte> stored, Span<byte> plaintext)
    {
        try
        {
            OpenCore(column, EnvelopeCipher.ReadKeyVersion(column, stored), stored, plaintext);
            _metrics.ValuesDecrypted.Add(1);
        }
        catch (ColumnDecryptionException)
        {
            _metrics.DecryptionFailures.Add(1);
            throw;
        }
    }

    private void OpenCore(EncryptedColumn column, int version, ReadOnlySpan<byte> stored, Span<byte> plaintext)
    {
        var key = _keys.GetDecryptionKey(version)
            ?? throw CryptoErrors.UnknownKeyVersion(column, version, _keys.Current?.Newest?.Version);
        EnvelopeCipher.Open(key, column, stored, plaintext);
    }

    // Plaintext above StackPlaintextLimit bytes goes to a pooled buffer; every plaintext buffer is zeroed when released.
    private static Span<byte> Rent(int length, out byte[]? rented) => (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);

    private static void Release(Span<byte> plaintext, byte[]? rented)
    {
        CryptographicOperations.ZeroMemory(plaintext);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
