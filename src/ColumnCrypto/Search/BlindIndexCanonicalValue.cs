using ColumnCrypto.Values;

namespace ColumnCrypto.Search;

/// <summary>
/// One encoding for values .NET calls equal but encodes differently: a decimal's scale (<c>12.5m == 12.50m</c>) and the
/// sign of a floating-point zero (<c>0.0 == -0.0</c>). Encryption keeps these bits (the value decrypts exactly as
/// written); the index must not, or a lookup would depend on how the value was written (and on EF Core's query cache,
/// which treats equal constants as one query).
/// </summary>
internal static class BlindIndexCanonicalValue
{
    // Dividing by one with 28 decimal places drops trailing zeros: decimal arithmetic keeps the smallest exact scale.
    private const decimal One = 1.0000000000000000000000000000m;

    public static T Apply<T>(T value) => value switch
    {
        decimal d => (T)(object)(d / One),
        double d when d == 0 => (T)(object)0d,
        float f when f == 0 => (T)(object)0f,
        _ => value,
    };

    /// <summary>The encoded value with its canonical encoding, when <paramref name="type"/> has more than one encoding of a value; else null.</summary>
    public static byte[]? Reencode(EncryptedValueType type, ReadOnlySpan<byte> encoded)
    {
        if (type.ClrType != typeof(decimal) && type.ClrType != typeof(double) && type.ClrType != typeof(float))
        {
            return null;
        }

        var canonical = type.Codec.DecodeBoxed(encoded) switch
        {
            decimal d => Apply(d),
            double d => Apply(d),
            float f => (object)Apply(f),
            var other => other,
        };
        return type.Codec.EncodeBoxed(canonical);
    }
}
