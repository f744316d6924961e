namespace ColumnCrypto.Values;

/// <summary>
/// Turns a value of one CLR type into the plaintext bytes that get encrypted, and back. Part of format version 1:
/// changing an encoding would break stored data, so codecs are frozen by the committed test vectors.
/// </summary>
internal abstract class ValueCodec<T>
{
    /// <summary>The codec for <typeparamref name="T"/>, or null when the type is not supported.</summary>
    public static readonly ValueCodec<T>? Instance = (ValueCodec<T>?)ValueCodecs.Create(typeof(T));

    /// <summary>The exact number of plaintext bytes <see cref="Encode"/> writes for <paramref name="value"/>.</summary>
    public abstract int GetByteCount(T value);

    /// <summary>Writes the plaintext bytes of <paramref name="value"/>; <paramref name="destination"/> has exactly <see cref="GetByteCount"/> bytes.</summary>
    public abstract void Encode(T value, Span<byte> destination);

    /// <summary>Reads a value back; throws <see cref="FormatException"/> when the bytes cannot be a value of this type.</summary>
    public abstract T Decode(ReadOnlySpan<byte> plaintext);
}
