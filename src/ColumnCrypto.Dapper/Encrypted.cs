namespace ColumnCrypto.Dapper;

/// <summary>
/// A stored value of an encrypted column holding <typeparamref name="T"/> values: the ciphertext, never the plaintext,
/// so it is safe to pass around and log. Use it as a Dapper parameter (made by
/// <see cref="ColumnEncryptorDapperExtensions.Encrypt{T}(ColumnEncryptor, EncryptedColumn{T}, T)"/>) and as the type
/// of a result property; read it back with <see cref="ColumnEncryptorDapperExtensions.Decrypt{T}(ColumnEncryptor, EncryptedColumn{T}, Encrypted{T})"/>.
/// SQL NULL is a null <see cref="Encrypted{T}"/>.
/// </summary>
/// <typeparam name="T">The type of the value inside.</typeparam>
public sealed class Encrypted<T>
{
    private readonly byte[] _ciphertext;

    /// <summary>A value as read from a binary column.</summary>
    public Encrypted(byte[] stored)
        : this(stored ?? throw new ArgumentNullException(nameof(stored)), EncryptedStorage.Binary)
    {
    }

    /// <summary>A value as read from a base64 text column.</summary>
    /// <exception cref="FormatException">The text is not base64.</exception>
    public Encrypted(string stored)
        : this(Convert.FromBase64String(stored ?? throw new ArgumentNullException(nameof(stored))), EncryptedStorage.Base64Text)
    {
    }

    internal Encrypted(byte[] ciphertext, EncryptedStorage storage)
    {
        _ciphertext = ciphertext;
        Storage = storage;
    }

    /// <summary>Binary, or base64 text: how the value is written to its column.</summary>
    public EncryptedStorage Storage { get; }

    /// <summary>The data key version in the value's header, or null when it is not a ColumnCrypto value (legacy plaintext, damage).</summary>
    public int? KeyVersion => ColumnEncryptor.GetKeyVersion(_ciphertext);

    /// <summary>The stored bytes (for base64 text storage, decoded).</summary>
    public ReadOnlySpan<byte> Ciphertext => _ciphertext;

    /// <summary>What the column holds: the bytes, or their base64 text.</summary>
    internal object ToStored() => Storage == EncryptedStorage.Base64Text ? Convert.ToBase64String(_ciphertext) : _ciphertext;

    /// <summary>The type, key version and length: never a value.</summary>
    public override string ToString() => $"Encrypted<{typeof(T).Name}>(key version {KeyVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, {_ciphertext.Length} bytes)";
}
