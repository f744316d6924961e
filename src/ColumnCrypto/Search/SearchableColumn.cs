using System.Buffers.Binary;
using System.Text;

namespace ColumnCrypto.Search;

/// <summary>
/// A searchable encrypted column: its identity (the <c>table.column</c> bound into its ciphertexts, which also
/// selects its own index key) and how its values are normalized for lookups. Create one per column and reuse it.
/// </summary>
public sealed class SearchableColumn : IEquatable<SearchableColumn>
{
    private static readonly byte[] KeyLabel = Encoding.ASCII.GetBytes("ColumnCrypto blind index key v1\0");

    /// <summary>A searchable column.</summary>
    /// <param name="column">The encrypted column (its table and column names select the index key).</param>
    /// <param name="normalization">How strings are normalized before hashing; <see cref="BlindIndexNormalization.Exact"/> for other types.</param>
    public SearchableColumn(EncryptedColumn column, BlindIndexNormalization normalization = BlindIndexNormalization.Exact)
    {
        ArgumentNullException.ThrowIfNull(column);
        BlindIndexNormalizer.Validate(normalization);
        Column = column;
        Normalization = normalization;
        _hashCode = HashCode.Combine(column, normalization);
    }

    // Cached: the key cache looks columns up on every index computed.
    private readonly int _hashCode;

    /// <summary>The encrypted column.</summary>
    public EncryptedColumn Column { get; }

    /// <summary>How strings are normalized before hashing.</summary>
    public BlindIndexNormalization Normalization { get; }

    /// <summary>
    /// The HKDF info of this column's key under index key <paramref name="version"/>: a label, the version, the
    /// length-prefixed table and column names, and the normalization.
    /// </summary>
    internal byte[] KeyInfo(int version)
    {
        var suffix = Column.AssociatedDataSuffix;
        var info = new byte[KeyLabel.Length + 4 + suffix.Length + 1];
        KeyLabel.CopyTo(info, 0);
        BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(KeyLabel.Length), version);
        suffix.CopyTo(info, KeyLabel.Length + 4);
        info[^1] = (byte)Normalization;
        return info;
    }

    /// <inheritdoc />
    public bool Equals(SearchableColumn? other) => other is not null && Column.Equals(other.Column) && Normalization == other.Normalization;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SearchableColumn);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <inheritdoc />
    public override string ToString() => Normalization == BlindIndexNormalization.Exact ? Column.ToString() : $"{Column} ({Normalization})";
}
