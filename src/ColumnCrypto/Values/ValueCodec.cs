namespace ColumnCrypto.Values;

/// <summary>A codec seen without its type: for tools that have a registry type name, not a CLR type.</summary>
internal interface IValueCodec
{
    byte[] EncodeBoxed(object value);

    object DecodeBoxed(ReadOnlySpan<byte> plaintext);
}

/// <summary>
/// Turns a value of one CLR type into the plaintext bytes that get encrypted, and back. Part of format version 1:
/// changing an encoding would break stored data, so codecs are frozen by the committed test vectors.
/// </summary>
internal abstract class ValueCodec<T> : IValueCodec
{
    /// <summary>The codec for <typeparamref name="T"/>, or null when the type is not supported.</summary>
    // In a holder class: the type table constructs codecs while it initializes, which must not look the table up.
    public static ValueCodec<T>? Instance => Holder.Instance;

    /// <summary>The exact number of plaintext bytes <see cref="Encode"/> writes for <paramref name="value"/>.</summary>
    public abstract int GetByteCount(T value);

    /// <summary>Writes the plaintext bytes of <paramref name="value"/>; <paramref name="destination"/> has exactly <see cref="GetByteCount"/> bytes.</summary>
    public abstract void Encode(T value, Span<byte> destination);

    /// <summary>Reads a value back; throws <see cref="FormatException"/> when the bytes cannot be a value of this type.</summary>
    public abstract T Decode(ReadOnlySpan<byte> plaintext);

    public byte[] EncodeBoxed(object value)
    {
        var typed = (T)value;
        var bytes = new byte[GetByteCount(typed)];
        Encode(typed, bytes);
        return bytes;
    }

    public object DecodeBoxed(ReadOnlySpan<byte> plaintext) => Decode(plaintext)!;

    private static class Holder
    {
        public static readonly ValueCodec<T>? Instance = (ValueCodec<T>?)Create(typeof(T));
    }

    // Enums get their own typed codec and nullable forms wrap their underlying type's; the rest come from the one
    // type table (null never reaches a codec: it stays null). No reflection: every codec is constructed statically,
    // so this works unchanged under trimming and native AOT.
    private static object? Create(Type type)
    {
        if (type.IsEnum)
        {
            return new EnumCodec<T>();
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return underlying.IsEnum
                ? new NullableEnumCodec<T>(underlying)
                : EncryptedValueType.Of(underlying) is { } nullableKnown && nullableKnown.ClrType == underlying ? nullableKnown.NullableCodec : null;
        }

        return EncryptedValueType.Of(type) is { } known && known.ClrType == type ? known.Codec : null;
    }
}
