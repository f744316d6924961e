namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// The value types recorded in the registry (<c>value_type</c>): the names of the supported CLR types, and
/// <c>Enum</c> for any enum (encoded as its 64-bit number, so the enum type itself is not needed).
/// </summary>
internal static class EncryptedValueTypes
{
    public const string Enum = "Enum";

    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal)
    {
        ["String"] = typeof(string),
        ["Byte[]"] = typeof(byte[]),
        ["Boolean"] = typeof(bool),
        ["Int16"] = typeof(short),
        ["Int32"] = typeof(int),
        ["Int64"] = typeof(long),
        ["Single"] = typeof(float),
        ["Double"] = typeof(double),
        ["Decimal"] = typeof(decimal),
        ["Guid"] = typeof(Guid),
        ["DateTime"] = typeof(DateTime),
        ["DateTimeOffset"] = typeof(DateTimeOffset),
        ["DateOnly"] = typeof(DateOnly),
        ["TimeOnly"] = typeof(TimeOnly),
        ["TimeSpan"] = typeof(TimeSpan),
    };

    /// <summary>The registry name of a property's type (nullable forms use their underlying type).</summary>
    public static string NameOf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            return Enum;
        }

        return ByName.TryGetValue(underlying.Name, out var known) && known == underlying
            ? underlying.Name
            : throw new NotSupportedException($"ColumnCrypto cannot encrypt values of type {type}.");
    }

    /// <summary>
    /// The CLR type whose codec encodes values of <paramref name="name"/>: enums use <see cref="long"/>, whose
    /// encoding is the enum codec's. Null when the name is unknown.
    /// </summary>
    public static Type? CodecType(string name) =>
        name == Enum ? typeof(long) : ByName.GetValueOrDefault(name);
}
