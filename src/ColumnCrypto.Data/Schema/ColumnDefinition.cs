namespace ColumnCrypto.Data.Schema;

/// <summary>The kinds of column ColumnCrypto's own tables use; each SQL dialect (and the EF Core mapping) names its type.</summary>
public enum ColumnKind
{
    /// <summary>A 32-bit whole number (<see cref="int"/>).</summary>
    Number,

    /// <summary>A 64-bit whole number (<see cref="long"/>).</summary>
    LongNumber,

    /// <summary>True or false (<see cref="bool"/>).</summary>
    Flag,

    /// <summary>A double-precision number (<see cref="double"/>).</summary>
    Fraction,

    /// <summary>Text (<see cref="string"/>), bounded by <see cref="ColumnDefinition.MaxLength"/> where it has one.</summary>
    Text,

    /// <summary>Bytes (<see cref="byte"/>[]).</summary>
    Bytes,

    /// <summary>A point in time with its offset (<see cref="DateTimeOffset"/>).</summary>
    Timestamp,
}

/// <summary>One column of one of ColumnCrypto's own tables.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="MaxLength">The longest text it takes, where bounded.</param>
/// <param name="IsNullable">Whether it may be NULL.</param>
public sealed record ColumnDefinition(string Name, ColumnKind Kind, int? MaxLength = null, bool IsNullable = false)
{
    /// <summary>The CLR type that holds the column's values.</summary>
    public Type ClrType => Kind switch
    {
        ColumnKind.Number => typeof(int),
        ColumnKind.LongNumber => typeof(long),
        ColumnKind.Flag => typeof(bool),
        ColumnKind.Fraction => typeof(double),
        ColumnKind.Text => typeof(string),
        ColumnKind.Bytes => typeof(byte[]),
        _ => typeof(DateTimeOffset),
    };
}

/// <summary>One of ColumnCrypto's own tables: its default name, its columns in order and its primary key.</summary>
/// <param name="DefaultName">The table's name unless the application renames it (only the key table can be renamed).</param>
/// <param name="Columns">The columns, in order.</param>
/// <param name="PrimaryKey">The primary key's columns, in order.</param>
public sealed record TableDefinition(string DefaultName, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<string> PrimaryKey)
{
    /// <summary>The column list for SQL: the columns' names, comma-separated, in order.</summary>
    public string ColumnList => string.Join(", ", Columns.Select(c => c.Name));
}
