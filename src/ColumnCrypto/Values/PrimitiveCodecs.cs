using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ColumnCrypto.Values;

// Fixed-size encodings are little-endian. Each codec checks the exact length on decode, so a plaintext of the wrong
// size (a value written as another type) is reported, never misread.

internal sealed class StringCodec : ValueCodec<string>
{
    // Strict UTF-8: a string with an unpaired surrogate is rejected rather than silently altered on the way in.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override int GetByteCount(string value) => Utf8.GetByteCount(value);

    public override void Encode(string value, Span<byte> destination) => Utf8.GetBytes(value, destination);

    public override string Decode(ReadOnlySpan<byte> plaintext) => Utf8.GetString(plaintext);
}

internal sealed class ByteArrayCodec : ValueCodec<byte[]>
{
    public override int GetByteCount(byte[] value) => value.Length;

    public override void Encode(byte[] value, Span<byte> destination) => value.CopyTo(destination);

    public override byte[] Decode(ReadOnlySpan<byte> plaintext) => plaintext.ToArray();
}

internal abstract class FixedSizeCodec<T>(int size) : ValueCodec<T>
{
    public sealed override int GetByteCount(T value) => size;

    public sealed override T Decode(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length != size)
        {
            throw new FormatException($"expected {size} plaintext bytes for a {typeof(T).Name} but found {plaintext.Length}; the value was written as another type");
        }

        return Read(plaintext);
    }

    protected abstract T Read(ReadOnlySpan<byte> plaintext);
}

internal sealed class BooleanCodec() : FixedSizeCodec<bool>(1)
{
    public override void Encode(bool value, Span<byte> destination) => destination[0] = value ? (byte)1 : (byte)0;

    protected override bool Read(ReadOnlySpan<byte> plaintext) => plaintext[0] switch
    {
        0 => false,
        1 => true,
        _ => throw new FormatException("a bool plaintext must be 0 or 1"),
    };
}

internal sealed class Int16Codec() : FixedSizeCodec<short>(2)
{
    public override void Encode(short value, Span<byte> destination) => BinaryPrimitives.WriteInt16LittleEndian(destination, value);

    protected override short Read(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadInt16LittleEndian(plaintext);
}

internal sealed class Int32Codec() : FixedSizeCodec<int>(4)
{
    public override void Encode(int value, Span<byte> destination) => BinaryPrimitives.WriteInt32LittleEndian(destination, value);

    protected override int Read(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadInt32LittleEndian(plaintext);
}

internal sealed class Int64Codec() : FixedSizeCodec<long>(8)
{
    public override void Encode(long value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, value);

    protected override long Read(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadInt64LittleEndian(plaintext);
}

internal sealed class SingleCodec() : FixedSizeCodec<float>(4)
{
    public override void Encode(float value, Span<byte> destination) => BinaryPrimitives.WriteSingleLittleEndian(destination, value);

    protected override float Read(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadSingleLittleEndian(plaintext);
}

internal sealed class DoubleCodec() : FixedSizeCodec<double>(8)
{
    public override void Encode(double value, Span<byte> destination) => BinaryPrimitives.WriteDoubleLittleEndian(destination, value);

    protected override double Read(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadDoubleLittleEndian(plaintext);
}

internal sealed class DecimalCodec() : FixedSizeCodec<decimal>(16)
{
    public override void Encode(decimal value, Span<byte> destination)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[(i * 4)..], bits[i]);
        }
    }

    protected override decimal Read(ReadOnlySpan<byte> plaintext)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(plaintext[(i * 4)..]);
        }

        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("the plaintext is not a valid decimal", e);
        }
    }
}

internal sealed class GuidCodec() : FixedSizeCodec<Guid>(16)
{
    public override void Encode(Guid value, Span<byte> destination) => value.TryWriteBytes(destination);

    protected override Guid Read(ReadOnlySpan<byte> plaintext) => new(plaintext);
}

/// <summary>DateTime as <see cref="DateTime.ToBinary"/>: ticks and kind survive the round trip.</summary>
internal sealed class DateTimeCodec() : FixedSizeCodec<DateTime>(8)
{
    public override void Encode(DateTime value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, value.ToBinary());

    protected override DateTime Read(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            return DateTime.FromBinary(BinaryPrimitives.ReadInt64LittleEndian(plaintext));
        }
        catch (ArgumentException e)
        {
            throw new FormatException("the plaintext is not a valid DateTime", e);
        }
    }
}

/// <summary>DateTimeOffset as local ticks and the offset in minutes: both survive the round trip.</summary>
internal sealed class DateTimeOffsetCodec() : FixedSizeCodec<DateTimeOffset>(10)
{
    public override void Encode(DateTimeOffset value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, value.Ticks);
        BinaryPrimitives.WriteInt16LittleEndian(destination[8..], (short)value.TotalOffsetMinutes);
    }

    protected override DateTimeOffset Read(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(plaintext[8..]));
            return new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(plaintext), offset);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("the plaintext is not a valid DateTimeOffset", e);
        }
    }
}

