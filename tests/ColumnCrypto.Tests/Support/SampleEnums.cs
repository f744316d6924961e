namespace ColumnCrypto.Tests.Support;

public enum SByteBacked : sbyte { Min = sbyte.MinValue, MinusOne = -1, Zero = 0, Max = sbyte.MaxValue }

public enum ByteBacked : byte { Zero = 0, Max = byte.MaxValue }

public enum Int16Backed : short { Min = short.MinValue, MinusOne = -1, Max = short.MaxValue }

public enum UInt16Backed : ushort { Zero = 0, Max = ushort.MaxValue }

public enum Int32Backed { Min = int.MinValue, Negative = -42, Zero = 0, One = 1, Max = int.MaxValue }

public enum UInt32Backed : uint { Zero = 0, High = 1u << 31, Max = uint.MaxValue }

public enum Int64Backed : long { Min = long.MinValue, Negative = -42, Max = long.MaxValue }

public enum UInt64Backed : ulong { Zero = 0, High = 1UL << 63, Max = ulong.MaxValue }

[Flags]
public enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
    All = Read | Write | Execute,
}
