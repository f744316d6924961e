using System.Text;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Plaintext;

/// <summary>
/// Reads values that a column held in clear before it was encrypted (plaintext migration). Binary columns hold a
/// string's UTF-8 bytes, a byte[]'s bytes, and any other value's text as UTF-8; text (base64) columns hold the text
/// itself, and byte[] as base64. The text forms are those of <see cref="EncryptedValueType.ParseText"/> (documented in
/// docs/operations.md). A value starting with ColumnCrypto's magic bytes is never read as plaintext: it is a damaged
/// ciphertext.
/// </summary>
public static class LegacyPlaintext
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a plaintext value of a binary column as <paramref name="type"/> (nullable forms allowed).</summary>
    /// <exception cref="FormatException">The bytes are not a value of the type.</exception>
    public static object FromBinary(Type type, ReadOnlySpan<byte> stored)
    {
        var valueType = TypeOf(type);
        try
        {
            return As(type, FromBinary(valueType, stored));
        }
        catch (FormatException e) when (valueType == EncryptedValueType.Enum)
        {
            throw EnumError(type, e);
        }
    }

    /// <summary>Reads a plaintext value of a text (base64 storage) column as <paramref name="type"/> (nullable forms allowed).</summary>
    /// <exception cref="FormatException">The text is not a value of the type.</exception>
    public static object FromText(Type type, string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var valueType = TypeOf(type);
        try
        {
            return As(type, valueType.ParseText(stored));
        }
        catch (FormatException e) when (valueType == EncryptedValueType.Enum)
        {
            throw EnumError(type, e);
        }
    }

    /// <summary>
    /// The encoded bytes (what <see cref="ColumnEncryptor"/> seals) of a stored plaintext value of the registry value
    /// type <paramref name="valueType"/>. For the re-encryption engine, which has no CLR types.
    /// </summary>
    /// <exception cref="FormatException">The value is not a value of the type.</exception>
    public static byte[] ToEncoded(string valueType, object stored)
    {
        var type = EncryptedValueType.FromName(valueType)
            ?? throw new FormatException($"the registry names the unknown value type '{valueType}'");
        var value = stored switch
        {
            byte[] bytes => FromBinary(type, bytes),
            string text => type.ParseText(text),
            _ => throw new FormatException($"a stored value of type {stored.GetType().Name} cannot be read"),
        };
        return type.Encode(value);
    }

    private static object FromBinary(EncryptedValueType type, ReadOnlySpan<byte> stored)
    {
        if (type.ClrType == typeof(byte[]))
        {
            return stored.ToArray();
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(stored);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("the plaintext is not UTF-8 text", e);
        }

        return type.ParseText(text);
    }

    private static EncryptedValueType TypeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return EncryptedValueType.Of(type) ?? throw new FormatException($"{type.Name} values cannot be encrypted, so not read from plaintext either");
    }

    private static FormatException EnumError(Type type, FormatException inner) =>
        new($"the plaintext is not a {(Nullable.GetUnderlyingType(type) ?? type).Name}: enums are read as their number", inner);

    // The type table reads enums as their number; the caller wants its own enum type.
    private static object As(Type type, object value) =>
        (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } enumType ? Enum.ToObject(enumType, value) : value;
}
