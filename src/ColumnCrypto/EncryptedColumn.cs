using System.Buffers.Binary;
using System.Text;

namespace ColumnCrypto;

/// <summary>
/// Identifies the column a value belongs to. Its table and column names are bound into each ciphertext's authenticated
/// data, so a value copied into another column or table fails to decrypt. Create one per column and reuse it.
/// </summary>
public sealed class EncryptedColumn : IEquatable<EncryptedColumn>
{
    /// <summary>Creates the identity of one encrypted column.</summary>
    /// <param name="table">The table name, for example <c>customers</c> (schema-qualified if you like: <c>crm.customers</c>).</param>
    /// <param name="column">The column name, for example <c>email</c>.</param>
    public EncryptedColumn(string table, string column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        Table = table;
        Column = column;
        AssociatedDataSuffix = BuildSuffix(table, column);
    }

    /// <summary>The table name.</summary>
    public string Table { get; }

    /// <summary>The column name.</summary>
    public string Column { get; }

    /// <summary>Length-prefixed UTF-8 table and column names, computed once so the hot path only copies them.</summary>
    internal byte[] AssociatedDataSuffix { get; }

    /// <summary>Parses a <c>table.column</c> context as used by <see cref="EncryptedAttribute.Context"/>; the last dot separates the column.</summary>
    public static EncryptedColumn Parse(string context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(context);
        var dot = context.LastIndexOf('.');
        if (dot <= 0 || dot == context.Length - 1)
        {
            throw new ArgumentException($"Encryption context '{context}' must have the form 'table.column'.", nameof(context));
        }

        return new EncryptedColumn(context[..dot], context[(dot + 1)..]);
    }

    private static byte[] BuildSuffix(string table, string column)
    {
        var tableBytes = Encoding.UTF8.GetBytes(table);
        var columnBytes = Encoding.UTF8.GetBytes(column);
        var suffix = new byte[4 + tableBytes.Length + 4 + columnBytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(suffix, tableBytes.Length);
        tableBytes.CopyTo(suffix, 4);
        BinaryPrimitives.WriteInt32BigEndian(suffix.AsSpan(4 + tableBytes.Length), columnBytes.Length);
        columnBytes.CopyTo(suffix, 8 + tableBytes.Length);
        return suffix;
    }

    /// <inheritdoc />
    public bool Equals(EncryptedColumn? other) =>
        other is not null && string.Equals(Table, other.Table, StringComparison.Ordinal) && string.Equals(Column, other.Column, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EncryptedColumn);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Table, Column);

    /// <inheritdoc />
    public override string ToString() => $"{Table}.{Column}";
}
