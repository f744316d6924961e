namespace ColumnCrypto.Values;

/// <summary>The supported value types and their codecs.</summary>
internal static class ValueCodecs
{
    private static readonly Dictionary<Type, Func<object>> Factories = new()
    {
        [typeof(string)] = () => new StringCodec(),
        [typeof(byte[])] = () => new ByteArrayCodec(),
        [typeof(bool)] = () => new BooleanCodec(),
        [typeof(short)] = () => new Int16Codec(),
        [typeof(int)] = () => new Int32Codec(),
        [typeof(long)] = () => new Int64Codec(),
        [typeof(float)] = () => new SingleCodec(),
        [typeof(double)] = () => new DoubleCodec(),
        [typeof(decimal)] = () => new DecimalCodec(),
        [typeof(Guid)] = () => new GuidCodec(),
        [typeof(DateTime)] = () => new DateTimeCodec(),
        [typeof(DateTimeOffset)] = () => new DateTimeOffsetCodec(),
        [typeof(DateOnly)] = () => new DateOnlyCodec(),
        [typeof(TimeOnly)] = () => new TimeOnlyCodec(),
        [typeof(TimeSpan)] = () => new TimeSpanCodec(),
    };

    /// <summary>The supported types, for error messages.</summary>
    public static string SupportedTypeNames =>
        "string, byte[], bool, short, int, long, float, double, decimal, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan, enums, and their nullable forms";

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) can be encrypted.</summary>
    public static bool IsSupported(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsEnum || Factories.ContainsKey(underlying);
    }

    public static object? Create(Type type)
    {
        if (type.IsEnum)
        {
            return Activator.CreateInstance(typeof(EnumCodec<>).MakeGenericType(type));
        }

        // Nullable forms encode like their underlying type (null never reaches a codec: it stays null).
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying) is { } inner
                ? Activator.CreateInstance(typeof(NullableCodec<>).MakeGenericType(underlying), inner)
                : null;
        }

        return Factories.TryGetValue(type, out var factory) ? factory() : null;
    }
}
