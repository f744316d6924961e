using System.Globalization;

namespace ColumnCrypto.Values;

/// <summary>
/// A type of value ColumnCrypto can encrypt. <see cref="All"/> is the one list of supported types: each with the name
/// the encrypted-column registry records (<c>value_type</c>), its codec (the frozen format-1 encoding) and how its
/// plaintext is written as text (for migrating columns that held plaintext). Nullable forms encode like their
/// underlying type; every enum is <see cref="Enum"/>, encoded as its 64-bit number.
/// </summary>
public sealed class EncryptedValueType
{
    private const NumberStyles Integer = NumberStyles.Integer;
    private const NumberStyles Float = NumberStyles.Float;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly IValueCodec _codec;
    private readonly Func<string, object> _parseText;

    private EncryptedValueType(string name, string keyword, Type clrType, IValueCodec codec, Func<string, object> parseText, IValueCodec? nullableCodec = null)
    {
        Name = name;
        Keyword = keyword;
        ClrType = clrType;
        _codec = codec;
        _parseText = parseText;
        NullableCodec = nullableCodec;
    }

    // Value types: the nullable form's codec is made here, where the type is known statically, so looking a codec up
    // never constructs a generic type at run time (native AOT cannot).
    private static EncryptedValueType Struct<T>(string name, string keyword, ValueCodec<T> codec, Func<string, object> parseText)
        where T : struct => new(name, keyword, typeof(T), codec, parseText, new NullableCodec<T>(codec));

    /// <summary>Every enum type, encoded as its number widened to 64 bits (so the enum's own type is not needed to read it).</summary>
    public static EncryptedValueType Enum { get; } = new("Enum", "enums", typeof(Enum), new Int64Codec(), t => long.Parse(t, Integer, Invariant));

    /// <summary>Every supported type, in documentation order.</summary>
    public static IReadOnlyList<EncryptedValueType> All { get; } =
    [
        new("String", "string", typeof(string), new StringCodec(), t => t),
        new("Byte[]", "byte[]", typeof(byte[]), new ByteArrayCodec(), t => Convert.FromBase64String(t.Trim())),
        Struct("Boolean", "bool", new BooleanCodec(), t => ParseBoolean(t.Trim())),
        Struct("Int16", "short", new Int16Codec(), t => short.Parse(t, Integer, Invariant)),
        Struct("Int32", "int", new Int32Codec(), t => int.Parse(t, Integer, Invariant)),
        Struct("Int64", "long", new Int64Codec(), t => long.Parse(t, Integer, Invariant)),
        Struct("Single", "float", new SingleCodec(), t => float.Parse(t, Float, Invariant)),
        Struct("Double", "double", new DoubleCodec(), t => double.Parse(t, Float, Invariant)),
        Struct("Decimal", "decimal", new DecimalCodec(), t => decimal.Parse(t, Float, Invariant)),
        Struct("Guid", "Guid", new GuidCodec(), t => Guid.Parse(t.Trim(), Invariant)),

        // With an offset or Z: converted to UTC (Kind Utc, as Npgsql's timestamptz); without: Kind Unspecified.
        Struct("DateTime", "DateTime", new DateTimeCodec(), t => DateTime.Parse(t.Trim(), Invariant, DateTimeStyles.AdjustToUniversal)),
        Struct("DateTimeOffset", "DateTimeOffset", new DateTimeOffsetCodec(),
            t => DateTimeOffset.Parse(WithFullOffset(t.Trim()), Invariant, DateTimeStyles.AssumeUniversal)),
        Struct("DateOnly", "DateOnly", new DateOnlyCodec(), t => DateOnly.Parse(t.Trim(), Invariant)),
        Struct("TimeOnly", "TimeOnly", new TimeOnlyCodec(), t => TimeOnly.Parse(t.Trim(), Invariant)),
        Struct("TimeSpan", "TimeSpan", new TimeSpanCodec(), t => TimeSpan.Parse(t.Trim(), Invariant)),
        Enum,
    ];

    /// <summary>The supported types as C# writes them, for messages.</summary>
    public static string SupportedTypeNames { get; } = string.Join(", ", All.Select(t => t.Keyword)) + ", and their nullable forms";

    private static readonly Dictionary<Type, EncryptedValueType> ByType = All.Where(t => t != Enum).ToDictionary(t => t.ClrType);

    private static readonly Dictionary<string, EncryptedValueType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The name recorded in the encrypted-column registry, for example <c>Int32</c>.</summary>
    public string Name { get; }

    /// <summary>The CLR type (<see cref="System.Enum"/> for <see cref="Enum"/>).</summary>
    public Type ClrType { get; }

    private string Keyword { get; }

    /// <summary>The codec of <see cref="ClrType"/> (for <see cref="Enum"/>, that of <see cref="long"/>).</summary>
    internal IValueCodec Codec => _codec;

    /// <summary>The codec of the nullable form of <see cref="ClrType"/>; null for reference types and <see cref="Enum"/>.</summary>
    internal IValueCodec? NullableCodec { get; }

    /// <summary>The value type of <paramref name="type"/> (or of its nullable form); null when it cannot be encrypted.</summary>
    public static EncryptedValueType? Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsEnum ? Enum : ByType.GetValueOrDefault(underlying);
    }

    /// <summary>The value type recorded as <paramref name="name"/> in the registry; null when the name is unknown.</summary>
    public static EncryptedValueType? FromName(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) can be encrypted.</summary>
    public static bool IsSupported(Type type) => Of(type) is not null;

    /// <summary>
    /// The plaintext bytes of <paramref name="value"/> (an instance of <see cref="ClrType"/>; a <see cref="long"/> for
    /// <see cref="Enum"/>), exactly as <see cref="ColumnEncryptor"/> encodes it before sealing. For tools that work
    /// without the application's CLR types.
    /// </summary>
    public byte[] Encode(object value) => _codec.EncodeBoxed(value);

    /// <summary>Reads plaintext bytes back (a <see cref="long"/> for <see cref="Enum"/>).</summary>
    /// <exception cref="FormatException">The bytes are not a value of this type (it was written as another type).</exception>
    public object Decode(ReadOnlySpan<byte> encoded) => _codec.DecodeBoxed(encoded);

    /// <summary>
    /// Reads a value from the text a column held before it was encrypted: invariant culture, ISO 8601 dates and
    /// times (PostgreSQL's <c>+00</c> offsets accepted), <c>true/false/t/f/1/0</c>, enums as numbers, byte[] as base64.
    /// </summary>
    /// <exception cref="FormatException">The text is not a value of this type.</exception>
    public object ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return _parseText(text);
        }
        catch (OverflowException e)
        {
            throw new FormatException($"the plaintext is out of range for a {Name}", e);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new FormatException($"the plaintext is not a {Name} in the invariant culture", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

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
}