internal sealed class DateOnlyCodec() : FixedSizeCodec<DateOnly>(4)
{
    public override void Encode(DateOnly value, Span<byte> destination) => BinaryPrimitives.WriteInt32LittleEndian(destination, value.DayNumber);

    protected override DateOnly Read(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            return DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(plaintext));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException("the plaintext is not a valid DateOnly", e);
        }
    }
}

internal sealed class TimeOnlyCodec() : FixedSizeCodec<TimeOnly>(8)
{
    public override void Encode(TimeOnly value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, value.Ticks);

    protected override TimeOnly Read(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            return new TimeOnly(BinaryPrimitives.ReadInt64LittleEndian(plaintext));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException("the plaintext is not a valid TimeOnly", e);
        }
    }
}

internal sealed class TimeSpanCodec() : FixedSizeCodec<TimeSpan>(8)
{
    public override void Encode(TimeSpan value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, value.Ticks);

    protected override TimeSpan Read(ReadOnlySpan<byte> plaintext) => new(BinaryPrimitives.ReadInt64LittleEndian(plaintext));
}

/// <summary>Enums as their underlying integer, widened to 8 bytes, so changing the underlying type keeps values readable.</summary>
// Unconstrained (T is always an enum: ValueCodec<T> checks) so that it can be constructed without reflection.
internal sealed class EnumCodec<T>() : FixedSizeCodec<T>(8)
{
    public override void Encode(T value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, ToInt64(value));

    protected override T Read(ReadOnlySpan<byte> plaintext) => FromInt64(BinaryPrimitives.ReadInt64LittleEndian(plaintext));

    private static long ToInt64(T value) => Unsafe.SizeOf<T>() switch
    {
        1 => IsUnsigned ? Unsafe.As<T, byte>(ref value) : Unsafe.As<T, sbyte>(ref value),
        2 => IsUnsigned ? Unsafe.As<T, ushort>(ref value) : Unsafe.As<T, short>(ref value),
        4 => IsUnsigned ? Unsafe.As<T, uint>(ref value) : Unsafe.As<T, int>(ref value),
        _ => Unsafe.As<T, long>(ref value),
    };

    private static T FromInt64(long raw)
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 1: { var narrow = (byte)raw; return Unsafe.As<byte, T>(ref narrow); }
            case 2: { var narrow = (ushort)raw; return Unsafe.As<ushort, T>(ref narrow); }
            case 4: { var narrow = (uint)raw; return Unsafe.As<uint, T>(ref narrow); }
            default: return Unsafe.As<long, T>(ref raw);
        }
    }

    private static readonly bool IsUnsigned = Enum.GetUnderlyingType(typeof(T)) is var u
        && (u == typeof(byte) || u == typeof(ushort) || u == typeof(uint) || u == typeof(ulong));
}

/// <summary>
/// A nullable enum (<typeparamref name="T"/> is <c>E?</c>), encoded exactly as <c>E</c>: its number widened to 64 bits
/// (sign-extended, or zero-extended for unsigned enums), truncated back on decode. Through the boxed value, since the
/// enum type is known only at run time here; callers handle null before encoding.
/// </summary>
internal sealed class NullableEnumCodec<T>(Type enumType) : FixedSizeCodec<T>(8)
{
    private readonly bool _unsigned = Enum.GetUnderlyingType(enumType) is var u
        && (u == typeof(byte) || u == typeof(ushort) || u == typeof(uint) || u == typeof(ulong));

    public override void Encode(T value, Span<byte> destination)
    {
        var boxed = (object)value!; // a boxed E? with a value is a boxed E
        BinaryPrimitives.WriteInt64LittleEndian(destination,
            _unsigned ? unchecked((long)Convert.ToUInt64(boxed, CultureInfo.InvariantCulture)) : Convert.ToInt64(boxed, CultureInfo.InvariantCulture));
    }

    protected override T Read(ReadOnlySpan<byte> plaintext) => (T)Enum.ToObject(enumType, BinaryPrimitives.ReadInt64LittleEndian(plaintext));
}

/// <summary>A nullable value type, encoded exactly as its underlying type; callers handle null before encoding.</summary>
internal sealed class NullableCodec<T>(ValueCodec<T> inner) : ValueCodec<T?>
    where T : struct
{
    public override int GetByteCount(T? value) => inner.GetByteCount(value!.Value);

    public override void Encode(T? value, Span<byte> destination) => inner.Encode(value!.Value, destination);

    public override T? Decode(ReadOnlySpan<byte> plaintext) => inner.Decode(plaintext);
}
