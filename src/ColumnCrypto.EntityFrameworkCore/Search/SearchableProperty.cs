using System.Collections;
using System.Globalization;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace ColumnCrypto.EntityFrameworkCore.Search;

/// <summary>
/// A searchable encrypted property at run time: its column as the blind index hashes it, the shadow property that
/// holds the index, and the checks a lookup makes. Held by the property's value converter, so the write path and the
/// query rewriting find it from the model.
/// </summary>
internal abstract class SearchableProperty(SearchableColumn column, BlindIndex index, string indexProperty, string indexColumn, BlindIndexReadiness readiness)
{
    public SearchableColumn Column { get; } = column;

    public BlindIndex Index { get; } = index;

    /// <summary>The shadow property (and so the column) holding the index.</summary>
    public string IndexProperty { get; } = indexProperty;

    /// <summary>The column holding the index.</summary>
    public string IndexColumn { get; } = indexColumn;

    public BlindIndexReadiness Readiness { get; } = readiness;

    /// <summary>The property's CLR type (nullable forms included), which values are converted to before hashing.</summary>
    public abstract Type ClrType { get; }

    public static SearchableProperty Create(Type clrType, SearchableColumn column, BlindIndex index, string indexProperty, string indexColumn, BlindIndexReadiness readiness) =>
        (SearchableProperty)Activator.CreateInstance(typeof(SearchableProperty<>).MakeGenericType(clrType), column, index, indexProperty, indexColumn, readiness)!;

    /// <summary>The index to store with a value (null for null).</summary>
    public abstract byte[]? ForWrite(object? value);

    /// <summary>How many index key versions a single-value lookup matches at most: one parameter each in its SQL.</summary>
    public const int LookupSlots = 2;

    /// <summary>
    /// The index of a one-value lookup under the <paramref name="slot"/>-th active index key version (newest first):
    /// null when there is no such version (the usual case for slot 1, which EF then leaves out of the SQL) and for a
    /// null value (slot 0 then matches NULL, as C# compares).
    /// </summary>
    public byte[]? ForLookupSlot(QueryContext query, object? value, int slot)
    {
        if (slot == 0)
        {
            Readiness.Ensure(query.Context);
        }

        var versions = Index.LookupVersions;
        if (versions.Count > LookupSlots)
        {
            throw new InvalidOperationException(
                $"Lookups on {Column.Column} match at most {LookupSlots} active blind-index key versions, and {versions.Count} are active ({string.Join(", ", versions)}): " +
                "finish the index build and retire the older versions ('columncrypto index retire-key').");
        }

        return value is null || slot >= versions.Count ? null : LookupUnder(value, versions[slot]);
    }

    protected abstract byte[]? LookupUnder(object value, int version);

    /// <summary>The indexes a lookup of any of <paramref name="values"/> matches (empty for none).</summary>
    public byte[]?[] ForLookupMany(QueryContext query, IEnumerable? values)
    {
        Readiness.Ensure(query.Context);
        var result = new List<byte[]?>();
        foreach (var value in values ?? Array.Empty<object>())
        {
            if (value is null)
            {
                result.Add(null);
            }
            else
            {
                result.AddRange(Lookup(value));
            }
        }

        return [.. result];
    }

    protected abstract byte[]?[] Lookup(object value);

    /// <summary>A value of the property's type: enums arrive as their number from comparisons the compiler widened.</summary>
    protected object ToPropertyType(object value)
    {
        var type = Nullable.GetUnderlyingType(ClrType) ?? ClrType;
        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        return type.IsEnum ? Enum.ToObject(type, value) : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }
}

/// <summary>The typed form: values are hashed with the encoding of <typeparamref name="T"/>, as they are encrypted.</summary>
internal sealed class SearchableProperty<T>(SearchableColumn column, BlindIndex index, string indexProperty, string indexColumn, BlindIndexReadiness readiness)
    : SearchableProperty(column, index, indexProperty, indexColumn, readiness)
{
    public override Type ClrType => typeof(T);

    public override byte[]? ForWrite(object? value) => value is null ? null : Index.ComputeForWrite(Column, (T)ToPropertyType(value));

    protected override byte[]?[] Lookup(object value) => Index.ComputeForLookup(Column, (T)ToPropertyType(value));

    protected override byte[]? LookupUnder(object value, int version) => Index.ComputeForVersion(Column, (T)ToPropertyType(value), version);
}
