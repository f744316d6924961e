using System.Globalization;
using System.Text;
using ColumnCrypto.Values;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Reads values that a column held in clear before it was encrypted (plaintext migration). The rules, documented in
/// docs/operations.md:
/// <list type="bullet">
/// <item>string: binary columns hold its UTF-8 bytes; text (base64) columns hold the text itself.</item>
/// <item>byte[]: binary columns hold the bytes; text columns hold them as base64.</item>
/// <item>Every other type: its text in the invariant culture (UTF-8 bytes in binary columns): numbers as
/// <c>123.45</c>, bool as <c>true</c>/<c>false</c>/<c>t</c>/<c>f</c>/<c>1</c>/<c>0</c>, Guid as
/// <c>xxxxxxxx-xxxx-...</c>, dates and times in ISO 8601 (<c>2025-05-06T07:08:09Z</c>; PostgreSQL's
/// <c>2025-05-06 07:08:09+00</c> is accepted), enums as their number.</item>
/// </list>
/// A value starting with ColumnCrypto's magic bytes is never read as plaintext: it is a damaged ciphertext.
/// </summary>
internal static class LegacyPlaintext
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a plaintext value of a binary column as <paramref name="type"/> (nullable forms allowed).</summary>
    /// <exception cref="FormatException">The bytes are not a value of the type.</exception>
    public static object FromBinary(Type type, ReadOnlySpan<byte> stored)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(byte[]))
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

        return FromText(target, text, fromBinary: true);
    }

    /// <summary>Reads a plaintext value of a text (base64 storage) column as <paramref name="type"/>.</summary>
    /// <exception cref="FormatException">The text is not a value of the type.</exception>
    public static object FromText(Type type, string stored) =>
        FromText(Nullable.GetUnderlyingType(type) ?? type, stored, fromBinary: false);

    /// <summary>
    /// The codec bytes (what <see cref="ColumnEncryptor"/> encrypts) of a plaintext value, for the registry value type
    /// <paramref name="valueType"/>. For the engine, which has no CLR types: enums are read as numbers.
    /// </summary>
    /// <exception cref="FormatException">The value is not a value of the type.</exception>
    public static byte[] ToCodecBytes(string valueType, object stored)
    {
        var type = EncryptedValueTypes.CodecType(valueType)
            ?? throw new FormatException($"the registry names the unknown value type '{valueType}'");
        var value = stored switch
        {
            byte[] bytes => FromBinary(type, bytes),
            string text => FromText(type, text),
            _ => throw new FormatException($"a stored value of type {stored.GetType().Name} cannot be read"),
        };
        return Encode(type, value);
    }

    private static object FromText(Type type, string text, bool fromBinary)
    {
        var inv = CultureInfo.InvariantCulture;
        var trimmed = text.Trim();
        try
        {
            if (type == typeof(string))
            {
                return text;
            }

            if (type == typeof(byte[]))
            {
                return Convert.FromBase64String(trimmed);
            }

            if (type.IsEnum)
            {
                return Enum.ToObject(type, long.Parse(trimmed, NumberStyles.Integer, inv));
            }

            return Type.GetTypeCode(type) switch
            {
                TypeCode.Boolean => ParseBoolean(trimmed),
                TypeCode.Int16 => short.Parse(trimmed, NumberStyles.Integer, inv),
                TypeCode.Int32 => int.Parse(trimmed, NumberStyles.Integer, inv),
                TypeCode.Int64 => long.Parse(trimmed, NumberStyles.Integer, inv),
                TypeCode.Single => float.Parse(trimmed, NumberStyles.Float, inv),
                TypeCode.Double => double.Parse(trimmed, NumberStyles.Float, inv),
                TypeCode.Decimal => decimal.Parse(trimmed, NumberStyles.Float, inv),
                // With an offset or Z: converted to UTC (Kind Utc, as Npgsql's timestamptz); without: Kind Unspecified.
                TypeCode.DateTime => DateTime.Parse(trimmed, inv, DateTimeStyles.AdjustToUniversal),
                _ when type == typeof(Guid) => Guid.Parse(trimmed, inv),
                _ when type == typeof(DateTimeOffset) => DateTimeOffset.Parse(WithFullOffset(trimmed), inv, DateTimeStyles.AssumeUniversal),
                _ when type == typeof(DateOnly) => DateOnly.Parse(trimmed, inv),
                _ when type == typeof(TimeOnly) => TimeOnly.Parse(trimmed, inv),
                _ when type == typeof(TimeSpan) => TimeSpan.Parse(trimmed, inv),
                _ => throw new FormatException($"{type.Name} values cannot be read from plaintext"),
            };
        }
        catch (OverflowException e)
        {
            throw new FormatException($"the plaintext {(fromBinary ? "bytes are" : "text is")} out of range for a {type.Name}", e);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"the plaintext is not a {type.Name}", e);
        }
        catch (FormatException e)
        {
            throw new FormatException($"the plaintext is not a {type.Name} in the invariant culture", e);
        }
    }

    private static bool ParseBoolean(string text) => text.ToUpperInvariant() switch
    {
        "TRUE" or "T" or "1" => true,
        "FALSE" or "F" or "0" => false,
        _ => throw new FormatException("expected true, false, t, f, 1 or 0"),
    };

    // PostgreSQL prints offsets as "+00" or "+05:30"; .NET wants the minutes too.
    private static string WithFullOffset(string text) =>
        text.Length > 3 && text[^3] is '+' or '-' && char.IsAsciiDigit(text[^2]) && char.IsAsciiDigit(text[^1]) && text.Contains(':', StringComparison.Ordinal)
            ? text + ":00"
            : text;

    private static byte[] Encode(Type type, object value) =>
        Encoders.GetOrAdd(type, static t => typeof(LegacyPlaintext)
            .GetMethod(nameof(EncodeTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(t)
            .CreateDelegate<Func<object, byte[]>>())(value);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, byte[]>> Encoders = new();

    private static byte[] EncodeTyped<T>(object value)
    {
        var codec = ValueCodec<T>.Instance!;
        var typed = (T)value;
        var bytes = new byte[codec.GetByteCount(typed)];
        codec.Encode(typed, bytes);
        return bytes;
    }
}
